#include "JsonText.h"

#include <fmt/format.h>

#include <algorithm>
#include <vector>

namespace silt::scenes::detail {

const nlohmann::json& member(const nlohmann::json& object, std::string_view key) {
    static const nlohmann::json kNull;
    if (!object.is_object()) return kNull;
    auto it = object.find(key);
    return it == object.end() ? kNull : *it;
}

std::string childPath(const std::string& parent, std::string_view key) {
    std::string out = parent;
    out += '/';
    for (char c : key) {
        if (c == '~') {
            out += "~0";
        } else if (c == '/') {
            out += "~1";
        } else {
            out += c;
        }
    }
    return out;
}

std::string childPath(const std::string& parent, size_t index) {
    return parent + "/" + std::to_string(index);
}

std::string shownPath(const std::string& path) {
    return path.empty() ? "/" : path;
}

std::string describe(const nlohmann::json& value) {
    using nlohmann::json;
    switch (value.type()) {
        case json::value_t::null:
            return "null";
        case json::value_t::boolean:
            return value.get<bool>() ? "true" : "false";
        case json::value_t::number_integer:
        case json::value_t::number_unsigned:
        case json::value_t::number_float:
            return value.dump();
        case json::value_t::string: {
            std::string text = value.dump(-1, ' ', false, json::error_handler_t::replace);
            constexpr size_t kMaxShown = 60;
            if (text.size() > kMaxShown) text = text.substr(0, kMaxShown) + "…\"";
            return text;
        }
        case json::value_t::array:
            if (value.empty()) return "an empty array";
            return value.size() == 1 ? "an array of 1 element"
                                     : fmt::format("an array of {} elements", value.size());
        case json::value_t::object:
            return value.empty() ? "an empty object" : "an object";
        default:
            return "an unsupported value";
    }
}

namespace {

size_t editDistance(std::string_view a, std::string_view b) {
    std::vector<size_t> previous(b.size() + 1), current(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j) previous[j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
        current[0] = i;
        for (size_t j = 1; j <= b.size(); ++j) {
            size_t substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
            current[j] = std::min({previous[j] + 1, current[j - 1] + 1, substitution});
        }
        std::swap(previous, current);
    }
    return previous[b.size()];
}

char lower(char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

}  // namespace

std::string closestMatch(std::string_view word, std::span<const std::string_view> candidates) {
    std::string folded(word);
    std::transform(folded.begin(), folded.end(), folded.begin(), lower);
    std::string_view best;
    size_t bestDistance = SIZE_MAX;
    for (std::string_view candidate : candidates) {
        size_t distance = editDistance(folded, candidate);
        if (distance < bestDistance) {
            bestDistance = distance;
            best = candidate;
        }
    }
    // A third of the word, at least one edit: catches "colour", "desnity", "Frames" but not
    // unrelated names.
    size_t allowed = std::max<size_t>(1, std::max(word.size(), best.size()) / 3);
    return bestDistance <= allowed ? std::string(best) : std::string();
}

TextPosition positionOf(std::string_view text, size_t offset) {
    offset = std::min(offset, text.size());
    TextPosition position;
    for (size_t i = 0; i < offset; ++i) {
        auto byte = static_cast<unsigned char>(text[i]);
        if (byte == '\n') {
            ++position.line;
            position.column = 1;
        } else if ((byte & 0xC0u) != 0x80u) {  // count code points, not continuation bytes
            ++position.column;
        }
    }
    return position;
}

}  // namespace silt::scenes::detail
