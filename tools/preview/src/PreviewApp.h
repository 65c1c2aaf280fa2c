#pragma once
// PreviewApp: the `silt preview` window. Owns the GLFW window, the ClipProducer (and through
// it the renderer), the swapchain presenter and Dear ImGui; keeps every simulated frame of
// the current clip for the timeline. One thread: events, simulation, rendering and UI all
// run in the loop of run(), one simulated frame per tick while playing.

#include <cstdint>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "TemplateEditor.h"
#include "ViewCamera.h"
#include "silt/app/ClipProducer.h"
#include "silt/app/LabelColors.h"
#include "silt/assets/AssetLibrary.h"
#include "silt/preview/Preview.h"
#include "silt/render/SwapchainPresenter.h"

struct GLFWwindow;
struct VkDescriptorPool_T;

namespace silt::preview {

class PreviewApp {
public:
    [[nodiscard]] static Result<std::unique_ptr<PreviewApp>> create(const PreviewOptions& options);
    ~PreviewApp();
    PreviewApp(const PreviewApp&) = delete;
    PreviewApp& operator=(const PreviewApp&) = delete;

    [[nodiscard]] Result<PreviewReport> run();

    // GLFW callbacks (static trampolines find the app through the window user pointer).
    void onKey(int key, int action, int mods);
    void onScroll(double dy);
    void onFramebufferSize(int width, int height);

private:
    explicit PreviewApp(const PreviewOptions& options) : mOptions(options) {}

    Status init();
    Status initImGui();
    /// Re-parses the edited spec, applies the preset and starts the clip of mSeed again.
    Status restart();
    /// One clip frame simulated and rendered on the worker thread.
    struct PendingStep {
        app::ClipFrame frame;
        app::StageTimes times;
        double seconds = 0;
        size_t particles = 0;
        std::optional<Error> error;
    };
    [[nodiscard]] bool busy() const { return mPending.valid(); }
    /// Starts simulating the next clip frame on a worker thread (nothing when one is in
    /// flight or the clip is complete). Until it is collected, the UI thread leaves mRun and
    /// the renderer alone.
    void launchStep();
    /// Takes the finished step's frame into the timeline and shows it (waits for it when
    /// `wait`; otherwise only if it is done).
    Status collectStep(bool wait);
    /// Moves the timeline one frame forward, launching the simulation of a new frame at the end.
    void stepForward();
    /// The image shown for the current frame, channel and camera.
    Result<ImageRGBA8> displayImage();
    void drawPanel();
    void handleMouse();
    void setCameraMode(ViewCamera::Mode mode);
    Status saveScreenshot(const ImageRGBA8& image, const std::filesystem::path& path);
    Status saveTemplate(const std::filesystem::path& path);
    Status exportClip();
    void setStatus(std::string text);

    PreviewOptions mOptions;
    GLFWwindow* mWindow = nullptr;
    bool mGlfwReady = false;
    bool mImGuiReady = false;
    VkDescriptorPool_T* mImGuiPool = nullptr;

    std::optional<assets::AssetLibrary> mLibrary;
    std::unique_ptr<app::ClipProducer> mProducer;
    std::unique_ptr<render::SwapchainPresenter> mPresenter;
    uint32_t mRenderWidth = 0, mRenderHeight = 0;

    // The scene: as loaded, and the working copy the editor changes.
    scenes::SceneTemplate mTemplate;
    nlohmann::json mOriginalSpec;
    nlohmann::json mEditedSpec;
    std::string mSceneArgument;  ///< what --scene said (for export without edits)
    TemplateEditor mEditor;
    bool mEdited = false;

    uint64_t mSeed = 0;
    std::unique_ptr<app::ClipRun> mRun;
    std::future<PendingStep> mPending;    ///< the step in flight, if any
    size_t mParticles = 0;                ///< continuum particles, as of the last step
    std::vector<app::ClipFrame> mFrames;  ///< every simulated frame of the clip, for the timeline
    nlohmann::json mSampled;              ///< the randomized values of this clip (clip metadata)
    size_t mCurrent = 0;                  ///< the frame shown
    bool mPlaying = true;
    uint32_t mStepsRequested = 0;
    bool mRestartRequested = false;
    std::vector<int> mPendingKeys;  ///< shortcuts, in the order they arrived
    uint32_t mCaptureRequests = 0;  ///< F12 presses not yet saved
    uint32_t mShotsSaved = 0;

    app::LabelChannel mChannel = app::LabelChannel::Colour;
    ViewCamera mCamera;
    bool mDragging = false;
    double mLastX = 0, mLastY = 0;

    // What the display image was made from, to redraw only on change.
    struct DisplayKey {
        size_t frame = SIZE_MAX;
        uint64_t clip = 0;
        int channel = -1;
        int mode = -1;
        uint64_t camera = 0;
        bool operator==(const DisplayKey&) const = default;
    };
    DisplayKey mDisplayKey;
    ImageRGBA8 mDisplay;
    std::optional<render::FrameImages> mRerendered;
    uint64_t mClipGeneration = 0;

    // Measurements.
    uint64_t mPresented = 0;
    uint32_t mSimulated = 0;
    double mSimSeconds = 0;
    double mPhysicsSeconds = 0, mRenderSeconds = 0;  ///< summed StageTimes
    double mLastPhysicsMs = 0, mLastRenderMs = 0;
    double mFrameMsAverage = 0;
    std::string mStatus;  ///< the last message (errors, saves, exports)

    // Panel windows and text fields.
    bool mShowSampled = false;
    bool mShowTemplate = false;
    bool mShowExport = false;
    std::string mSavePath;
    std::string mExportDir = "out/preview";
};

}  // namespace silt::preview
