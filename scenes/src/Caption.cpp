#include "silt/scenes/Caption.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <map>

#include <fmt/format.h>

#include "silt/core/Rng.h"

namespace silt::scenes {

namespace {

using Kind = SceneEvent::Kind;

std::string numberWord(size_t n) {
    static constexpr std::array<const char*, 11> kWords = {
        "no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"};
    return n < kWords.size() ? kWords[n] : std::to_string(n);
}

std::string plural(const std::string& noun) {
    auto endsWith = [&](const char* suffix) {
        const std::string s(suffix);
        return noun.size() >= s.size() && noun.compare(noun.size() - s.size(), s.size(), s) == 0;
    };
    if (endsWith("s") || endsWith("x") || endsWith("ch") || endsWith("sh")) return noun + "es";
    return noun + "s";
}

std::string article(const std::string& word) {
    return (!word.empty() && std::string("aeiou").find(word[0]) != std::string::npos) ? "an" : "a";
}

std::string capitalised(std::string text) {
    if (!text.empty())
        text[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(text[0])));
    return text;
}

/// "a, b and c"
std::string listPhrase(const std::vector<std::string>& items) {
    std::string out;
    for (size_t i = 0; i < items.size(); ++i) {
        if (i > 0) out += (i + 1 == items.size()) ? " and " : ", ";
        out += items[i];
    }
    return out;
}

class Writer {
public:
    Writer(const ScenePlan& plan, const std::vector<SurfaceMaterial>& materials)
        : mPlan(plan), mRng(streamFor(plan.seed, plan.clipIndex, "caption")) {
        for (size_t i = 0; i < plan.objects.size(); ++i) {
            mNouns.push_back(assetNoun(plan.objects[i].asset));
            const SurfaceMaterial m = i < materials.size() ? materials[i] : SurfaceMaterial{};
            std::string colour = colourName(m.baseColor);
            if (m.metallic > 0.7f && (colour == "grey" || colour == "white")) colour = "silver";
            mColours.push_back(colour);
            ++mNounCount[mNouns.back()];
            ++mColourNounCount[colour + " " + mNouns.back()];
        }
    }

    template <size_t N>
    const char* pick(const std::array<const char*, N>& options) {
        return options[mRng.uniformU32(static_cast<uint32_t>(N))];
    }

    /// "a red chair, two white mugs and a brown boat": the objects `which` (all when empty).
    std::string objectsPhrase(const std::vector<size_t>& which = {}) {
        // Group identical (colour, noun) in plan order; beyond four groups drop the colours.
        std::vector<std::pair<std::string, size_t>> groups;
        std::map<std::string, size_t> index;
        const bool withColour = mColourNounCount.size() <= 4;
        std::vector<size_t> all = which;
        if (all.empty())
            for (size_t i = 0; i < mNouns.size(); ++i) all.push_back(i);
        for (size_t i : all) {
            const std::string key = withColour ? mColours[i] + " " + mNouns[i] : mNouns[i];
            auto [it, added] = index.emplace(key, groups.size());
            if (added) groups.emplace_back(key, 0);
            ++groups[it->second].second;
        }
        std::vector<std::string> items;
        for (const auto& [key, count] : groups) {
            if (count == 1) {
                items.push_back(article(key) + " " + key);
            } else {
                const size_t space = key.rfind(' ');
                const std::string head = withColour ? key.substr(0, space + 1) : "";
                const std::string noun = withColour ? key.substr(space + 1) : key;
                items.push_back(numberWord(count) + " " + head + plural(noun));
            }
        }
        return listPhrase(items);
    }

    /// "its", or "the chair's" when the object was not the last one named.
    std::string possessive(size_t i) const { return i == mLastNamed ? "its" : refer(i) + "'s"; }

    /// How to point at object i in the second sentence.
    std::string refer(size_t i) const {
        const std::string& noun = mNouns[i];
        if (mNounCount.at(noun) == 1) return "the " + noun;
        if (mColourNounCount.at(mColours[i] + " " + noun) == 1)
            return "the " + mColours[i] + " " + noun;
        return "one of the " + plural(noun);
    }

    /// How the plan starts each object: what the first sentences say about it.
    enum class Role { Dropped, Thrown, Standing, Buried, Pushed };
    Role role(size_t i) const {
        const ObjectPlan& o = mPlan.objects[i];
        if (o.buried && !(o.motion && o.motion->type == "push")) return Role::Buried;
        if (o.motion) return Role::Pushed;
        if (o.linearVelocity.norm() > 0.5f) return Role::Thrown;
        if (o.pose.position.y() <= 0.01f) return Role::Standing;
        return Role::Dropped;
    }

    // Boxes or pours: the objects meet what the scene puts under them.
    bool hasWater() const { return mPlan.continuum && mPlan.continuum->has("water"); }
    bool hasSand() const { return mPlan.continuum && mPlan.continuum->has("sand"); }

    /// A block that covers under 60 % of the domain's floor stands as a column that will
    /// collapse (a dam break, a sand tower) rather than lying as a bed or a pool.
    template <typename Block>
    bool isColumn(const std::vector<Block>& blocks) const {
        const ContinuumPlan& c = *mPlan.continuum;
        const float floor = (c.domainMax.x() - c.domainMin.x()) * (c.domainMax.z() - c.domainMin.z());
        for (const Block& b : blocks) {
            const float area = (b.max.x() - b.min.x()) * (b.max.z() - b.min.z());
            if (b.min.y() <= c.domainMin.y() + 1e-4f && area < 0.6f * floor &&
                b.max.y() - b.min.y() > 0.25f * std::sqrt(area))
                return true;
        }
        return false;
    }

    const char* sandPlace() {
        const std::array<const char*, 4> sand = {"a bed of dry sand", "loose sand",
                                                 "a layer of sand", "the sand"};
        return pick(sand);
    }
    const char* waterPlace() {
        const std::array<const char*, 4> water = {"a tank of water", "still water", "the water",
                                                  "a pool of water"};
        return pick(water);
    }

    /// The opening: what is in the scene and how each object starts (one short sentence per
    /// kind of start, in a fixed order).
    std::string sceneSentences() {
        std::map<Role, std::vector<size_t>> byRole;
        for (size_t i = 0; i < mPlan.objects.size(); ++i) byRole[role(i)].push_back(i);
        auto verb = [](const std::vector<size_t>& who, const char* one, const char* many) {
            return who.size() > 1 ? many : one;
        };
        std::vector<std::string> sentences;
        const bool waterColumn = hasWater() && isColumn(mPlan.continuum->water);
        const bool sandColumn = hasSand() && isColumn(mPlan.continuum->sand);
        const std::vector<size_t>& standing = byRole[Role::Standing];
        if (waterColumn) {
            const std::array<const char*, 3> release = {
                "A column of water is released and rushes across the tank",
                "A wall of water collapses and surges across the floor",
                "A dam of water breaks and floods across the tank"};
            std::string text = pick(release);
            if (!standing.empty()) {
                const std::array<const char*, 2> toward = {" toward ", " into "};
                text += pick(toward) + objectsPhrase(standing);
            }
            sentences.push_back(text + ".");
        } else if (!standing.empty()) {
            const char* place = hasWater() ? " in the water" : hasSand() ? " on the sand" : " on the floor";
            sentences.push_back(fmt::format("{} {}{}.", capitalised(objectsPhrase(standing)),
                                            verb(standing, "stands", "stand"), place));
        }
        if (sandColumn) {
            const std::array<const char*, 3> tower = {
                "A tall tower of sand slumps and spreads into a low pile",
                "A sandcastle tower collapses under its own weight",
                "A column of dry sand crumbles and slides into a heap"};
            sentences.push_back(std::string(pick(tower)) + ".");
        }
        if (const auto& buried = byRole[Role::Buried]; !buried.empty()) {
            const std::array<const char*, 3> lies = {"lies buried in", "is half buried in",
                                                     "sits buried in"};
            const std::array<const char*, 3> lie = {"lie buried in", "are half buried in",
                                                    "sit buried in"};
            const char* place = hasSand() ? sandPlace() : waterPlace();
            sentences.push_back(fmt::format("{} {} {}.", capitalised(objectsPhrase(buried)),
                                            buried.size() > 1 ? pick(lie) : pick(lies), place));
        }
        if (const auto& pushed = byRole[Role::Pushed]; !pushed.empty()) {
            const bool many = pushed.size() > 1;
            const bool swung = std::all_of(pushed.begin(), pushed.end(), [&](size_t i) {
                return mPlan.objects[i].motion->reverses();
            });
            if (hasWater() && swung) {
                const std::array<const char*, 3> swing = {
                    "{} {} back and forth at the end of the tank, sending waves across the water",
                    "{} {} to and fro in the water and makes waves",
                    "{} {} back and forth, and waves run down the tank"};
                sentences.push_back(fmt::format(fmt::runtime(pick(swing)),
                                                capitalised(objectsPhrase(pushed)),
                                                many ? "swing" : "swings"));
                if (many) {
                    std::string& t = sentences.back();
                    if (auto at = t.find(" and makes "); at != std::string::npos)
                        t.replace(at, 11, " and make ");
                }
                sentences.back() += ".";
            } else if (hasWater()) {
                const std::array<const char*, 3> push = {
                    "{} {} through the water, pushing a wave ahead of {}",
                    "{} {} along the tank and raises a wave in front of {}",
                    "{} {} through the tank, heaping the water up ahead of {}"};
                const char* pattern = pick(push);
                sentences.push_back(fmt::format(fmt::runtime(pattern),
                                                capitalised(objectsPhrase(pushed)),
                                                many ? "sweep" : "sweeps", many ? "them" : "it"));
                // "… and raises": the verb after "and" needs the same number.
                if (many) {
                    std::string& t = sentences.back();
                    if (auto at = t.find(" and raises "); at != std::string::npos)
                        t.replace(at, 12, " and raise ");
                }
                sentences.back() += ".";
            } else {
                sentences.push_back(fmt::format("{} {} steadily across the scene.",
                                                capitalised(objectsPhrase(pushed)),
                                                many ? "are pushed" : "is pushed"));
            }
        }
        if (const auto& thrown = byRole[Role::Thrown]; !thrown.empty()) {
            const char* target = sandColumn ? "the sand tower" : hasWater() ? "the water" : hasSand() ? "the sand" : "the floor";
            const std::array<const char*, 2> verbs = {"thrown at", "tossed toward"};
            sentences.push_back(fmt::format("{} {} {} {}.", capitalised(objectsPhrase(thrown)),
                                            thrown.size() > 1 ? "are" : "is", pick(verbs), target));
        }
        if (const auto& dropped = byRole[Role::Dropped]; !dropped.empty()) {
            const bool many = dropped.size() > 1;
            const std::string subject = capitalised(objectsPhrase(dropped));
            const std::array<const char*, 4> ground = {"the ground", "the floor", "a flat floor",
                                                       "the bare ground"};
            // The objects meet what the scene puts under them: sand or water when it has some.
            const char* place = hasWater() ? waterPlace() : hasSand() ? sandPlace() : pick(ground);
            const char* onto = mPlan.continuum ? "into" : "onto";
            const char* on = mPlan.continuum ? "in" : "on";
            switch (mRng.uniformU32(3)) {
                case 0:
                    sentences.push_back(
                        fmt::format("{} {} {} {}.", subject, many ? "fall" : "falls", onto, place));
                    break;
                case 1:
                    sentences.push_back(fmt::format("{} {} dropped {} {}.", subject,
                                                    many ? "are" : "is", onto, place));
                    break;
                default:
                    sentences.push_back(fmt::format("{} {} through the air and {} {} {}.", subject,
                                                    many ? "drop" : "drops",
                                                    many ? "land" : "lands", on, place));
            }
        }
        std::string out;
        for (const std::string& sentence : sentences) out += (out.empty() ? "" : " ") + sentence;
        return out;
    }

    /// The parts of an object sand streams off ("seat and legs").
    static const char* parts(const std::string& noun) {
        static const std::map<std::string, const char*> kParts = {
            {"chair", "seat and legs"}, {"table", "top and legs"},    {"crate", "slats"},
            {"bucket", "rim"},          {"mug", "handle and rim"},    {"bowl", "rim"},
            {"boat", "deck and cabin"}, {"toy car", "roof and wheels"}, {"spade", "blade"},
            {"bottle", "shoulders"},    {"paddle", "edges"}};
        auto it = kParts.find(noun);
        return it == kParts.end() ? "sides" : it->second;
    }

    std::string clause(const SceneEvent& e, size_t bounces) {
        const std::string who = refer(e.object);
        switch (e.kind) {
            case Kind::Bounce: {
                const std::string times = bounces == 1   ? "once"
                                          : bounces == 2 ? "twice"
                                                         : numberWord(bounces) + " times";
                const std::array<const char*, 2> verbs = {"bounces", "rebounds"};
                return fmt::format("{} {} {}", who, pick(verbs), times);
            }
            case Kind::ObjectContact: {
                const std::array<const char*, 3> verbs = {"hits", "strikes", "knocks against"};
                const std::string whom = refer(e.other);
                return fmt::format("{} {} {}", who, pick(verbs), whom == who ? "another" : whom);
            }
            case Kind::Tumble: {
                const std::array<const char*, 3> verbs = {"tumbles over", "rolls over",
                                                          "topples and turns over"};
                return fmt::format("{} {}", who, pick(verbs));
            }
            case Kind::Rest: {
                const std::array<const char*, 3> verbs = {"comes to rest", "settles",
                                                          "ends up lying"};
                const char* verb = pick(verbs);
                const std::string pose = e.restingPose == "upside_down" ? "upside down"
                                         : e.restingPose == "on_side"   ? "on its side"
                                                                        : "upright";
                if (pose == "upright" && std::string(verb) == "ends up lying")
                    return fmt::format("{} ends up standing upright", who);
                return fmt::format("{} {} {}", who, verb, pose);
            }
            case Kind::GroundContact: {
                return fmt::format("{} {} first", who, "lands");
            }
            case Kind::Burial: {
                const int cm = std::max(1, int(std::lround(e.depth * 100.0f)));
                if (e.depth < 0.02f) {
                    const std::array<const char*, 2> verbs = {"settles slightly into the sand",
                                                              "presses a shallow dent into the sand"};
                    return fmt::format("{} {}", who, pick(verbs));
                }
                const std::array<const char*, 3> verbs = {"sinks about {} cm into the sand",
                                                          "digs some {} cm deep into the sand",
                                                          "buries itself about {} cm deep"};
                return fmt::format("{} {}", who, fmt::format(fmt::runtime(pick(verbs)), cm));
            }
            case Kind::Splash: {
                if (role(e.object) == Role::Dropped || role(e.object) == Role::Thrown) {
                    const std::array<const char*, 3> verbs = {
                        "hits the water with a splash", "throws up a splash of water",
                        "sends water splashing up"};
                    return fmt::format("{} {}", who, pick(verbs));
                }
                const std::array<const char*, 2> verbs = {"water splashes up against {}",
                                                          "the water sprays up around {}"};
                return fmt::format(fmt::runtime(pick(verbs)), who);
            }
            case Kind::Float: {
                const std::array<const char*, 3> verbs = {"floats", "stays afloat",
                                                          "bobs on the surface"};
                return fmt::format("{} {}", who, pick(verbs));
            }
            case Kind::Sink: {
                const std::array<const char*, 3> verbs = {"sinks to the bottom", "sinks under the water",
                                                          "goes under"};
                return fmt::format("{} {}", who, pick(verbs));
            }
            case Kind::PulledOut: {
                const std::array<const char*, 3> verbs = {"is pulled up out of the sand",
                                                          "is lifted out of the sand",
                                                          "is drawn up out of the sand"};
                return fmt::format("{} {}", who, pick(verbs));
            }
            case Kind::SandPour: {
                const std::array<const char*, 3> verbs = {"sand streams off {} {}",
                                                          "sand pours off {} {}",
                                                          "sand trickles off {} {}"};
                return fmt::format(fmt::runtime(pick(verbs)), possessive(e.object),
                                   parts(mNouns[e.object]));
            }
        }
        return who;
    }

    Caption write(const std::vector<SceneEvent>& events) {
        Caption caption;
        if (mPlan.objects.empty()) {
            caption.text = "An empty scene.";
            return caption;
        }
        caption.text = sceneSentences();
        const float duration = static_cast<float>(mPlan.frames) / static_cast<float>(mPlan.fps);

        // Candidates for the event sentence: one per (kind, object) — the first bounce of an
        // object stands for all of its bounces. Pulling an object out of the sand (and the
        // sand pouring off it) is what such a clip is about: it always gets told, first.
        std::map<size_t, size_t> bounceCount;
        for (const SceneEvent& e : events)
            if (e.kind == Kind::Bounce && e.time <= duration) ++bounceCount[e.object];
        std::vector<size_t> candidates;
        std::map<std::pair<int, size_t>, size_t> seen;  // (kind, object) → event index
        bool anyGroundContact = false;
        for (size_t i = 0; i < events.size(); ++i) {
            const SceneEvent& e = events[i];
            if (e.time > duration || e.object >= mPlan.objects.size()) continue;
            if (e.kind == Kind::ObjectContact && e.other >= mPlan.objects.size()) continue;
            if (e.kind == Kind::GroundContact) {
                anyGroundContact = true;
                continue;  // the first sentence already says they land
            }
            if (!seen.emplace(std::make_pair(static_cast<int>(e.kind), e.object), i).second)
                continue;
            if (e.kind == Kind::PulledOut || e.kind == Kind::SandPour) continue;
            candidates.push_back(i);
        }
        std::vector<std::string> sentences;
        for (size_t object = 0; object < mPlan.objects.size(); ++object) {
            auto pulled = seen.find({static_cast<int>(Kind::PulledOut), object});
            auto poured = seen.find({static_cast<int>(Kind::SandPour), object});
            if (pulled == seen.end() && poured == seen.end()) continue;
            std::string text;
            if (pulled != seen.end()) {
                text = capitalised(clause(events[pulled->second], 0));
                caption.mentioned.push_back(pulled->second);
                mLastNamed = object;
            }
            if (poured != seen.end()) {
                const std::string more = clause(events[poured->second], 0);
                text = text.empty() ? capitalised(more) : text + "; " + more;
                caption.mentioned.push_back(poured->second);
            }
            sentences.push_back(text + ".");
            mLastNamed = kNobody;
        }
        if (candidates.empty()) {
            // Bodies resting in sand or water never touch the ground: not "in the air".
            if (sentences.empty() && !anyGroundContact && !mPlan.continuum) {
                caption.text += mPlan.objects.size() > 1
                                    ? " They are still in the air when the clip ends."
                                    : " It is still in the air when the clip ends.";
            }
            for (const std::string& sentence : sentences) caption.text += " " + sentence;
            return caption;
        }
        // Up to two clauses about different objects where possible, told in time order (one
        // when the pulling already has a sentence).
        std::vector<size_t> chosen;
        const size_t first = candidates[mRng.uniformU32(static_cast<uint32_t>(candidates.size()))];
        chosen.push_back(first);
        std::vector<size_t> others;
        for (size_t c : candidates)
            if (c != first && events[c].object != events[first].object) others.push_back(c);
        if (others.empty())
            for (size_t c : candidates)
                if (c != first) others.push_back(c);
        if (!others.empty() && sentences.empty() && mRng.uniformU32(4) != 0)
            chosen.push_back(others[mRng.uniformU32(static_cast<uint32_t>(others.size()))]);
        std::sort(chosen.begin(), chosen.end(),
                  [&](size_t a, size_t b) { return events[a].time < events[b].time; });
        std::vector<std::string> clauses;
        for (size_t c : chosen) {
            clauses.push_back(clause(events[c], bounceCount[events[c].object]));
            caption.mentioned.push_back(c);
        }
        std::string second = capitalised(clauses[0]);
        if (clauses.size() == 2) {
            const std::array<const char*, 3> joins = {", then ", " and ", ", and then "};
            second += pick(joins) + clauses[1];
        }
        sentences.push_back(second + ".");
        for (const std::string& sentence : sentences) caption.text += " " + sentence;
        return caption;
    }

private:
    static constexpr size_t kNobody = static_cast<size_t>(-1);

    const ScenePlan& mPlan;
    size_t mLastNamed = kNobody;  ///< the object "its" refers to
    Pcg32 mRng;
    std::vector<std::string> mNouns, mColours;
    std::map<std::string, size_t> mNounCount, mColourNounCount;
};

}  // namespace

std::string assetNoun(const std::string& asset) {
    if (asset == "cup") return "mug";
    std::string noun = asset;
    std::replace(noun.begin(), noun.end(), '_', ' ');
    std::replace(noun.begin(), noun.end(), '-', ' ');
    return noun;
}

std::string colourName(const Vec3f& linearRgb) {
    // Judge in (approximately) sRGB, as people see it.
    Vec3f c = linearRgb.cwiseMax(0.0f).cwiseMin(1.0f);
    for (int i = 0; i < 3; ++i) c[i] = std::pow(c[i], 1.0f / 2.2f);
    const float hi = c.maxCoeff(), lo = c.minCoeff();
    const float saturation = hi > 0.0f ? (hi - lo) / hi : 0.0f;
    if (hi < 0.2f) return "black";
    if (saturation < 0.2f) return hi > 0.85f ? "white" : hi > 0.55f ? "grey" : "dark grey";
    float hue = 0.0f;  // degrees
    const float d = hi - lo;
    if (hi == c.x())
        hue = 60.0f * std::fmod((c.y() - c.z()) / d, 6.0f);
    else if (hi == c.y())
        hue = 60.0f * ((c.z() - c.x()) / d + 2.0f);
    else
        hue = 60.0f * ((c.x() - c.y()) / d + 4.0f);
    if (hue < 0.0f) hue += 360.0f;
    if (hue < 15.0f || hue >= 340.0f) return hi < 0.5f ? "dark red" : "red";
    if (hue < 38.0f) return (hi < 0.75f || saturation < 0.45f) ? "brown" : "orange";
    if (hue < 70.0f) return hi < 0.6f ? "olive" : "yellow";
    if (hue < 160.0f) return "green";
    if (hue < 200.0f) return "teal";
    if (hue < 255.0f) return "blue";
    if (hue < 290.0f) return "purple";
    return "pink";
}

Caption writeCaption(const ScenePlan& plan, const std::vector<SurfaceMaterial>& materials,
                     const std::vector<SceneEvent>& events) {
    Writer writer(plan, materials);
    return writer.write(events);
}

}  // namespace silt::scenes
