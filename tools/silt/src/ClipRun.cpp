#include "silt/app/ClipRun.h"

#include <algorithm>
#include <chrono>
#include <iterator>

#include <fmt/format.h>

#include "silt/app/ClipProducer.h"
#include "silt/app/ContinuumEvents.h"

namespace silt::app {
namespace {

using Clock = std::chrono::steady_clock;
double secondsSince(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

Mat4f modelMatrix(const Pose& pose, float scale) {
    Mat4f m = pose.matrix();
    m.topLeftCorner<3, 3>() *= scale;
    return m;
}

/// The physics event log in the scene's terms (body ids are plan object indices: bodies are
/// added in plan order).
std::vector<scenes::SceneEvent> sceneEvents(const std::vector<physics::RigidEvent>& events) {
    using PK = physics::RigidEvent::Kind;
    using SK = scenes::SceneEvent::Kind;
    std::vector<scenes::SceneEvent> out;
    for (const physics::RigidEvent& e : events) {
        scenes::SceneEvent s;
        s.time = e.time;
        s.object = e.body;
        s.other = e.other == physics::kGround ? 0 : e.other;
        s.speed = e.speed;
        switch (e.kind) {
            case PK::GroundContact:
                s.kind = SK::GroundContact;
                break;
            case PK::BodyContact:
                s.kind = SK::ObjectContact;
                break;
            case PK::Bounce:
                s.kind = SK::Bounce;
                break;
            case PK::Tumble:
                s.kind = SK::Tumble;
                break;
            case PK::Rest:
                s.kind = SK::Rest;
                break;
        }
        s.restingPose = physics::restingPoseName(e.pose);
        out.push_back(std::move(s));
    }
    return out;
}

}  // namespace

ClipRun::~ClipRun() {
    // A run abandoned mid-clip (an error, a restart in the preview) leaves the renderer with
    // no frame in flight, ready for the next clip.
    while (!mPending.empty()) {
        (void)mProducer.mRenderer->collect();
        mPending.pop_front();
    }
}

size_t ClipRun::particleCount() const {
    return mSim->continuum() ? mSim->continuum()->particles().size() : 0;
}

std::vector<render::DrawItem> ClipRun::rigidItems(
    const std::vector<physics::BodyState>& states) const {
    const scenes::ScenePlan& plan = mSim->plan();
    std::vector<render::DrawItem> items;
    render::DrawItem groundItem;
    groundItem.mesh = mGround;
    groundItem.modelToWorld = modelMatrix(Pose{}, plan.ground.halfExtent);
    groundItem.nextModelToWorld = groundItem.modelToWorld;
    groundItem.material = plan.ground.material;
    groundItem.semanticClass = kGroundClass;
    items.push_back(groundItem);
    for (size_t i = 0; i < mSim->objects().size(); ++i) {
        const ObjectRecord& object = mSim->objects()[i];
        render::DrawItem item;
        item.mesh = mObjectMeshes[i];
        item.modelToWorld = modelMatrix(states[i].pose, object.plan->scale);
        item.material = object.material;
        item.instanceId = object.plan->instanceId;
        item.semanticClass = mProducer.mClasses.at(object.plan->category);
        items.push_back(item);
    }
    return items;
}

Status ClipRun::submit(StageTimes* times, bool keepSurfaces) {
    StageTimes unused;
    StageTimes& local = times ? *times : unused;
    ClipSimulation& sim = *mSim;
    const scenes::ScenePlan& plan = sim.plan();
    const uint32_t frame = mFrame;
    SILT_CHECK(frame < plan.frames);
    ClipFrame out;
    out.index = frame;

    // Frame 0 shows the initial state; frame k the state after k frame intervals. Physics
    // runs one frame ahead: frame k is rendered knowing frame k + 1's poses (for its flow),
    // so the continuum's surfaces are built before it advances.
    auto surfaceStart = Clock::now();
    std::vector<render::DrawItem> surfaces;
    if (sim.continuum()) {
        for (ContinuumKind kind : {ContinuumKind::Sand, ContinuumKind::Water}) {
            auto item = mProducer.continuumItem(sim, kind, keepSurfaces ? &out.surfaces : nullptr);
            if (!item) return item.error().prefixed(fmt::format("surfacing frame {}", frame));
            if (*item) surfaces.push_back(**item);
        }
    }
    local.render += secondsSince(surfaceStart);

    auto physicsStart = Clock::now();
    if (Status advanced = sim.advanceFrame(); !advanced) {
        mSimulationFailed = true;
        return advanced.error().prefixed(fmt::format("simulating frame {}", frame + 1));
    }
    std::vector<physics::BodyState> nextStates = sim.bodyStates();
    if (mContinuumEvents) {
        mContinuumEvents->observe(float(frame + 1) / float(plan.fps), sim.continuum()->particles(),
                                  sim.materialKinds(), nextStates);
    }
    local.physics += secondsSince(physicsStart);

    auto renderStart = Clock::now();
    render::FrameDesc& frameDesc = out.desc;
    frameDesc.camera = plan.camera.at(float(frame) / float(plan.fps));
    frameDesc.nextCamera = plan.camera.at(float(frame + 1) / float(plan.fps));
    frameDesc.lighting = plan.lighting;
    frameDesc.timeStep = 1.0f / float(plan.fps);
    frameDesc.items = rigidItems(mStates);
    const std::vector<render::DrawItem> nextItems = rigidItems(nextStates);
    for (size_t i = 0; i < frameDesc.items.size(); ++i)
        frameDesc.items[i].nextModelToWorld = nextItems[i].modelToWorld;
    frameDesc.items.insert(frameDesc.items.end(), surfaces.begin(), surfaces.end());
    if (Status submitted = mProducer.mRenderer->submitWithLabels(frameDesc); !submitted)
        return submitted.error().prefixed(fmt::format("rendering frame {}", frame));
    local.render += secondsSince(renderStart);

    out.states = std::move(mStates);
    mStates = std::move(nextStates);
    mPending.push_back(std::move(out));
    ++mFrame;
    return {};
}

Result<ClipFrame> ClipRun::collect(StageTimes* times) {
    SILT_CHECK(!mPending.empty());
    ClipFrame out = std::move(mPending.front());
    mPending.pop_front();
    auto renderStart = Clock::now();
    auto images = mProducer.mRenderer->collect();
    if (!images) return images.error().prefixed(fmt::format("rendering frame {}", out.index));
    if (times) times->render += secondsSince(renderStart);
    out.images = std::move(*images);
    mMetadata->addFrame(out.desc.camera, out.states);
    return out;
}

Result<ClipFrame> ClipRun::step(StageTimes* times, bool keepSurfaces) {
    SILT_CHECK(mPending.empty());
    if (Status submitted = submit(times, keepSurfaces); !submitted) return submitted.error();
    return collect(times);
}

nlohmann::json ClipRun::metadata() const {
    std::vector<SurfaceMaterial> materials;
    for (const ObjectRecord& record : mSim->objects()) materials.push_back(record.material);
    std::vector<scenes::SceneEvent> events = sceneEvents(mSim->rigidEvents());
    if (mContinuumEvents) {
        // Both lists are in time order; merged stably, rigid events first at equal times.
        const std::vector<scenes::SceneEvent> more = mContinuumEvents->events();
        std::vector<scenes::SceneEvent> merged;
        std::merge(events.begin(), events.end(), more.begin(), more.end(),
                   std::back_inserter(merged),
                   [](const scenes::SceneEvent& a, const scenes::SceneEvent& b) {
                       return a.time < b.time;
                   });
        events = std::move(merged);
    }
    ClipMetadataBuilder finished = *mMetadata;
    finished.setOutcome(events, scenes::writeCaption(mSim->plan(), materials, events));
    return finished.build();
}

}  // namespace silt::app
