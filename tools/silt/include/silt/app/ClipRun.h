#pragma once
// ClipRun: one clip simulated and rendered frame by frame — the loop ClipProducer::produce()
// runs to write a clip, exposed one step at a time so `silt preview` can drive the same
// pipeline interactively. Created by ClipProducer::start(); uses the producer's renderer and
// caches, so it must not outlive it, and only one run per producer renders at a time.
// Thread-safety: one thread per run.

#include <cstdint>
#include <deque>
#include <memory>
#include <vector>

#include <nlohmann/json.hpp>

#include "silt/app/ClipMetadata.h"
#include "silt/app/ClipSimulation.h"
#include "silt/app/ContinuumEvents.h"
#include "silt/core/Result.h"
#include "silt/render/Renderer.h"
#include "silt/scenes/SceneTemplate.h"

namespace silt::app {

class ClipProducer;
struct StageTimes;

/// One rendered frame of a clip.
struct ClipFrame {
    uint32_t index = 0;      ///< frame number in the clip, 0 = the initial state
    render::FrameDesc desc;  ///< what was drawn, through the scene's camera
    render::FrameImages images;
    std::vector<physics::BodyState> states;  ///< the rigid bodies at this frame
    /// The continuum surfaces drawn this frame, in the order of desc.items' last
    /// surfaces.size() items; filled only when step() is asked to keep them (to redraw the
    /// frame later, e.g. through another camera).
    std::vector<TriangleMesh> surfaces;
};

class ClipRun {
public:
    ~ClipRun();
    ClipRun(const ClipRun&) = delete;
    ClipRun& operator=(const ClipRun&) = delete;

    [[nodiscard]] const scenes::ScenePlan& plan() const { return mSim->plan(); }
    [[nodiscard]] const ClipSimulation& simulation() const { return *mSim; }
    /// Frames submitted so far; the next submit() or step() renders this frame.
    [[nodiscard]] uint32_t framesDone() const { return mFrame; }
    /// Every frame submitted (some may still wait in pendingFrames() to be collected).
    [[nodiscard]] bool finished() const { return mFrame >= mSim->plan().frames; }
    /// Frames submitted to the renderer and not yet collected.
    [[nodiscard]] size_t pendingFrames() const { return mPending.size(); }
    /// The last submit() or step() failed in the simulation (NaN/Inf, runaway energy), not elsewhere.
    [[nodiscard]] bool simulationFailed() const { return mSimulationFailed; }
    /// Continuum particles in the simulation (0 without a continuum).
    [[nodiscard]] size_t particleCount() const;

    /// Starts rendering frame framesDone() with every label channel, advancing the physics
    /// one frame interval first (physics runs one frame ahead for the flow labels). The
    /// renderer works on it while the caller simulates the next frame or encodes the previous
    /// one: at most render::Renderer::kFramesInFlight frames may be pending, collect() first.
    /// `times` (optional) accumulates stage times.
    [[nodiscard]] Status submit(StageTimes* times = nullptr, bool keepSurfaces = false);
    /// The oldest pending frame, rendered; frames come back in order and are added to the
    /// metadata as they do, so pipelined output equals rendering one frame at a time.
    [[nodiscard]] Result<ClipFrame> collect(StageTimes* times = nullptr);
    /// submit() then collect(): one frame, for callers that show each frame at once.
    [[nodiscard]] Result<ClipFrame> step(StageTimes* times = nullptr, bool keepSurfaces = false);

    /// The clip's metadata as ClipWriter takes it: the frames rendered so far, the
    /// simulation's events and the caption written from them.
    [[nodiscard]] nlohmann::json metadata() const;

private:
    friend class ClipProducer;
    ClipRun(ClipProducer& producer, const scenes::SceneTemplate& scene)
        : mProducer(producer), mScene(scene) {}

    /// Draw items of the ground and the rigid objects at `states`.
    std::vector<render::DrawItem> rigidItems(const std::vector<physics::BodyState>& states) const;

    ClipProducer& mProducer;
    scenes::SceneTemplate mScene;
    std::unique_ptr<ClipSimulation> mSim;
    std::vector<render::MeshId> mObjectMeshes;
    render::MeshId mGround = 0;
    std::unique_ptr<ClipMetadataBuilder> mMetadata;
    std::vector<physics::BodyState> mStates;  ///< at frame mFrame
    uint32_t mFrame = 0;
    /// Submitted frames without their images, oldest first.
    std::deque<ClipFrame> mPending;
    bool mSimulationFailed = false;
    /// Sand and water events (burial, splashes, floating …), read off every simulated
    /// frame; null without a continuum.
    std::unique_ptr<ContinuumEvents> mContinuumEvents;
};

}  // namespace silt::app
