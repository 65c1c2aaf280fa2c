#include "silt/core/TriangleMesh.h"

namespace silt {

Eigen::AlignedBox3f TriangleMesh::bounds() const {
    Eigen::AlignedBox3f box;
    for (const Vec3f& p : positions) box.extend(p);
    return box;
}

}  // namespace silt
