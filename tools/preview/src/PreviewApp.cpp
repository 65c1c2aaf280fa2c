#include "PreviewApp.h"

#define GLFW_INCLUDE_VULKAN
#include <GLFW/glfw3.h>
#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_vulkan.h>
#include <imgui.h>
#include <imgui_stdlib.h>

#include <algorithm>
#include <chrono>
#include <cstdio>

#include <fmt/format.h>

#include "silt/app/Generate.h"
#include "silt/core/FileAtomics.h"
#include "silt/exporters/LabelColours.h"

namespace silt::preview {
namespace {

using Clock = std::chrono::steady_clock;
double secondsSince(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

/// The last GLFW error, for messages (GLFW reports through a callback).
std::string& glfwLastError() {
    static std::string error;
    return error;
}

PreviewApp* appOf(GLFWwindow* window) {
    return static_cast<PreviewApp*>(glfwGetWindowUserPointer(window));
}

constexpr int kCtrl = 1 << 20;  // marks a key pressed with Ctrl in mPendingKeys

constexpr uint32_t evenAtLeast16(uint32_t v) {
    return std::max(16u, v & ~1u);
}

/// The preview preset: one particle per cell instead of n³ (so 8× fewer for the default of
/// 2 per axis) and with it surfaces at the cell size; everything else as the template says.
void applyPreviewPreset(nlohmann::json& spec) {
    if (spec.contains("continuum") && spec["continuum"].is_object())
        spec["continuum"]["particles_per_cell"] = 1;
}

void checkVk(VkResult result) {
    if (result != VK_SUCCESS)
        std::fprintf(stderr, "silt: preview: ImGui Vulkan call failed (%d)\n", int(result));
}

std::string valueText(const nlohmann::json& value) {
    if (value.is_number_float()) return fmt::format("{:.4g}", value.get<double>());
    return value.dump();
}

}  // namespace

Result<std::unique_ptr<PreviewApp>> PreviewApp::create(const PreviewOptions& options) {
    std::unique_ptr<PreviewApp> app(new PreviewApp(options));
    if (Status s = app->init(); !s) return s.error();
    return app;
}

PreviewApp::~PreviewApp() {
    if (busy()) mPending.wait();  // the worker uses mRun and the renderer
    if (mPresenter) {
        const render::NativeHandles h = mPresenter->handles();
        vkDeviceWaitIdle(static_cast<VkDevice>(h.device));
        if (mImGuiReady) {
            ImGui_ImplVulkan_Shutdown();
            ImGui_ImplGlfw_Shutdown();
            ImGui::DestroyContext();
        }
        if (mImGuiPool)
            vkDestroyDescriptorPool(static_cast<VkDevice>(h.device), mImGuiPool, nullptr);
    }
    mRun.reset();
    mPresenter.reset();  // before the renderer: the surface belongs to its instance
    mProducer.reset();
    if (mWindow) glfwDestroyWindow(mWindow);
    if (mGlfwReady) glfwTerminate();
}

Status PreviewApp::init() {
    if (mOptions.preset != "preview" && mOptions.preset != "full")
        return Error{fmt::format("--preset: expected preview or full, got '{}'", mOptions.preset)};
    auto channel = app::parseChannel(mOptions.channel);
    if (!channel) {
        return Error{fmt::format(
            "--channel: expected colour, depth, instance, semantic, normals or flow, got '{}'",
            mOptions.channel)};
    }
    mChannel = *channel;
    if (mOptions.width < 16 || mOptions.height < 16 || mOptions.width > 4096 ||
        mOptions.height > 4096)
        return Error{fmt::format("--width/--height: expected 16..4096 pixels, got {}x{}",
                                 mOptions.width, mOptions.height)};
    mSeed = mOptions.seed;
    mPlaying = !mOptions.paused;

    // The scene first: a bad file is reported before any window opens.
    mSceneArgument = mOptions.scene;
    auto scene = mOptions.scene.empty() ? Result<scenes::SceneTemplate>(scenes::defaultTemplate())
                                        : scenes::resolveScene(mOptions.scene);
    if (!scene) return scene.error();
    mTemplate = *scene;
    mOriginalSpec = mTemplate.spec;
    mEditedSpec = mTemplate.spec;
    mSavePath = mTemplate.name + "-edited.json";
    if (!mOptions.exportDir.empty()) mExportDir = mOptions.exportDir.string();

    glfwSetErrorCallback([](int, const char* description) { glfwLastError() = description; });
    if (!glfwInit()) {
        return Error{fmt::format(
            "no display: the preview window cannot open ({}). Run it on a desktop session, "
            "with X forwarding (ssh -X), or under a virtual display (xvfb-run -a silt preview …); "
            "`silt generate` and `silt contact-sheet` need no display",
            glfwLastError().empty() ? "GLFW could not initialise" : glfwLastError())};
    }
    mGlfwReady = true;
    if (!glfwVulkanSupported())
        return Error{"the window system offers no Vulkan surface (glfwVulkanSupported is false)"};

    // Render size: the window's in full quality, half of it (even) in the preview preset.
    const bool preview = mOptions.preset == "preview";
    mRenderWidth = preview ? evenAtLeast16(mOptions.width / 2) : evenAtLeast16(mOptions.width);
    mRenderHeight = preview ? evenAtLeast16(mOptions.height / 2) : evenAtLeast16(mOptions.height);

    glfwWindowHint(GLFW_CLIENT_API, GLFW_NO_API);
    glfwWindowHint(GLFW_RESIZABLE, GLFW_TRUE);
    const std::string title = fmt::format("silt preview - {}", mTemplate.name);
    mWindow = glfwCreateWindow(int(mOptions.width), int(mOptions.height), title.c_str(), nullptr,
                               nullptr);
    if (!mWindow) return Error{fmt::format("cannot open the preview window: {}", glfwLastError())};
    glfwSetWindowUserPointer(mWindow, this);
    // Set before ImGui's backend, which chains to them.
    glfwSetKeyCallback(mWindow, [](GLFWwindow* w, int key, int, int action, int mods) {
        appOf(w)->onKey(key, action, mods);
    });
    glfwSetScrollCallback(mWindow,
                          [](GLFWwindow* w, double, double dy) { appOf(w)->onScroll(dy); });
    glfwSetFramebufferSizeCallback(mWindow, [](GLFWwindow* w, int width, int height) {
        appOf(w)->onFramebufferSize(width, height);
    });

    auto library = assets::AssetLibrary::open(assets::bundledMeshDir());
    if (!library) return library.error();
    mLibrary.emplace(std::move(*library));
    app::configureThreads(mOptions.threads);

    render::RendererDesc desc;
    desc.width = mRenderWidth;
    desc.height = mRenderHeight;
    desc.presentation = true;
    if (preview) desc.shadowMapSize = 1024;
    uint32_t extensionCount = 0;
    const char** extensions = glfwGetRequiredInstanceExtensions(&extensionCount);
    if (!extensions) return Error{"GLFW lists no Vulkan instance extensions for window surfaces"};
    for (uint32_t i = 0; i < extensionCount; ++i)
        desc.instanceExtensions.emplace_back(extensions[i]);
    auto producer = app::ClipProducer::create(*mLibrary, desc, int(mOptions.threads));
    if (!producer) return producer.error();
    mProducer = std::move(*producer);

    int fbWidth = 0, fbHeight = 0;
    glfwGetFramebufferSize(mWindow, &fbWidth, &fbHeight);
    GLFWwindow* window = mWindow;
    auto presenter = render::SwapchainPresenter::create(
        mProducer->renderer(),
        [window](void* instance) -> Result<uint64_t> {
            VkSurfaceKHR surface = VK_NULL_HANDLE;
            VkResult r = glfwCreateWindowSurface(static_cast<VkInstance>(instance), window, nullptr,
                                                 &surface);
            if (r != VK_SUCCESS)
                return Error{fmt::format("glfwCreateWindowSurface failed ({}): {}", int(r),
                                         glfwLastError())};
            return reinterpret_cast<uint64_t>(surface);
        },
        uint32_t(std::max(fbWidth, 1)), uint32_t(std::max(fbHeight, 1)));
    if (!presenter) return presenter.error();
    mPresenter = std::move(*presenter);
    if (Status s = initImGui(); !s) return s;
    return restart();
}

Status PreviewApp::initImGui() {
    const render::NativeHandles h = mPresenter->handles();
    VkDescriptorPoolSize sizes[] = {{VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER, 16}};
    VkDescriptorPoolCreateInfo poolInfo{};
    poolInfo.sType = VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO;
    poolInfo.flags = VK_DESCRIPTOR_POOL_CREATE_FREE_DESCRIPTOR_SET_BIT;
    poolInfo.maxSets = 16;
    poolInfo.poolSizeCount = 1;
    poolInfo.pPoolSizes = sizes;
    VkDescriptorPool pool = VK_NULL_HANDLE;
    if (VkResult r =
            vkCreateDescriptorPool(static_cast<VkDevice>(h.device), &poolInfo, nullptr, &pool);
        r != VK_SUCCESS)
        return Error{fmt::format("vkCreateDescriptorPool for ImGui failed ({})", int(r))};
    mImGuiPool = pool;

    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
    ImGui::GetIO().IniFilename = nullptr;  // no imgui.ini left in the user's folder
    ImGui::StyleColorsDark();
    ImGui::GetStyle().Alpha = 0.92f;
    ImGui_ImplGlfw_InitForVulkan(mWindow, /*install_callbacks=*/true);
    ImGui_ImplVulkan_InitInfo info{};
    info.Instance = static_cast<VkInstance>(h.instance);
    info.PhysicalDevice = static_cast<VkPhysicalDevice>(h.physicalDevice);
    info.Device = static_cast<VkDevice>(h.device);
    info.QueueFamily = h.queueFamily;
    info.Queue = static_cast<VkQueue>(h.queue);
    info.DescriptorPool = pool;
    info.MinImageCount = std::max(h.minImageCount, 2u);
    info.ImageCount = std::max(h.imageCount, info.MinImageCount);
    info.MSAASamples = VK_SAMPLE_COUNT_1_BIT;
    info.CheckVkResultFn = checkVk;
    if (!ImGui_ImplVulkan_Init(&info, static_cast<VkRenderPass>(h.renderPass)))
        return Error{"ImGui_ImplVulkan_Init failed"};
    mImGuiReady = true;
    if (Status s = mPresenter->runOnce([](void* cmd) {
            ImGui_ImplVulkan_CreateFontsTexture(static_cast<VkCommandBuffer>(cmd));
        });
        !s)
        return s;
    ImGui_ImplVulkan_DestroyFontUploadObjects();
    return {};
}

void PreviewApp::onKey(int key, int action, int mods) {
    if (action != GLFW_PRESS && action != GLFW_REPEAT) return;
    // Typing into a panel field is not a shortcut.
    if (mImGuiReady && ImGui::GetIO().WantTextInput) return;
    mPendingKeys.push_back((mods & GLFW_MOD_CONTROL) ? key | kCtrl : key);
}

void PreviewApp::onScroll(double dy) {
    if (mImGuiReady && ImGui::GetIO().WantCaptureMouse) return;
    if (mCamera.mode != ViewCamera::Mode::Scene) mCamera.scroll(float(dy));
}

void PreviewApp::onFramebufferSize(int width, int height) {
    if (mPresenter && width > 0 && height > 0)
        mPresenter->resize(uint32_t(width), uint32_t(height));
}

void PreviewApp::setStatus(std::string text) {
    std::printf("silt: preview: %s\n", text.c_str());
    std::fflush(stdout);
    mStatus = std::move(text);
}

Status PreviewApp::restart() {
    // The edited spec goes through the parser again, so every check of the format applies.
    auto parsed = scenes::parseSceneTemplate(mEditedSpec.dump(), mTemplate.source + " (edited)");
    if (!parsed) return parsed.error();
    scenes::SceneTemplate scene = mEdited ? *parsed : mTemplate;
    if (mOptions.preset == "preview") applyPreviewPreset(scene.spec);
    scenes::PlanOverrides overrides;
    overrides.width = mRenderWidth;
    overrides.height = mRenderHeight;
    // The new clip is built before the old one goes, so a refused edit keeps the last clip.
    auto run = mProducer->start(scene, mSeed, 0, overrides);
    if (!run) return run.error();
    mRun = std::move(*run);
    mFrames.clear();
    mCurrent = 0;
    ++mClipGeneration;
    mSampled = mRun->plan().sampled;
    const scenes::CameraPlan& camera = mRun->plan().camera;
    if (mCamera.mode == ViewCamera::Mode::Scene || mClipGeneration == 1)
        mCamera.reset(camera.at(0.0f), camera.target);
    mParticles = mRun->particleCount();
    launchStep();  // something to show as soon as it is simulated
    return {};
}

void PreviewApp::launchStep() {
    if (busy() || !mRun || mRun->finished()) return;
    app::ClipRun* run = mRun.get();
    const bool keepSurfaces = run->simulation().continuum() != nullptr;
    // The step simulates, builds surfaces and renders with labels on a worker thread, so the
    // window keeps presenting (the renderer and presenter share the queue under its lock).
    mPending = std::async(std::launch::async, [run, keepSurfaces]() {
        PendingStep out;
        auto start = Clock::now();
        auto frame = run->step(&out.times, keepSurfaces);
        out.seconds = secondsSince(start);
        if (!frame) {
            out.error = frame.error();
        } else {
            out.frame = std::move(*frame);
            out.particles = run->particleCount();
        }
        return out;
    });
}

Status PreviewApp::collectStep(bool wait) {
    if (!busy()) return {};
    if (!wait && mPending.wait_for(std::chrono::seconds(0)) != std::future_status::ready) return {};
    PendingStep done = mPending.get();
    if (done.error) return *done.error;
    mSimSeconds += done.seconds;
    ++mSimulated;
    mLastPhysicsMs = 1000.0 * done.times.physics;
    mLastRenderMs = 1000.0 * done.times.render;
    mPhysicsSeconds += done.times.physics;
    mRenderSeconds += done.times.render;
    mParticles = done.particles;
    mFrames.push_back(std::move(done.frame));
    mCurrent = mFrames.size() - 1;  // a step is only ever launched to show its frame
    return {};
}

void PreviewApp::stepForward() {
    if (busy()) return;
    if (mCurrent + 1 < mFrames.size()) {
        ++mCurrent;
    } else if (mRun && !mRun->finished()) {
        launchStep();
    } else {
        mPlaying = false;  // the clip is complete
    }
}

Result<ImageRGBA8> PreviewApp::displayImage() {
    if (mFrames.empty()) return ImageRGBA8(mRenderWidth, mRenderHeight);
    DisplayKey key{mCurrent, mClipGeneration, int(mChannel), int(mCamera.mode),
                   mCamera.mode == ViewCamera::Mode::Scene ? 0 : mCamera.version()};
    if (key == mDisplayKey) return mDisplay;
    const app::ClipFrame& frame = mFrames[mCurrent];
    const render::FrameImages* images = &frame.images;
    if (mCamera.mode != ViewCamera::Mode::Scene) {
        // The renderer is the worker's while a step is in flight: keep the last view.
        if (busy() && !mDisplay.pixels.empty()) return mDisplay;
        const bool sameView = mRerendered && mDisplayKey.frame == key.frame &&
                              mDisplayKey.clip == key.clip && mDisplayKey.mode == key.mode &&
                              mDisplayKey.camera == key.camera;
        if (!sameView) {
            const CameraState camera = mCamera.state(frame.desc.camera.intrinsics);
            auto redrawn = mProducer->rerender(frame, camera, camera);
            if (!redrawn) return redrawn.error();
            mRerendered = std::move(*redrawn);
        }
        images = &*mRerendered;
    }
    mDisplay = app::channelImage(*images, mChannel);
    mDisplayKey = key;
    return mDisplay;
}

void PreviewApp::setCameraMode(ViewCamera::Mode mode) {
    // Orbit and fly start from where the scene's camera is at the frame shown.
    if (mCamera.mode == ViewCamera::Mode::Scene && mode != ViewCamera::Mode::Scene && mRun &&
        mCurrent < mFrames.size())
        mCamera.reset(mFrames[mCurrent].desc.camera, mRun->plan().camera.target);
    mCamera.mode = mode;
}

void PreviewApp::handleMouse() {
    double x = 0, y = 0;
    glfwGetCursorPos(mWindow, &x, &y);
    const bool overUi = mImGuiReady && !mOptions.noUi && ImGui::GetIO().WantCaptureMouse;
    const bool down = glfwGetMouseButton(mWindow, GLFW_MOUSE_BUTTON_LEFT) == GLFW_PRESS ||
                      glfwGetMouseButton(mWindow, GLFW_MOUSE_BUTTON_RIGHT) == GLFW_PRESS;
    if (down && !mDragging && !overUi) {
        mDragging = true;
    } else if (!down) {
        mDragging = false;
    }
    if (mDragging && mCamera.mode != ViewCamera::Mode::Scene && (x != mLastX || y != mLastY))
        mCamera.drag(float(x - mLastX), float(y - mLastY));
    mLastX = x;
    mLastY = y;
    if (mCamera.mode == ViewCamera::Mode::Fly &&
        !(mImGuiReady && ImGui::GetIO().WantCaptureKeyboard)) {
        const float dt = 1.0f / 60.0f;
        auto held = [&](int key) { return glfwGetKey(mWindow, key) == GLFW_PRESS ? 1.0f : 0.0f; };
        const float f = held(GLFW_KEY_W) - held(GLFW_KEY_S);
        const float r = held(GLFW_KEY_D) - held(GLFW_KEY_A);
        const float u = held(GLFW_KEY_E) - held(GLFW_KEY_Q);
        if (f != 0 || r != 0 || u != 0) mCamera.move(f * dt, r * dt, u * dt);
    }
}

Status PreviewApp::saveScreenshot(const ImageRGBA8& image, const std::filesystem::path& path) {
    auto png = exporters::encodePng(image);
    if (!png) return png.error().prefixed(path.string());
    if (path.has_parent_path()) {
        std::error_code ec;
        std::filesystem::create_directories(path.parent_path(), ec);
    }
    if (Status s = writeFileAtomic(path, std::span<const uint8_t>(*png)); !s) return s;
    setStatus(fmt::format("screenshot {} ({}x{}, seed {}, frame {}, channel {})", path.string(),
                          image.width, image.height, mSeed, mCurrent, app::channelName(mChannel)));
    return {};
}

Status PreviewApp::saveTemplate(const std::filesystem::path& path) {
    auto parsed = scenes::parseSceneTemplate(mEditedSpec.dump(), path.string());
    if (!parsed) return parsed.error();
    if (Status s = writeFileAtomic(path, mEditedSpec.dump(2) + "\n"); !s) return s;
    setStatus(fmt::format("saved the template to {}", path.string()));
    return {};
}

Status PreviewApp::exportClip() {
    // Exactly `silt generate --scene S --seed N --clips 1 --out DIR`: the template's own
    // quality and size, not the preview preset's. An edited template is saved first, so the
    // dataset card names a file that holds what was generated.
    if (Status s = collectStep(/*wait=*/true); !s) return s;
    app::GenerateOptions options;
    options.scene = mSceneArgument;
    if (mEdited) {
        if (Status s = saveTemplate(mSavePath); !s) return s;
        options.scene = mSavePath;
    }
    options.out = mExportDir;
    options.clips = 1;
    options.seed = mSeed;
    options.threads = mOptions.threads;
    options.quiet = true;
    auto start = Clock::now();
    auto report = app::generateDataset(options);
    if (!report) return report.error();
    setStatus(
        fmt::format("exported clip 0 of seed {} to {} ({} written, {} already there, {:.1f} s)",
                    mSeed, std::filesystem::absolute(options.out).string(), report->clipsWritten,
                    report->clipsSkipped, secondsSince(start)));
    return {};
}

void PreviewApp::drawPanel() {
    const ImGuiViewport* viewport = ImGui::GetMainViewport();
    ImGui::SetNextWindowPos(ImVec2(6, 6), ImGuiCond_FirstUseEver);
    ImGui::SetNextWindowBgAlpha(0.8f);
    ImGui::Begin("silt preview", nullptr, ImGuiWindowFlags_AlwaysAutoResize);
    const uint32_t total = mRun ? mRun->plan().frames : 0;

    if (ImGui::Button(mPlaying ? "Pause" : "Play")) mPlaying = !mPlaying;
    ImGui::SameLine();
    if (ImGui::Button("Step")) ++mStepsRequested;
    ImGui::SameLine();
    if (ImGui::Button("Restart")) mRestartRequested = true;
    ImGui::SameLine();
    ImGui::Text("%zu/%u simulated", mFrames.size(), total);
    int frame = int(mCurrent);
    const int last = std::max(0, int(mFrames.size()) - 1);
    ImGui::SetNextItemWidth(220);
    if (ImGui::SliderInt("frame", &frame, 0, last)) {
        mCurrent = size_t(std::clamp(frame, 0, last));
        mPlaying = false;
    }

    if (ImGui::ArrowButton("##prevseed", ImGuiDir_Left) && mSeed > 0) {
        --mSeed;
        mRestartRequested = true;
    }
    ImGui::SameLine();
    if (ImGui::ArrowButton("##nextseed", ImGuiDir_Right)) {
        ++mSeed;
        mRestartRequested = true;
    }
    ImGui::SameLine();
    ImGui::SetNextItemWidth(160);
    uint64_t seed = mSeed;
    if (ImGui::InputScalar("seed", ImGuiDataType_U64, &seed, nullptr, nullptr, "%llu",
                           ImGuiInputTextFlags_EnterReturnsTrue)) {
        mSeed = seed;
        mRestartRequested = true;
    }

    int channel = int(mChannel);
    for (int i = 0; i < app::kLabelChannelCount; ++i) {
        if (i % 3) ImGui::SameLine();
        const std::string label =
            fmt::format("{} {}", i + 1, app::channelName(app::LabelChannel(i)));
        ImGui::RadioButton(label.c_str(), &channel, i);
    }
    mChannel = app::LabelChannel(channel);

    int mode = int(mCamera.mode);
    ImGui::RadioButton("scene camera", &mode, int(ViewCamera::Mode::Scene));
    ImGui::SameLine();
    ImGui::RadioButton("orbit", &mode, int(ViewCamera::Mode::Orbit));
    ImGui::SameLine();
    ImGui::RadioButton("fly", &mode, int(ViewCamera::Mode::Fly));
    if (mode != int(mCamera.mode)) setCameraMode(ViewCamera::Mode(mode));
    ImGui::Checkbox("values", &mShowSampled);
    ImGui::SameLine();
    ImGui::Checkbox("template", &mShowTemplate);
    ImGui::SameLine();
    ImGui::Checkbox("export", &mShowExport);
    ImGui::End();

    if (mShowSampled) {
        ImGui::SetNextWindowPos(ImVec2(viewport->Size.x - 326, 6), ImGuiCond_FirstUseEver);
        ImGui::SetNextWindowSize(ImVec2(320, 220), ImGuiCond_FirstUseEver);
        ImGui::SetNextWindowBgAlpha(0.8f);
        ImGui::Begin("Randomized values of this seed", &mShowSampled);
        if (ImGui::BeginTable("sampled", 2,
                              ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingFixedFit)) {
            for (const auto& [path, value] : mSampled.items()) {
                ImGui::TableNextRow();
                ImGui::TableSetColumnIndex(0);
                ImGui::TextUnformatted(path.c_str());
                ImGui::TableSetColumnIndex(1);
                ImGui::TextUnformatted(valueText(value).c_str());
            }
            ImGui::EndTable();
        }
        ImGui::End();
    }
    if (mShowTemplate) {
        ImGui::SetNextWindowPos(ImVec2(viewport->Size.x - 426, 40), ImGuiCond_FirstUseEver);
        ImGui::SetNextWindowSize(ImVec2(420, 320), ImGuiCond_FirstUseEver);
        ImGui::SetNextWindowBgAlpha(0.85f);
        ImGui::Begin("Template parameters", &mShowTemplate);
        if (ImGui::Button("Re-simulate")) mRestartRequested = true;
        ImGui::SameLine();
        if (ImGui::Button("Revert")) {
            mEditedSpec = mOriginalSpec;
            mEdited = false;
            mRestartRequested = true;
        }
        ImGui::SameLine();
        ImGui::TextUnformatted(mEdited ? "(edited)" : "");
        ImGui::SetNextItemWidth(220);
        ImGui::InputText("##savepath", &mSavePath);
        ImGui::SameLine();
        if (ImGui::Button("Save template as")) {
            if (Status s = saveTemplate(mSavePath); !s) setStatus("error: " + s.error().message);
        }
        ImGui::Separator();
        ImGui::BeginChild("fields");
        if (mEditor.draw(mEditedSpec)) mEdited = mEditedSpec != mOriginalSpec;
        ImGui::EndChild();
        ImGui::End();
    }
    if (mShowExport) {
        ImGui::SetNextWindowPos(ImVec2(6, viewport->Size.y - 130), ImGuiCond_FirstUseEver);
        ImGui::SetNextWindowBgAlpha(0.85f);
        ImGui::Begin("Export", &mShowExport, ImGuiWindowFlags_AlwaysAutoResize);
        ImGui::SetNextItemWidth(220);
        ImGui::InputText("dataset folder", &mExportDir);
        if (ImGui::Button("Export clip (as silt generate)")) {
            if (Status s = exportClip(); !s) setStatus("error: " + s.error().message);
        }
        ImGui::End();
    }

    // The status line along the bottom edge.
    const float lineHeight = ImGui::GetTextLineHeightWithSpacing();
    const float height = lineHeight * (mStatus.empty() ? 1.0f : 2.0f) + 8.0f;
    ImGui::SetNextWindowPos(ImVec2(0, viewport->Size.y - height));
    ImGui::SetNextWindowSize(ImVec2(viewport->Size.x, height));
    ImGui::SetNextWindowBgAlpha(0.6f);
    ImGui::Begin("status", nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoInputs |
                     ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoFocusOnAppearing |
                     ImGuiWindowFlags_NoNav);
    const double fps = mFrameMsAverage > 0 ? 1000.0 / mFrameMsAverage : 0;
    // Most useful first: a narrow window cuts the end of the line.
    ImGui::Text("%.1f fps (%.0f ms) | sim step %.0f ms: physics %.0f, surfaces + render %.0f | "
                "%zu particles | seed %llu, frame %zu | %ux%u %s",
                fps, mFrameMsAverage, mLastPhysicsMs + mLastRenderMs, mLastPhysicsMs,
                mLastRenderMs, mParticles, static_cast<unsigned long long>(mSeed), mCurrent,
                mRenderWidth, mRenderHeight, mOptions.preset.c_str());
    if (!mStatus.empty()) ImGui::TextUnformatted(mStatus.c_str());
    ImGui::End();
}

Result<PreviewReport> PreviewApp::run() {
    PreviewReport report;
    report.renderWidth = mRenderWidth;
    report.renderHeight = mRenderHeight;
    Clock::time_point firstPresent{};
    auto lastFrame = Clock::now();
    bool done = false;
    while (!done && !glfwWindowShouldClose(mWindow)) {
        if (!mPendingKeys.empty() || (mPlaying && !busy()))
            glfwPollEvents();
        else if (busy())
            glfwWaitEventsTimeout(0.02);  // ≤ 50 redraws/s while the worker simulates
        else
            glfwWaitEventsTimeout(0.05);  // idle: no busy loop while paused

        // Shortcuts in the order they arrived. A screenshot (F12) shows the state the keys
        // before it asked for: the keys after it wait for the next loop.
        size_t handled = 0;
        while (handled < mPendingKeys.size()) {
            const int key = mPendingKeys[handled++];
            if (key == GLFW_KEY_F12) {
                ++mCaptureRequests;
                break;
            }
            if (key == GLFW_KEY_SPACE) mPlaying = !mPlaying;
            if (key == GLFW_KEY_RIGHT) ++mStepsRequested, mPlaying = false;
            if (key == GLFW_KEY_LEFT && mCurrent > 0) --mCurrent, mPlaying = false;
            if (key == GLFW_KEY_R) mRestartRequested = true;
            if (key == GLFW_KEY_N) ++mSeed, mRestartRequested = true;
            if (key == GLFW_KEY_P && mSeed > 0) --mSeed, mRestartRequested = true;
            if (key >= GLFW_KEY_1 && key < GLFW_KEY_1 + app::kLabelChannelCount)
                mChannel = app::LabelChannel(key - GLFW_KEY_1);
            if (key == GLFW_KEY_C) setCameraMode(ViewCamera::Mode((int(mCamera.mode) + 1) % 3));
            if (key == GLFW_KEY_V) mShowSampled = !mShowSampled;
            if (key == GLFW_KEY_T) mShowTemplate = !mShowTemplate;
            if (key == GLFW_KEY_X) mShowExport = !mShowExport;
            if (key == GLFW_KEY_ESCAPE) done = true;
            if (key == (GLFW_KEY_S | kCtrl)) {
                if (Status saved = saveTemplate(mSavePath); !saved)
                    setStatus("error: " + saved.error().message);
            }
            if (key == (GLFW_KEY_E | kCtrl)) {
                if (Status exported = exportClip(); !exported)
                    setStatus("error: " + exported.error().message);
            }
        }
        mPendingKeys.erase(mPendingKeys.begin(), mPendingKeys.begin() + ptrdiff_t(handled));

        handleMouse();
        if (Status s = collectStep(/*wait=*/false); !s) return s.error();
        // --frames N: no step beyond frame N-1.
        const bool enough = mOptions.frames && mFrames.size() >= *mOptions.frames;
        if (mRestartRequested && !busy()) {
            mRestartRequested = false;
            if (Status s = restart(); !s) {
                // An edit the parser refuses: say why and keep the last good clip.
                setStatus("error: " + s.error().message);
                if (!mRun) return s.error();
            }
        }
        if (mStepsRequested > 0) {
            mPlaying = false;
            if (!busy()) {
                --mStepsRequested;
                stepForward();
            }
        } else if (mPlaying && mCaptureRequests == 0 && !enough) {
            stepForward();
        }

        auto image = displayImage();
        if (!image) return image.error();

        const bool drawUi = mImGuiReady && !mOptions.noUi;
        if (mImGuiReady) {
            ImGui_ImplVulkan_NewFrame();
            ImGui_ImplGlfw_NewFrame();
            ImGui::NewFrame();
            if (drawUi) drawPanel();
            ImGui::Render();
        }
        render::OverlayRecorder overlay;
        if (drawUi) {
            overlay = [](void* cmd) {
                ImGui_ImplVulkan_RenderDrawData(ImGui::GetDrawData(),
                                                static_cast<VkCommandBuffer>(cmd));
            };
        }

        // --frames N: the run ends once frame N-1 (or the clip's last) is on screen.
        // A screenshot waits for the frame the keys before it asked for.
        const bool settled =
            !busy() && !mFrames.empty() && !mRestartRequested && mStepsRequested == 0;
        const bool lastRequested = settled && mOptions.frames &&
                                   (enough || (mRun && mRun->finished())) &&
                                   mCurrent + 1 == mFrames.size();
        const bool captureNow = settled && mCaptureRequests > 0;
        const bool capture = captureNow || (lastRequested && !mOptions.screenshot.empty());
        ImageRGBA8 shot;
        bool presented = false;
        if (Status s = mPresenter->present(*image, overlay, capture ? &shot : nullptr, &presented);
            !s)
            return s.error();
        if (!presented) continue;  // swapchain rebuilt: the same state is drawn again
        if (mPresented == 0) firstPresent = Clock::now();
        ++mPresented;
        const double ms = 1000.0 * secondsSince(lastFrame);
        lastFrame = Clock::now();
        mFrameMsAverage = mFrameMsAverage == 0 ? ms : 0.9 * mFrameMsAverage + 0.1 * ms;

        if (captureNow) {
            --mCaptureRequests;
            const std::filesystem::path dir = mOptions.shotDir.empty() ? "." : mOptions.shotDir;
            if (Status s =
                    saveScreenshot(shot, dir / fmt::format("shot_{:03d}.png", mShotsSaved++));
                !s)
                return s.error();
        }
        if (lastRequested) {
            if (!mOptions.screenshot.empty()) {
                if (Status s = saveScreenshot(shot, mOptions.screenshot); !s) return s.error();
            }
            done = true;
        }
    }
    if (busy()) mPending.wait();
    report.framesPresented = mPresented;
    report.seconds = mPresented > 0 ? secondsSince(firstPresent) : 0.0;
    // The first frame's time is the wait before it: count intervals, not frames.
    report.framesPerSecond =
        report.seconds > 0 && mPresented > 1 ? double(mPresented - 1) / report.seconds : 0.0;
    report.framesSimulated = mSimulated;
    report.simFramesPerSecond = report.seconds > 0 ? double(mSimulated) / report.seconds : 0.0;
    report.msPerSimFrame = mSimulated ? 1000.0 * mSimSeconds / mSimulated : 0.0;
    report.msPhysicsPerSimFrame = mSimulated ? 1000.0 * mPhysicsSeconds / mSimulated : 0.0;
    report.msRenderPerSimFrame = mSimulated ? 1000.0 * mRenderSeconds / mSimulated : 0.0;
    report.particles = mParticles;
    return report;
}

}  // namespace silt::preview
