#pragma once
// Sampler reads values from a validated scene spec: fixed values as written, distributions
// drawn from one RNG stream (each draw recorded in the plan's `sampled` under its path),
// absent fields as the given default. One Sampler per purpose stream; not thread-safe.

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "silt/core/Math.h"
#include "silt/core/Rng.h"

namespace silt::scenes::detail {

class Sampler {
public:
    Sampler(Pcg32 rng, nlohmann::json* sampled) : mRng(rng), mSampled(sampled) {}

    /// `object[key]`, recorded as `recordPath` + "/" + key when drawn.
    double number(const nlohmann::json& object, std::string_view key, double fallback,
                  const std::string& recordPath);
    /// Integer draws: uniform over lo..hi inclusive, normal rounded to nearest then clamped.
    int64_t integer(const nlohmann::json& object, std::string_view key, int64_t fallback,
                    const std::string& recordPath);
    Vec3f vec3(const nlohmann::json& object, std::string_view key, const Vec3f& fallback,
               const std::string& recordPath);
    std::string text(const nlohmann::json& object, std::string_view key,
                     const std::string& fallback, const std::string& recordPath);

    /// One of `options` (non-empty), uniformly, recorded under `recordPath`.
    std::string pick(const std::vector<std::string>& options, const std::string& recordPath);

private:
    double draw(const nlohmann::json& value, const std::string& path, bool integer);

    Pcg32 mRng;
    nlohmann::json* mSampled;
};

}  // namespace silt::scenes::detail
