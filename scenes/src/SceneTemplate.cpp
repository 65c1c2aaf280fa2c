#include "silt/scenes/SceneTemplate.h"

#include <fmt/format.h>

#include <algorithm>
#include <memory>
#include <set>
#include <vector>

#include "EmbeddedTemplates.h"
#include "JsonText.h"
#include "SpecChecker.h"
#include "silt/core/FileAtomics.h"

namespace silt::scenes {

namespace {

using json = nlohmann::json;

/// nlohmann's message without its "[json.exception…] parse error at line L, column C: "
/// prefix (Silt reports the position itself, in characters rather than bytes).
std::string cleanedParseMessage(const std::string& what) {
    std::string message = what;
    if (message.rfind("[json.exception.", 0) == 0) {
        size_t close = message.find("] ");
        if (close != std::string::npos) message.erase(0, close + 2);
    }
    if (message.rfind("parse error", 0) == 0) {
        size_t colon = message.find(": ");
        if (colon != std::string::npos) message.erase(0, colon + 2);
    }
    return message;
}

Error malformed(std::string_view text, const std::string& source, size_t offset,
                const std::string& message) {
    detail::TextPosition at = detail::positionOf(text, offset);
    return Error{fmt::format("{}:{}:{}: malformed JSON: {}", source, at.line, at.column, message)};
}

/// Watches nlohmann's parse events for a key given twice in one object, which the parser
/// would otherwise resolve silently (the last one wins), and remembers the first one's path.
class DuplicateKeyFinder {
public:
    bool operator()(int /*depth*/, json::parse_event_t event, json& parsed) {
        switch (event) {
            case json::parse_event_t::object_start:
                mStack.push_back(Level{true, {}, {}, 0});
                break;
            case json::parse_event_t::array_start:
                mStack.push_back(Level{false, {}, {}, 0});
                break;
            case json::parse_event_t::key: {
                Level& level = mStack.back();
                level.key = parsed.get<std::string>();
                if (!level.keys.insert(level.key).second && mFirstDuplicate.empty())
                    mFirstDuplicate = currentPath();
                break;
            }
            case json::parse_event_t::object_end:
            case json::parse_event_t::array_end:
                mStack.pop_back();
                finishedValue();
                break;
            case json::parse_event_t::value:
                finishedValue();
                break;
        }
        return true;
    }
    /// JSON pointer of the first repeated key; empty when there was none.
    [[nodiscard]] const std::string& firstDuplicate() const { return mFirstDuplicate; }

private:
    struct Level {
        bool isObject;
        std::set<std::string> keys;
        std::string key;  ///< object: the key being parsed
        size_t index;     ///< array: the element being parsed
    };
    void finishedValue() {
        if (!mStack.empty() && !mStack.back().isObject) ++mStack.back().index;
    }
    std::string currentPath() const {
        std::string path;
        for (const Level& level : mStack)
            path = level.isObject ? detail::childPath(path, level.key)
                                  : detail::childPath(path, level.index);
        return path;
    }

    std::vector<Level> mStack;
    std::string mFirstDuplicate;
};

/// Parses JSON text; errors carry the line and column of the offending character.
Result<json> parseJson(std::string_view text, const std::string& source) {
    try {
        // The finder is copied into the parser; share its state through a pointer.
        auto finder = std::make_shared<DuplicateKeyFinder>();
        json parsed = json::parse(text.begin(), text.end(),
                                  [finder](int depth, json::parse_event_t event, json& value) {
                                      return (*finder)(depth, event, value);
                                  });
        if (!finder->firstDuplicate().empty()) {
            return Error{fmt::format("{}: {}: field given twice (each field may appear once)",
                                     source, finder->firstDuplicate())};
        }
        return parsed;
    } catch (const json::parse_error& e) {
        // e.byte is the 1-based index of the last character read, the one that broke parsing.
        return malformed(text, source, e.byte == 0 ? 0 : e.byte - 1, cleanedParseMessage(e.what()));
    } catch (const json::exception& e) {
        // Number overflow (out_of_range.406) carries no position; find the literal it names.
        std::string message = cleanedParseMessage(e.what());
        size_t offset = 0;
        size_t open = message.find('\''), close = message.rfind('\'');
        if (open != std::string::npos && close > open) {
            size_t found = text.find(message.substr(open + 1, close - open - 1));
            if (found != std::string_view::npos) offset = found;
        }
        return malformed(text, source, offset, message);
    }
}

SceneTemplate parseBuiltin(const detail::EmbeddedTemplate& embedded) {
    std::string stem(embedded.fileName.substr(0, embedded.fileName.rfind('.')));
    Result<SceneTemplate> parsed = parseSceneTemplate(embedded.text, "builtin:" + stem);
    if (!parsed) reportCheckFailure(__FILE__, __LINE__, parsed.error().message);
    SILT_CHECK_EQ(parsed->name, stem);
    return std::move(parsed).value();
}

}  // namespace

Result<SceneTemplate> parseSceneTemplate(std::string_view text, const std::string& source) {
    Result<json> spec = parseJson(text, source);
    if (!spec) return spec.error();
    Status valid = detail::SpecChecker(source).check(*spec);
    if (!valid) return valid.error();

    SceneTemplate scene;
    if (auto checks = spec->find("checks"); checks != spec->end()) {
        if (Status parsed = applyChecksConfig(*checks, source, "/checks", scene.checks); !parsed)
            return parsed.error();
    }
    scene.name = (*spec)["name"].get<std::string>();
    scene.description = spec->value("description", "");
    scene.source = source;
    scene.spec = std::move(spec).value();
    return scene;
}

Result<SceneTemplate> loadSceneTemplate(const std::filesystem::path& path) {
    Result<std::string> text = readFile(path);
    if (!text) return text.error();
    return parseSceneTemplate(*text, path.string());
}

const std::vector<SceneTemplate>& builtinTemplates() {
    // Parsed once, on first use; a magic static is initialised thread-safely.
    static const std::vector<SceneTemplate> kBuiltins = [] {
        std::vector<SceneTemplate> templates;
        for (const detail::EmbeddedTemplate& embedded : detail::embeddedTemplates())
            templates.push_back(parseBuiltin(embedded));
        std::sort(templates.begin(), templates.end(),
                  [](const SceneTemplate& a, const SceneTemplate& b) { return a.name < b.name; });
        return templates;
    }();
    return kBuiltins;
}

const SceneTemplate& defaultTemplate() {
    const auto& templates = builtinTemplates();
    auto it = std::find_if(templates.begin(), templates.end(),
                           [](const SceneTemplate& t) { return t.name == "default"; });
    SILT_CHECK(it != templates.end());
    return *it;
}

Result<SceneTemplate> resolveScene(const std::string& nameOrFile) {
    const auto& templates = builtinTemplates();
    for (const SceneTemplate& builtin : templates) {
        if (builtin.name == nameOrFile) return builtin;
    }
    std::error_code error;
    if (std::filesystem::is_regular_file(nameOrFile, error)) return loadSceneTemplate(nameOrFile);
    std::string names;
    for (const SceneTemplate& builtin : templates)
        names += (names.empty() ? "" : ", ") + builtin.name;
    return Error{fmt::format("unknown scene '{}': not a builtin template ({}) and no such file",
                             nameOrFile, names)};
}

}  // namespace silt::scenes
