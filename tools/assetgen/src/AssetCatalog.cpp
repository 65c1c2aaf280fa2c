#include "silt/assetgen/AssetCatalog.h"

#include <algorithm>
#include <cmath>

#include "silt/assetgen/MeshBuilder.h"
#include "silt/core/Rng.h"

namespace silt::assetgen {

namespace {

constexpr double kPiD = 3.14159265358979323846;

SurfaceMaterial material(float r, float g, float b, float roughness, float metallic = 0.0f) {
    SurfaceMaterial m;
    m.baseColor = Vec3f(r, g, b);
    m.roughness = roughness;
    m.metallic = metallic;
    return m;
}

/// Quarter (or any) arc of profile points from angle a0 to a1 (radians) about (cr, cy).
void appendArc(std::vector<ProfilePoint>& profile, double cr, double cy, double radius, double a0,
               double a1, int steps, bool includeFirst) {
    for (int i = includeFirst ? 0 : 1; i <= steps; ++i) {
        const double a = a0 + (a1 - a0) * static_cast<double>(i) / static_cast<double>(steps);
        profile.push_back({cr + radius * std::cos(a), cy + radius * std::sin(a), false});
    }
}

/// A dining chair: seat, four legs, side stretchers and a back of two posts, two rails and
/// three slats. The back is on the −z side.
GeneratedAsset makeChair() {
    MeshBuilder b;
    const double seatTop = 0.45, seatThickness = 0.04;
    const double legHalf = 0.02, legX = 0.19, legZ = 0.18;
    const double seatBottom = seatTop - seatThickness;
    b.addBox({0.0, seatTop - seatThickness / 2, 0.0}, {0.22, seatThickness / 2, 0.21});
    for (double sx : {-1.0, 1.0}) {
        for (double sz : {-1.0, 1.0}) {
            b.addBox({sx * legX, seatBottom / 2, sz * legZ}, {legHalf, seatBottom / 2, legHalf});
        }
        // Side stretcher between the front and back leg.
        b.addBox({sx * legX, 0.12, 0.0}, {0.012, 0.015, legZ - legHalf});
        // Back post standing on the seat above the back leg.
        const double postHeight = 0.9 - seatTop;
        b.addBox({sx * legX, seatTop + postHeight / 2, -legZ}, {legHalf, postHeight / 2, legHalf});
    }
    const double railHalfX = legX - legHalf;
    b.addBox({0.0, 0.82, -legZ}, {railHalfX, 0.05, 0.012});   // top rail
    b.addBox({0.0, 0.62, -legZ}, {railHalfX, 0.025, 0.012});  // lower rail
    const double slatBottom = 0.645, slatTop = 0.77;
    for (double x : {-0.08, 0.0, 0.08}) {
        b.addBox({x, (slatBottom + slatTop) / 2, -legZ}, {0.015, (slatTop - slatBottom) / 2, 0.01});
    }
    b.placeOnGround();
    return {b.build("chair", material(0.42f, 0.26f, 0.14f, 0.6f)), "furniture", 600.0,
            "A wooden dining chair with a slatted back.", "decomposed"};
}

/// A table: top, four legs and aprons under the top.
GeneratedAsset makeTable() {
    MeshBuilder b;
    const double topY = 0.75, topThickness = 0.04, legHalf = 0.025, legX = 0.34, legZ = 0.24;
    const double underTop = topY - topThickness;
    b.addBox({0.0, topY - topThickness / 2, 0.0}, {0.4, topThickness / 2, 0.3});
    for (double sx : {-1.0, 1.0}) {
        for (double sz : {-1.0, 1.0}) {
            b.addBox({sx * legX, underTop / 2, sz * legZ}, {legHalf, underTop / 2, legHalf});
        }
    }
    const double apronY = underTop - 0.04;
    for (double s : {-1.0, 1.0}) {
        b.addBox({0.0, apronY, s * legZ}, {legX - legHalf, 0.04, 0.01});
        b.addBox({s * legX, apronY, 0.0}, {0.01, 0.04, legZ - legHalf});
    }
    b.placeOnGround();
    return {b.build("table", material(0.5f, 0.33f, 0.18f, 0.55f)), "furniture", 600.0,
            "A small wooden table with four legs and aprons.", "decomposed"};
}

/// A mug: a hollow solid of revolution (rounded foot and lip, closed bottom) and a C-shaped
/// handle whose capped ends sit inside the wall.
GeneratedAsset makeCup() {
    const double radius = 0.04, height = 0.1, wall = 0.005, bottom = 0.008;
    const double foot = 0.004, fillet = 0.006;
    std::vector<ProfilePoint> profile;
    profile.push_back({0.0, 0.0, false});
    appendArc(profile, radius - foot, foot, foot, -kPiD / 2, 0.0, 4, true);
    appendArc(profile, radius - wall / 2, height - wall / 2, wall / 2, 0.0, kPiD, 8, true);
    appendArc(profile, radius - wall - fillet, bottom + fillet, fillet, 0.0, -kPiD / 2, 5, true);
    profile.push_back({0.0, bottom, false});

    MeshBuilder b;
    b.addRevolution(profile, 48);

    // Handle: half an ellipse in the x–y plane, starting and ending mid-wall.
    const double a = 0.028, halfSpan = 0.03, centreY = 0.055, startX = radius - wall / 2;
    std::vector<TubeSample> line;
    const int steps = 24;
    for (int i = 0; i <= steps; ++i) {
        const double t = kPiD * static_cast<double>(i) / steps;
        const Vec3d p(startX + a * std::sin(t), centreY + halfSpan * std::cos(t), 0.0);
        const Vec3d tangent = Vec3d(a * std::cos(t), -halfSpan * std::sin(t), 0.0).normalized();
        line.push_back({p, Vec3d(-tangent.y(), tangent.x(), 0.0), Vec3d(0.0, 0.0, 1.0)});
    }
    b.addTube(line, 0.005, 0.007, 16);
    b.placeOnGround();
    return {b.build("cup", material(0.86f, 0.84f, 0.78f, 0.25f)), "container", 2300.0,
            "A ceramic mug with a handle; density is that of its glazed stoneware shell.",
            "decomposed"};
}

/// A bowl: hollow solid of revolution on a foot ring.
GeneratedAsset makeBowl() {
    const double rim = 0.08, height = 0.065, wall = 0.005, footR = 0.035, footH = 0.008;
    std::vector<ProfilePoint> profile;
    profile.push_back({0.0, 0.0, false});
    profile.push_back({footR, 0.0, true});
    profile.push_back({footR + 0.002, footH, true});
    // Outer wall: a quarter ellipse from the foot up to the rim.
    const int steps = 12;
    for (int i = 1; i <= steps; ++i) {
        const double t = (kPiD / 2) * static_cast<double>(i) / steps;
        profile.push_back({footR + 0.002 + (rim - footR - 0.002) * std::sin(t),
                           footH + (height - wall / 2 - footH) * (1.0 - std::cos(t)), false});
    }
    appendArc(profile, rim - wall / 2, height - wall / 2, wall / 2, 0.0, kPiD, 6, false);
    const double innerRim = rim - wall, innerBottom = footH + wall;
    for (int i = 1; i <= steps; ++i) {
        const double t = (kPiD / 2) * static_cast<double>(i) / steps;
        profile.push_back({innerRim * std::cos(t),
                           innerBottom + (height - wall / 2 - innerBottom) * (1.0 - std::sin(t)),
                           false});
    }
    profile.back().radius = 0.0;
    MeshBuilder b;
    b.addRevolution(profile, 48);
    b.placeOnGround();
    return {b.build("bowl", material(0.3f, 0.45f, 0.62f, 0.3f)), "container", 2300.0,
            "A glazed ceramic bowl on a foot ring; density is that of its shell.", "decomposed"};
}

/// A glass bottle, modelled as its closed outer surface (corked).
GeneratedAsset makeBottle() {
    std::vector<ProfilePoint> profile = {{0.0, 0.0, false},
                                         {0.031, 0.0, false},
                                         {0.034, 0.002, false},
                                         {0.035, 0.006, false},
                                         {0.035, 0.14, false}};
    const int steps = 8;
    for (int i = 1; i <= steps; ++i) {
        const double t = static_cast<double>(i) / steps;
        const double s = 0.5 - 0.5 * std::cos(kPiD * t);  // smooth shoulder
        profile.push_back({0.035 + (0.0125 - 0.035) * s, 0.14 + 0.05 * t, false});
    }
    profile.push_back({0.0125, 0.205, true});
    profile.push_back({0.015, 0.207, true});
    profile.push_back({0.015, 0.218, true});
    profile.push_back({0.0125, 0.22, true});
    profile.push_back({0.0, 0.22, false});
    MeshBuilder b;
    b.addRevolution(profile, 40);
    b.placeOnGround();
    return {b.build("bottle", material(0.12f, 0.38f, 0.18f, 0.08f)), "container", 600.0,
            "A corked green glass bottle; density counts the air inside."};
}

/// A small boat: a hull lofted through superelliptic cross-sections (transom stern, raked
/// stem, sheer rising to the bow), a deck, and a cabin with an overhanging roof.
GeneratedAsset makeBoat() {
    const double length = 0.6, halfBeam = 0.1, exponent = 0.7, rake = 0.06;
    const int stations = 40, sectionPoints = 24;
    auto halfWidth = [&](double s) {
        if (s <= 0.45) return halfBeam * (0.8 + 0.2 * std::sin(kPiD / 2 * s / 0.45));
        const double u = (s - 0.45) / 0.55;
        return halfBeam * (1.0 - u * u);
    };
    auto sheer = [](double s) { return 0.09 + 0.035 * s * s; };
    auto keel = [](double s) {
        const double bow = std::max(0.0, (s - 0.6) / 0.4);
        const double stern = std::max(0.0, (0.25 - s) / 0.25);
        return 0.05 * bow * bow + 0.012 * stern * stern;
    };
    auto hullPoint = [&](int station, int j) {
        const double s = static_cast<double>(station) / stations;
        // Port points mirror starboard ones exactly (same arithmetic, negated z), so the two
        // sides meet at the stem in bit-identical positions.
        const int half = std::min(j, sectionPoints - j);
        const double phi = kPiD * static_cast<double>(half) / sectionPoints;
        const double down = std::pow(std::sin(phi), exponent);
        const double x = -length / 2 + s * length - rake * s * s * s * down;
        const double top = sheer(s);
        const double z =
            2 * j == sectionPoints ? 0.0 : halfWidth(s) * std::pow(std::cos(phi), exponent);
        return Vec3d(x, top - (top - keel(s)) * down, 2 * j < sectionPoints ? z : -z);
    };

    MeshBuilder b;
    b.beginComponent();
    const auto n = static_cast<size_t>(sectionPoints) + 1;
    std::vector<std::vector<uint32_t>> hull(static_cast<size_t>(stations) + 1);
    for (int i = 0; i <= stations; ++i) {
        for (int j = 0; j <= sectionPoints; ++j) {
            hull[static_cast<size_t>(i)].push_back(b.addVertex(hullPoint(i, j)));
        }
    }
    for (size_t i = 0; i + 1 < hull.size(); ++i) {
        for (size_t j = 0; j + 1 < n; ++j) {
            b.addQuad(hull[i][j], hull[i][j + 1], hull[i + 1][j + 1], hull[i + 1][j]);
        }
    }
    // Deck: its own vertices, so the gunwale is a sharp edge. Zero width at the stem.
    std::vector<uint32_t> starboard, port;
    for (int i = 0; i <= stations; ++i) {
        starboard.push_back(b.addVertex(hullPoint(i, 0)));
        port.push_back(b.addVertex(hullPoint(i, sectionPoints)));
    }
    for (size_t i = 0; i + 1 < starboard.size(); ++i) {
        if (i + 2 == starboard.size()) {
            b.addTriangle(starboard[i], starboard[i + 1], port[i]);
        } else {
            b.addQuad(starboard[i], starboard[i + 1], port[i + 1], port[i]);
        }
    }
    // Transom: a fan over the stern section, closed along the deck edge.
    Vec3d centroid = Vec3d::Zero();
    std::vector<uint32_t> transom;
    for (int j = 0; j <= sectionPoints; ++j) {
        transom.push_back(b.addVertex(hullPoint(0, j)));
        centroid += hullPoint(0, j);
    }
    const uint32_t centre = b.addVertex(centroid / static_cast<double>(n));
    for (size_t j = 0; j + 1 < n; ++j) b.addTriangle(centre, transom[j + 1], transom[j]);
    b.addTriangle(centre, transom[0], transom[n - 1]);
    b.endComponent();

    // Cabin (its bottom sunk below the deck) and its roof.
    b.addBox({-0.03, 0.12, 0.0}, {0.1, 0.03, 0.06});
    b.addBox({-0.03, 0.1545, 0.0}, {0.112, 0.0055, 0.072});
    b.placeOnGround();
    return {b.build("boat", material(0.62f, 0.18f, 0.12f, 0.5f)), "vessel", 350.0,
            "A small decked wooden boat with a cabin; density counts the air in the hull.",
            "decomposed"};
}

/// A rock: an icosphere displaced by seeded smooth noise, flattened, with faceted normals.
GeneratedAsset makeRock() {
    std::vector<Vec3d> unit;
    std::vector<uint32_t> tris;
    MeshBuilder::icosphere(3, unit, tris);
    Pcg32 rng = streamFor(0x517, 0, "assetgen-rock");
    struct Wave {
        Vec3d direction;
        double frequency, phase, amplitude;
    };
    std::vector<Wave> waves;
    for (int k = 1; k <= 8; ++k) {
        Vec3d d(rng.uniform(-1, 1), rng.uniform(-1, 1), rng.uniform(-1, 1));
        d.normalize();
        waves.push_back({d, 1.2 * k, rng.uniform(0.0, 2 * kPiD), 0.13 / std::pow(k, 0.9)});
    }
    const double radius = 0.12;
    const Vec3d scale(1.15, 0.62, 0.9);
    for (Vec3d& p : unit) {
        double r = 1.0;
        for (const Wave& w : waves)
            r += w.amplitude * std::sin(w.frequency * p.dot(w.direction) + w.phase);
        p = (radius * r * p).cwiseProduct(scale);
    }
    MeshBuilder b;
    b.beginComponent();
    for (size_t i = 0; i < tris.size(); i += 3) {
        b.addFacet(unit[tris[i]], unit[tris[i + 1]], unit[tris[i + 2]]);
    }
    b.endComponent();
    b.placeOnGround();
    return {b.build("rock", material(0.42f, 0.4f, 0.37f, 0.9f)), "rock", 2600.0,
            "A granite-like rock with faceted faces."};
}

/// An inflated ball.
GeneratedAsset makeBall() {
    MeshBuilder b;
    b.addIcosphere(Vec3d::Zero(), 0.11, 3);
    b.placeOnGround();
    return {b.build("ball", material(0.85f, 0.55f, 0.1f, 0.45f)), "toy", 80.0,
            "An inflated rubber ball, 22 cm across; density counts the air inside."};
}

/// A plastic beach bucket: a tapered hollow solid of revolution with a rolled lip and a wire
/// handle whose ends sit inside the wall.
GeneratedAsset makeBucket() {
    const double bottomR = 0.085, topR = 0.115, height = 0.2, wall = 0.006, bottom = 0.008;
    const double foot = 0.004;
    std::vector<ProfilePoint> profile;
    profile.push_back({0.0, 0.0, false});
    appendArc(profile, bottomR - foot, foot, foot, -kPiD / 2, 0.0, 3, true);
    profile.push_back({topR, height - wall, false});
    appendArc(profile, topR - wall / 2, height - wall / 2, wall / 2, 0.0, kPiD, 8, false);
    const double innerBottomR = bottomR - wall;
    profile.push_back({innerBottomR, bottom, true});
    profile.push_back({0.0, bottom, false});
    MeshBuilder b;
    b.addRevolution(profile, 48);

    // Handle: a semi-ellipse over the opening, in the x–y plane.
    const double attachY = height - 0.02;
    const double t = (attachY - foot) / (height - wall - foot);
    const double midWall = bottomR + t * (topR - bottomR) - wall / 2;
    std::vector<TubeSample> line;
    const int steps = 32;
    for (int i = 0; i <= steps; ++i) {
        const double a = kPiD * static_cast<double>(i) / steps;
        const Vec3d p(midWall * std::cos(a), attachY + 0.11 * std::sin(a), 0.0);
        const Vec3d tangent = Vec3d(-midWall * std::sin(a), 0.11 * std::cos(a), 0.0).normalized();
        line.push_back({p, Vec3d(-tangent.y(), tangent.x(), 0.0), Vec3d(0.0, 0.0, 1.0)});
    }
    b.addTube(line, 0.0025, 0.0025, 10);
    b.placeOnGround();
    return {b.build("bucket", material(0.9f, 0.72f, 0.08f, 0.45f)), "container", 950.0,
            "A yellow plastic beach bucket with a wire handle; density is that of its shell.",
            "decomposed"};
}

/// An open-top wooden crate: a floor board, corner posts and two slats on each side.
GeneratedAsset makeCrate() {
    const double hx = 0.2, hz = 0.15, height = 0.28, board = 0.012, post = 0.02;
    MeshBuilder b;
    b.addBox({0.0, board / 2, 0.0}, {hx, board / 2, hz});
    for (double sx : {-1.0, 1.0}) {
        for (double sz : {-1.0, 1.0}) {
            b.addBox({sx * (hx - post / 2), board + (height - board) / 2, sz * (hz - post / 2)},
                     {post / 2, (height - board) / 2, post / 2});
        }
    }
    for (double y : {board + 0.06, height - 0.05}) {
        for (double s : {-1.0, 1.0}) {
            // Long sides (±z), between the posts, and short sides (±x).
            b.addBox({0.0, y, s * (hz - board / 2)}, {hx - post, 0.04, board / 2});
            b.addBox({s * (hx - board / 2), y, 0.0}, {board / 2, 0.04, hz - post});
        }
    }
    b.placeOnGround();
    return {b.build("crate", material(0.66f, 0.5f, 0.3f, 0.75f)), "container", 450.0,
            "An open-top wooden crate of slats on corner posts.", "decomposed"};
}

/// A child's beach spade: a flat blade, a round shaft and a T grip, standing on the blade.
GeneratedAsset makeSpade() {
    const double bladeH = 0.16, bladeHalfW = 0.075, bladeHalfT = 0.005;
    const double shaftR = 0.012, shaftTop = 0.46, gripHalfW = 0.06, gripR = 0.013;
    MeshBuilder b;
    b.addBox({0.0, bladeH / 2, 0.0}, {bladeHalfW, bladeH / 2, bladeHalfT});
    // The shaft starts inside the blade so the two overlap.
    b.addRevolution({{0.0, bladeH - 0.03, false},
                     {shaftR, bladeH - 0.03, true},
                     {shaftR, shaftTop, true},
                     {0.0, shaftTop, false}},
                    20);
    std::vector<TubeSample> grip;
    for (double x : {-gripHalfW, gripHalfW}) {
        grip.push_back(
            {Vec3d(x, shaftTop + gripR * 0.5, 0.0), Vec3d(0.0, 1.0, 0.0), Vec3d(0.0, 0.0, 1.0)});
    }
    b.addTube(grip, gripR, gripR, 16);
    b.placeOnGround();
    return {b.build("spade", material(0.8f, 0.12f, 0.1f, 0.4f)), "tool", 950.0,
            "A red plastic beach spade with a T grip.", "decomposed"};
}

/// A toy car: a body, a cabin and four wheels on the ground.
GeneratedAsset makeToyCar() {
    const double wheelR = 0.022, wheelHalfW = 0.01, wheelX = 0.07, wheelZ = 0.05;
    MeshBuilder b;
    b.addBox({0.0, 0.045, 0.0}, {0.11, 0.025, 0.045});
    b.addBox({-0.01, 0.085, 0.0}, {0.06, 0.02, 0.04});
    for (double sx : {-1.0, 1.0}) {
        for (double sz : {-1.0, 1.0}) {
            const double z0 = sz * wheelZ - wheelHalfW, z1 = sz * wheelZ + wheelHalfW;
            std::vector<TubeSample> axle = {
                {Vec3d(sx * wheelX, wheelR, z0), Vec3d(1.0, 0.0, 0.0), Vec3d(0.0, 1.0, 0.0)},
                {Vec3d(sx * wheelX, wheelR, z1), Vec3d(1.0, 0.0, 0.0), Vec3d(0.0, 1.0, 0.0)}};
            b.addTube(axle, wheelR, wheelR, 20);
        }
    }
    b.placeOnGround();
    return {b.build("toy_car", material(0.1f, 0.3f, 0.75f, 0.35f, 0.3f)), "toy", 600.0,
            "A blue toy car with four wheels; density counts the air in its plastic body.",
            "decomposed"};
}

/// A sealed drink can: a closed cylinder with a rounded base and top rim.
GeneratedAsset makeCan() {
    const double r = 0.033, height = 0.122, round = 0.006;
    std::vector<ProfilePoint> profile;
    profile.push_back({0.0, 0.0, false});
    appendArc(profile, r - round, round, round, -kPiD / 2, 0.0, 4, true);
    appendArc(profile, r - round, height - round, round, 0.0, kPiD / 2, 4, true);
    profile.push_back({0.0, height, false});
    MeshBuilder b;
    b.addRevolution(profile, 40);
    b.placeOnGround();
    return {b.build("can", material(0.8f, 0.8f, 0.82f, 0.25f, 1.0f)), "container", 1050.0,
            "A full, sealed aluminium drink can."};
}

/// A wooden plank, the kind of debris a wave carries.
GeneratedAsset makePlank() {
    MeshBuilder b;
    b.addBox({0.0, 0.0125, 0.0}, {0.35, 0.0125, 0.06});
    b.placeOnGround();
    return {b.build("plank", material(0.6f, 0.45f, 0.28f, 0.8f)), "debris", 500.0,
            "A rough pine plank."};
}

/// A wave-maker paddle: a flat board, stood on edge and pushed through a tank to make waves
/// (or to shove sand), with a grip on top.
GeneratedAsset makePaddle() {
    const double halfThick = 0.02, height = 0.22, halfWidth = 0.18;
    MeshBuilder b;
    b.addBox({0.0, height / 2, 0.0}, {halfThick, height / 2, halfWidth});
    b.addBox({0.0, height + 0.03, 0.0}, {0.012, 0.035, 0.012});
    b.addBox({0.0, height + 0.07, 0.0}, {0.014, 0.014, 0.06});
    b.placeOnGround();
    return {b.build("paddle", material(0.78f, 0.62f, 0.4f, 0.7f)), "tool", 600.0,
            "A flat wooden wave-maker paddle with a T grip, stood on its long edge.",
            "decomposed"};
}

}  // namespace

std::vector<GeneratedAsset> generateAssets() {
    std::vector<GeneratedAsset> assets = {
        makeBall(),  makeBoat(), makeBottle(), makeBowl(), makeBucket(), makeCan(),   makeChair(),
        makeCrate(), makeCup(),  makePaddle(), makePlank(), makeRock(), makeSpade(), makeTable(),
        makeToyCar()};
    std::sort(assets.begin(), assets.end(),
              [](const auto& l, const auto& r) { return l.mesh.name < r.mesh.name; });
    return assets;
}

}  // namespace silt::assetgen
