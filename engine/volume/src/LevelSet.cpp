#include "silt/volume/LevelSet.h"

#include <openvdb/tools/Interpolation.h>

#include <mutex>
#include <vector>

#include "LevelSetImpl.h"
#include "silt/core/Check.h"
#include "silt/core/Hash.h"

namespace silt::volume {

void ensureOpenVdbInitialized() {
    static std::once_flag once;
    std::call_once(once, [] { openvdb::initialize(); });
}

LevelSet makeLevelSet(openvdb::FloatGrid::Ptr grid) {
    SILT_CHECK(grid != nullptr);
    auto impl = std::make_unique<LevelSet::Impl>();
    impl->grid = std::move(grid);
    return LevelSet(std::move(impl));
}

LevelSet::LevelSet() = default;
LevelSet::LevelSet(std::unique_ptr<Impl> impl) : mImpl(std::move(impl)) {
    SILT_CHECK(mImpl == nullptr || mImpl->grid != nullptr);
}
LevelSet::~LevelSet() = default;
LevelSet::LevelSet(LevelSet&&) noexcept = default;
LevelSet& LevelSet::operator=(LevelSet&&) noexcept = default;

LevelSet::LevelSet(const LevelSet& other) {
    if (other.mImpl) mImpl = std::make_unique<Impl>(Impl{other.mImpl->grid->deepCopy()});
}

LevelSet& LevelSet::operator=(const LevelSet& other) {
    if (this != &other) *this = LevelSet(other);
    return *this;
}

float LevelSet::voxelSize() const {
    return mImpl ? static_cast<float>(mImpl->grid->voxelSize()[0]) : 0.0f;
}

float LevelSet::background() const {
    return mImpl ? mImpl->grid->background() : 0.0f;
}

uint64_t LevelSet::activeVoxelCount() const {
    return mImpl ? mImpl->grid->activeVoxelCount() : 0;
}

float LevelSet::sample(const Vec3f& world) const {
    if (!mImpl) return 0.0f;
    openvdb::tools::GridSampler<openvdb::FloatGrid, openvdb::tools::BoxSampler> sampler(
        *mImpl->grid);
    return sampler.wsSample(openvdb::Vec3d(world.x(), world.y(), world.z()));
}

float LevelSet::voxelValue(int i, int j, int k) const {
    return mImpl ? mImpl->grid->tree().getValue(openvdb::Coord(i, j, k)) : 0.0f;
}

std::string LevelSet::contentHash() const {
    std::vector<uint8_t> bytes;
    auto append = [&bytes](const void* data, size_t size) {
        const auto* p = static_cast<const uint8_t*>(data);
        bytes.insert(bytes.end(), p, p + size);
    };
    const double voxel = voxelSize();
    append(&voxel, sizeof voxel);
    if (mImpl) {
        for (auto it = mImpl->grid->cbeginValueOn(); it; ++it) {
            const openvdb::CoordBBox box = it.getBoundingBox();
            append(box.min().data(), 3 * sizeof(int32_t));
            append(box.max().data(), 3 * sizeof(int32_t));
            const float value = *it;
            append(&value, sizeof value);
        }
    }
    return hashHex(std::span<const uint8_t>(bytes));
}

}  // namespace silt::volume
