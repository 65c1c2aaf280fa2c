#include "render_test_scene.h"

#include <stb/stb_image_write.h>

#include <cmath>
#include <filesystem>

#include "silt/core/Check.h"

namespace silt::render::test {
namespace {

// Makes every triangle counter-clockwise seen from outside (from `inside`'s side away).
void orientOutward(TriangleMesh& mesh) {
    for (size_t t = 0; t + 2 < mesh.indices.size(); t += 3) {
        const Vec3f& a = mesh.positions[mesh.indices[t]];
        const Vec3f& b = mesh.positions[mesh.indices[t + 1]];
        const Vec3f& c = mesh.positions[mesh.indices[t + 2]];
        const Vec3f n = mesh.normals[mesh.indices[t]] + mesh.normals[mesh.indices[t + 1]] +
                        mesh.normals[mesh.indices[t + 2]];
        if ((b - a).cross(c - a).dot(n) < 0.0f) std::swap(mesh.indices[t + 1], mesh.indices[t + 2]);
    }
}

}  // namespace

TriangleMesh makeSphere(float radius, int segments, int rings) {
    TriangleMesh mesh;
    mesh.name = "sphere";
    for (int i = 0; i <= rings; ++i) {
        const float theta = kPi * float(i) / float(rings);
        for (int j = 0; j <= segments; ++j) {
            const float phi = 2.0f * kPi * float(j) / float(segments);
            const Vec3f n(std::sin(theta) * std::cos(phi), std::cos(theta),
                          std::sin(theta) * std::sin(phi));
            mesh.positions.push_back(radius * n);
            mesh.normals.push_back(n);
        }
    }
    auto at = [&](int i, int j) { return uint32_t(i * (segments + 1) + j); };
    for (int i = 0; i < rings; ++i) {
        for (int j = 0; j < segments; ++j) {
            if (i != 0)
                mesh.indices.insert(mesh.indices.end(), {at(i, j), at(i + 1, j), at(i, j + 1)});
            if (i != rings - 1)
                mesh.indices.insert(mesh.indices.end(),
                                    {at(i, j + 1), at(i + 1, j), at(i + 1, j + 1)});
        }
    }
    orientOutward(mesh);
    return mesh;
}

TriangleMesh makeCube(float h) {
    TriangleMesh mesh;
    mesh.name = "cube";
    for (int axis = 0; axis < 3; ++axis) {
        for (float sign : {-1.0f, 1.0f}) {
            Vec3f n = Vec3f::Zero();
            n[axis] = sign;
            const Vec3f u = Vec3f::Unit((axis + 1) % 3);
            const Vec3f v = Vec3f::Unit((axis + 2) % 3);
            const uint32_t base = uint32_t(mesh.positions.size());
            for (auto [su, sv] :
                 {std::pair{-1.0f, -1.0f}, {1.0f, -1.0f}, {1.0f, 1.0f}, {-1.0f, 1.0f}}) {
                mesh.positions.push_back(h * (n + su * u + sv * v));
                mesh.normals.push_back(n);
            }
            mesh.indices.insert(mesh.indices.end(),
                                {base, base + 1, base + 2, base, base + 2, base + 3});
        }
    }
    orientOutward(mesh);
    return mesh;
}

TriangleMesh makeGround(float h) {
    TriangleMesh mesh;
    mesh.name = "ground";
    mesh.positions = {{-h, 0, -h}, {h, 0, -h}, {h, 0, h}, {-h, 0, h}};
    mesh.normals.assign(4, Vec3f::UnitY());
    mesh.indices = {0, 1, 2, 0, 2, 3};
    orientOutward(mesh);
    return mesh;
}

CameraState makeCamera(uint32_t width, uint32_t height, const Vec3f& eye, const Vec3f& target) {
    CameraState camera;
    camera.intrinsics.width = width;
    camera.intrinsics.height = height;
    camera.cameraToWorld = lookAt(eye, target);
    return camera;
}

std::string writePng(const ImageRGBA8& image, const std::string& name) {
    const std::filesystem::path dir =
        std::filesystem::path(SILT_BINARY_DIR) / "test-output" / "render";
    std::filesystem::create_directories(dir);
    const std::string path = (dir / (name + ".png")).string();
    const int ok = stbi_write_png(path.c_str(), int(image.width), int(image.height), 4,
                                  image.pixels.data(), int(image.width * 4));
    SILT_CHECK(ok != 0);
    return path;
}

float meanLuma(const ImageRGBA8& image, Vec2f pixel, int r) {
    const int cx = int(std::floor(pixel.x()));
    const int cy = int(std::floor(pixel.y()));
    float sum = 0.0f;
    int count = 0;
    for (int y = cy - r; y <= cy + r; ++y) {
        for (int x = cx - r; x <= cx + r; ++x) {
            SILT_CHECK(x >= 0 && y >= 0 && x < int(image.width) && y < int(image.height));
            const uint8_t* p = image.at(uint32_t(x), uint32_t(y));
            sum += 0.2126f * p[0] + 0.7152f * p[1] + 0.0722f * p[2];
            ++count;
        }
    }
    return sum / float(count);
}

bool segmentHitsSphere(const Vec3f& origin, const Vec3f& point, const Vec3f& centre, float radius) {
    const Vec3f d = point - origin;
    const float t = std::clamp((centre - origin).dot(d) / d.squaredNorm(), 0.0f, 1.0f);
    return (origin + t * d - centre).norm() <= radius;
}

}  // namespace silt::render::test
