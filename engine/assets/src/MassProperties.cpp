#include "silt/assets/MassProperties.h"

namespace silt::assets {

MassProperties computeMassProperties(const TriangleMesh& mesh, float density) {
    // Integrals over the signed tetrahedra (reference point, a, b, c), accumulated in double.
    // Working relative to the bounds centre keeps the sums well conditioned far from the origin.
    const Eigen::Vector3d reference = mesh.bounds().center().cast<double>();
    double volume = 0.0;
    Eigen::Vector3d first = Eigen::Vector3d::Zero();   // ∫ x dV
    Eigen::Matrix3d second = Eigen::Matrix3d::Zero();  // ∫ x xᵀ dV
    for (size_t i = 0; i + 2 < mesh.indices.size(); i += 3) {
        const Eigen::Vector3d a = mesh.positions[mesh.indices[i]].cast<double>() - reference;
        const Eigen::Vector3d b = mesh.positions[mesh.indices[i + 1]].cast<double>() - reference;
        const Eigen::Vector3d c = mesh.positions[mesh.indices[i + 2]].cast<double>() - reference;
        const double det = a.dot(b.cross(c));  // six times the signed tetrahedron volume
        volume += det / 6.0;
        const Eigen::Vector3d sum = a + b + c;
        first += det / 24.0 * sum;
        // ∫ x_i x_j over the tetrahedron (0, a, b, c) = det/120 · (Σ v_i v_j + S_i S_j).
        second +=
            det / 120.0 *
            (a * a.transpose() + b * b.transpose() + c * c.transpose() + sum * sum.transpose());
    }
    MassProperties props;
    if (volume == 0.0) return props;
    const double rho = density;
    const Eigen::Vector3d com = first / volume;
    // Covariance about the centre of mass, then inertia I = tr(C)·1 − C.
    const Eigen::Matrix3d covariance = rho * (second - volume * com * com.transpose());
    const Eigen::Matrix3d inertia = covariance.trace() * Eigen::Matrix3d::Identity() - covariance;
    props.volume = static_cast<float>(volume);
    props.mass = static_cast<float>(rho * volume);
    props.centerOfMass = (com + reference).cast<float>();
    props.inertia = inertia.cast<float>();
    return props;
}

}  // namespace silt::assets
