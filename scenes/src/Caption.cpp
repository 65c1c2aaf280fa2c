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

    /// "a red chair, two white mugs and a brown boat"
    std::string objectsPhrase() {
        // Group identical (colour, noun) in plan order; beyond four groups drop the colours.
        std::vector<std::pair<std::string, size_t>> groups;
        std::map<std::string, size_t> index;
        const bool withColour = mColourNounCount.size() <= 4;
        for (size_t i = 0; i < mNouns.size(); ++i) {
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

    /// How to point at object i in the second sentence.
    std::string refer(size_t i) const {
        const std::string& noun = mNouns[i];
        if (mNounCount.at(noun) == 1) return "the " + noun;
        if (mColourNounCount.at(mColours[i] + " " + noun) == 1)
            return "the " + mColours[i] + " " + noun;
        return "one of the " + plural(noun);
    }

    std::string firstSentence() {
        const size_t n = mPlan.objects.size();
        const bool many = n > 1;
        const std::string subject = capitalised(objectsPhrase());
        const std::array<const char*, 4> ground = {"the ground", "the floor", "a flat floor",
                                                   "the bare ground"};
        const std::array<const char*, 4> sand = {"a bed of dry sand", "loose sand",
                                                 "a layer of sand", "the sand"};
        const std::array<const char*, 4> water = {"a tank of water", "still water",
                                                  "the water", "a pool of water"};
        // The objects meet what the scene puts under them: sand or water when it has some.
        const bool hasWater = mPlan.continuum && mPlan.continuum->has("water");
        const bool hasSand = mPlan.continuum && mPlan.continuum->has("sand");
        const char* place = hasWater ? pick(water) : hasSand ? pick(sand) : pick(ground);
        const char* onto = mPlan.continuum ? "into" : "onto";
        const char* on = mPlan.continuum ? "in" : "on";
        switch (mRng.uniformU32(3)) {
            case 0:
                return fmt::format("{} {} {} {}.", subject, many ? "fall" : "falls", onto, place);
            case 1:
                return fmt::format("{} {} dropped {} {}.", subject, many ? "are" : "is", onto, place);
            default:
                return fmt::format("{} {} through the air and {} {} {}.", subject,
                                   many ? "drop" : "drops", many ? "land" : "lands", on, place);
        }
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
        }
        return who;
    }

    Caption write(const std::vector<SceneEvent>& events) {
        Caption caption;
        if (mPlan.objects.empty()) {
            caption.text = "An empty scene.";
            return caption;
        }
        caption.text = firstSentence();
        const float duration = static_cast<float>(mPlan.frames) / static_cast<float>(mPlan.fps);

        // Candidates for the second sentence: one per (kind, object) — the first bounce of an
        // object stands for all of its bounces.
        std::map<size_t, size_t> bounceCount;
        for (const SceneEvent& e : events)
            if (e.kind == Kind::Bounce && e.time <= duration) ++bounceCount[e.object];
        std::vector<size_t> candidates;
        std::map<std::pair<int, size_t>, bool> seen;
        bool anyGroundContact = false;
        for (size_t i = 0; i < events.size(); ++i) {
            const SceneEvent& e = events[i];
            if (e.time > duration || e.object >= mPlan.objects.size()) continue;
            if (e.kind == Kind::ObjectContact && e.other >= mPlan.objects.size()) continue;
            if (e.kind == Kind::GroundContact) {
                anyGroundContact = true;
                continue;  // the first sentence already says they land
            }
            if (!seen.emplace(std::make_pair(static_cast<int>(e.kind), e.object), true).second)
                continue;
            candidates.push_back(i);
        }
        if (candidates.empty()) {
            // Bodies resting in sand or water never touch the ground: not "in the air".
            if (!anyGroundContact && !mPlan.continuum) {
                caption.text += mPlan.objects.size() > 1
                                    ? " They are still in the air when the clip ends."
                                    : " It is still in the air when the clip ends.";
            }
            return caption;
        }
        // Up to two clauses about different objects where possible, told in time order.
        std::vector<size_t> chosen;
        const size_t first = candidates[mRng.uniformU32(static_cast<uint32_t>(candidates.size()))];
        chosen.push_back(first);
        std::vector<size_t> others;
        for (size_t c : candidates)
            if (c != first && events[c].object != events[first].object) others.push_back(c);
        if (others.empty())
            for (size_t c : candidates)
                if (c != first) others.push_back(c);
        if (!others.empty() && mRng.uniformU32(4) != 0)
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
        caption.text += " " + second + ".";
        return caption;
    }

private:
    const ScenePlan& mPlan;
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
