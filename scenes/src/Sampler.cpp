#include "Sampler.h"

#include <algorithm>
#include <cmath>

#include "JsonText.h"
#include "silt/core/Check.h"

namespace silt::scenes::detail {

using json = nlohmann::json;

double Sampler::draw(const json& value, const std::string& path, bool integer) {
    if (value.is_number()) return value.get<double>();
    SILT_CHECK(value.is_object());
    double result = 0.0;
    if (value.contains("uniform")) {
        double lo = value["uniform"][0].get<double>(), hi = value["uniform"][1].get<double>();
        if (integer) {
            auto span = static_cast<uint32_t>(hi - lo) + 1u;
            result = lo + double(mRng.uniformU32(span));
        } else {
            result = mRng.uniform(lo, hi);
        }
    } else if (value.contains("normal")) {
        result = mRng.normal(value["normal"][0].get<double>(), value["normal"][1].get<double>());
        if (integer) result = std::round(result);
        if (value.contains("min")) result = std::max(result, value["min"].get<double>());
        if (value.contains("max")) result = std::min(result, value["max"].get<double>());
    } else {
        const json& options = value["choice"];
        SILT_CHECK(options.is_array() && !options.empty());
        result = options[mRng.uniformU32(static_cast<uint32_t>(options.size()))].get<double>();
    }
    if (integer) {
        (*mSampled)[path] = static_cast<int64_t>(result);
    } else {
        (*mSampled)[path] = result;
    }
    return result;
}

double Sampler::number(const json& object, std::string_view key, double fallback,
                       const std::string& recordPath) {
    const json& value = member(object, key);
    return value.is_null() ? fallback : draw(value, childPath(recordPath, key), false);
}

int64_t Sampler::integer(const json& object, std::string_view key, int64_t fallback,
                         const std::string& recordPath) {
    const json& value = member(object, key);
    if (value.is_null()) return fallback;
    return static_cast<int64_t>(draw(value, childPath(recordPath, key), true));
}

Vec3f Sampler::vec3(const json& object, std::string_view key, const Vec3f& fallback,
                    const std::string& recordPath) {
    const json& value = member(object, key);
    if (value.is_null()) return fallback;
    SILT_CHECK(value.is_array() && value.size() == 3);
    const std::string path = childPath(recordPath, key);
    Vec3f out;
    for (size_t i = 0; i < 3; ++i)
        out[static_cast<Eigen::Index>(i)] =
            static_cast<float>(draw(value[i], childPath(path, i), false));
    return out;
}

std::string Sampler::text(const json& object, std::string_view key, const std::string& fallback,
                          const std::string& recordPath) {
    const json& value = member(object, key);
    if (value.is_null()) return fallback;
    if (value.is_string()) return value.get<std::string>();
    const json& options = value["choice"];
    SILT_CHECK(options.is_array() && !options.empty());
    std::string chosen =
        options[mRng.uniformU32(static_cast<uint32_t>(options.size()))].get<std::string>();
    (*mSampled)[childPath(recordPath, key)] = chosen;
    return chosen;
}

std::string Sampler::pick(const std::vector<std::string>& options, const std::string& recordPath) {
    SILT_CHECK(!options.empty());
    std::string chosen = options[mRng.uniformU32(static_cast<uint32_t>(options.size()))];
    (*mSampled)[recordPath] = chosen;
    return chosen;
}

}  // namespace silt::scenes::detail
