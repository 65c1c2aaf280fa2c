#include "silt/exporters/ParticlePly.h"

#include <bit>
#include <cstring>

#include <fmt/format.h>

#include "silt/core/Check.h"
#include "silt/core/FileAtomics.h"

namespace silt::exporters {
namespace {

static_assert(std::endian::native == std::endian::little, "PLY writer assumes little-endian");

constexpr size_t kRecordBytes = 6 * sizeof(float) + 1;

std::string header(size_t count) {
    return fmt::format(
        "ply\nformat binary_little_endian 1.0\ncomment written by Silt\n"
        "element vertex {}\nproperty float x\nproperty float y\nproperty float z\n"
        "property float vx\nproperty float vy\nproperty float vz\nproperty uchar material\n"
        "end_header\n",
        count);
}

}  // namespace

Status writeParticlePly(const std::filesystem::path& path, std::span<const Vec3f> positions,
                        std::span<const Vec3f> velocities, std::span<const uint8_t> materials) {
    SILT_CHECK_EQ(positions.size(), velocities.size());
    SILT_CHECK_EQ(positions.size(), materials.size());
    std::string head = header(positions.size());
    std::vector<uint8_t> bytes(head.size() + positions.size() * kRecordBytes);
    std::memcpy(bytes.data(), head.data(), head.size());
    uint8_t* out = bytes.data() + head.size();
    for (size_t i = 0; i < positions.size(); ++i) {
        float record[6] = {positions[i].x(),  positions[i].y(),  positions[i].z(),
                           velocities[i].x(), velocities[i].y(), velocities[i].z()};
        std::memcpy(out, record, sizeof record);
        out[sizeof record] = materials[i];
        out += kRecordBytes;
    }
    return writeFileAtomic(path, bytes);
}

Result<ParticleFrame> readParticlePly(const std::filesystem::path& path) {
    auto text = readFile(path);
    if (!text) return text.error();
    const std::string& data = *text;
    size_t end = data.find("end_header\n");
    if (data.rfind("ply\n", 0) != 0 || end == std::string::npos) {
        return Error{fmt::format("{}: not a PLY file (no ply/end_header lines)", path.string())};
    }
    size_t countAt = data.find("element vertex ");
    if (countAt == std::string::npos || countAt > end) {
        return Error{fmt::format("{}: PLY header has no vertex element", path.string())};
    }
    size_t count = std::stoull(data.substr(countAt + 15));
    if (header(count) != data.substr(0, end + 11)) {
        return Error{fmt::format("{}: PLY header is not Silt's particle layout", path.string())};
    }
    size_t bodyStart = end + 11;
    if (data.size() != bodyStart + count * kRecordBytes) {
        return Error{fmt::format("{}: expected {} particle records ({} bytes), file has {} bytes",
                                 path.string(), count, count * kRecordBytes, data.size() - bodyStart)};
    }
    ParticleFrame frame;
    frame.positions.resize(count);
    frame.velocities.resize(count);
    frame.materials.resize(count);
    const char* in = data.data() + bodyStart;
    for (size_t i = 0; i < count; ++i) {
        float record[6];
        std::memcpy(record, in, sizeof record);
        frame.positions[i] = Vec3f(record[0], record[1], record[2]);
        frame.velocities[i] = Vec3f(record[3], record[4], record[5]);
        frame.materials[i] = static_cast<uint8_t>(in[sizeof record]);
        in += kRecordBytes;
    }
    return frame;
}

}  // namespace silt::exporters
