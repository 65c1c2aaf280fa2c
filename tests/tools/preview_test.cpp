// `silt preview` end to end under a virtual X display (Xvfb, lavapipe's xlib/xcb swapchain):
// the presented image is the offscreen render, synthetic keys (xdotool) switch channels and
// seeds, a resize rebuilds the swapchain, and without a display it fails clearly.

#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include <fmt/format.h>
#include <stb/stb_image.h>
#include <nlohmann/json.hpp>

#include "silt/core/FileAtomics.h"
#include "silt/core/Hash.h"
#include "silt/core/Image.h"
#include "silt/exporters/VideoDecoder.h"
#include "test_output.h"

namespace {
namespace fs = std::filesystem;
using namespace std::chrono_literals;

const std::string kSilt = std::string(SILT_BINARY_DIR) + "/bin/silt";

/// Runs a shell command; its exit code (-1 when it did not exit normally).
int shell(const std::string& command) {
    const int status = std::system(command.c_str());
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string readText(const fs::path& path) {
    auto text = silt::readFile(path);
    return text ? *text : std::string();
}

silt::ImageRGBA8 readPng(const fs::path& path) {
    int w = 0, h = 0, n = 0;
    unsigned char* data = stbi_load(path.c_str(), &w, &h, &n, 4);
    silt::ImageRGBA8 image;
    if (!data) return image;
    image = silt::ImageRGBA8(uint32_t(w), uint32_t(h));
    std::copy(data, data + size_t(w) * h * 4, image.pixels.begin());
    stbi_image_free(data);
    return image;
}

/// Mean absolute difference of the RGB channels (images of the same size).
double meanAbsDiff(const silt::ImageRGBA8& a, const silt::ImageRGBA8& b) {
    EXPECT_EQ(a.width, b.width);
    EXPECT_EQ(a.height, b.height);
    if (a.pixels.size() != b.pixels.size() || a.pixels.empty()) return 1e9;
    double sum = 0;
    for (size_t i = 0; i < a.pixels.size(); i += 4)
        for (size_t c = 0; c < 3; ++c) sum += std::abs(int(a.pixels[i + c]) - int(b.pixels[i + c]));
    return sum / double(a.pixels.size() / 4 * 3);
}

bool waitForFile(const fs::path& path, std::chrono::seconds timeout) {
    const auto end = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < end) {
        if (fs::exists(path)) return true;
        std::this_thread::sleep_for(50ms);
    }
    return false;
}

/// One Xvfb server for the whole suite, on a display number derived from the process id.
class PreviewWindow : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        for (int attempt = 0; attempt < 20 && sXvfb <= 0; ++attempt) {
            const int display = 200 + int((getpid() + attempt * 37) % 700);
            if (fs::exists(fmt::format("/tmp/.X11-unix/X{}", display)) ||
                fs::exists(fmt::format("/tmp/.X{}-lock", display)))
                continue;
            const pid_t pid = fork();
            if (pid == 0) {
                const std::string name = fmt::format(":{}", display);
                execlp("Xvfb", "Xvfb", name.c_str(), "-screen", "0", "1024x768x24", "-nolisten",
                       "tcp", static_cast<char*>(nullptr));
                _exit(127);
            }
            if (waitForFile(fmt::format("/tmp/.X11-unix/X{}", display), std::chrono::seconds(10))) {
                sXvfb = pid;
                sDisplay = fmt::format(":{}", display);
            } else {
                kill(pid, SIGTERM);
                waitpid(pid, nullptr, 0);
            }
        }
    }
    static void TearDownTestSuite() {
        if (sXvfb > 0) {
            kill(sXvfb, SIGTERM);
            waitpid(sXvfb, nullptr, 0);
            sXvfb = 0;
        }
    }
    void SetUp() override { ASSERT_GT(sXvfb, 0) << "could not start Xvfb"; }

    /// `silt preview ARGS` on the virtual display; its exit code.
    int preview(const std::string& args, const fs::path& log) {
        return shell(fmt::format("DISPLAY={} LP_NUM_THREADS=2 {} preview {} >{} 2>&1", sDisplay,
                                 kSilt, args, log.string()));
    }

    /// Starts `silt preview ARGS` in the background and waits for its window; the window id.
    std::string launch(const std::string& args, const fs::path& dir) {
        mLog = dir / "preview.log";
        mExitFile = dir / "preview.exit";
        shell(
            fmt::format("(DISPLAY={} LP_NUM_THREADS=2 {} preview {} >{} 2>&1; echo $? >{}.tmp; "
                        "mv {}.tmp {}) &",
                        sDisplay, kSilt, args, mLog.string(), mExitFile.string(),
                        mExitFile.string(), mExitFile.string()));
        const fs::path idFile = dir / "window.id";
        shell(
            fmt::format("DISPLAY={} timeout 60 xdotool search --sync --name 'silt preview' "
                        "| head -n 1 >{}",
                        sDisplay, idFile.string()));
        std::string id = readText(idFile);
        while (!id.empty() && (id.back() == '\n' || id.back() == ' ')) id.pop_back();
        return id;
    }

    /// Sends keys to the window (XTEST, after focusing it).
    void keys(const std::string& window, const std::string& keyNames) {
        ASSERT_EQ(shell(fmt::format("DISPLAY={} xdotool windowfocus --sync {} key --delay 30 {}",
                                    sDisplay, window, keyNames)),
                  0);
    }

    /// F12, then waits for the screenshot it saves.
    silt::ImageRGBA8 shot(const std::string& window, const fs::path& dir, int index) {
        keys(window, "F12");
        const fs::path path = dir / fmt::format("shot_{:03d}.png", index);
        EXPECT_TRUE(waitForFile(path, std::chrono::seconds(60))) << readText(mLog);
        std::this_thread::sleep_for(100ms);  // written atomically; the rename is the last step
        return readPng(path);
    }

    /// Waits for the background preview to exit; its exit code (-1 when it did not exit).
    int waitExit() {
        if (!waitForFile(mExitFile, std::chrono::seconds(60))) return -1;
        return std::atoi(readText(mExitFile).c_str());
    }

    static inline pid_t sXvfb = 0;
    static inline std::string sDisplay;
    fs::path mLog, mExitFile;
};

TEST(Preview, NoDisplayFailsWithAMessage) {
    const fs::path dir = silt::test::freshDir("preview_nodisplay");
    fs::create_directories(dir);
    const int code =
        shell(fmt::format("env -u DISPLAY -u WAYLAND_DISPLAY {} preview --scene default "
                          "--frames 1 >{}/out.txt 2>{}/err.txt",
                          kSilt, dir.string(), dir.string()));
    EXPECT_NE(code, 0);
    const std::string err = readText(dir / "err.txt");
    EXPECT_NE(err.find("no display"), std::string::npos) << err;
    EXPECT_NE(err.find("xvfb-run"), std::string::npos) << err;
}

TEST_F(PreviewWindow, ScreenshotIsTheOffscreenRender) {
    // Full quality, the window as large as the render, no panel: the presented image must be
    // the frame `silt generate` renders for the same scene, seed and size.
    const fs::path dir = silt::test::freshDir("preview_match");
    fs::create_directories(dir);
    const fs::path png = dir / "window.png";
    ASSERT_EQ(preview(fmt::format("--scene default --seed 3 --preset full --no-ui --width 256 "
                                  "--height 192 --frames 3 --screenshot {}",
                                  png.string()),
                      dir / "preview.log"),
              0)
        << readText(dir / "preview.log");
    const std::string log = readText(dir / "preview.log");
    EXPECT_NE(log.find(" fps ("), std::string::npos) << log;
    const silt::ImageRGBA8 window = readPng(png);
    ASSERT_EQ(window.width, 256u);
    ASSERT_EQ(window.height, 192u);

    const fs::path dataset = dir / "dataset";
    ASSERT_EQ(shell(fmt::format("{} generate --scene default --seed 3 --clips 1 --frames 3 --width "
                                "256 --height 192 --out {} -q >/dev/null 2>&1",
                                kSilt, dataset.string())),
              0);
    const fs::path clip = dataset / "clips" / "clip_000000";
    const nlohmann::json meta = nlohmann::json::parse(readText(clip / "clip.json"));
    // Bit-identical: the hash of the window's pixels is the clip's hash of raw frame 2.
    EXPECT_EQ(silt::hashHex(window.bytes()), meta["frame_hashes"][2].get<std::string>());

    std::vector<silt::ImageRGBA8> video;
    ASSERT_TRUE(silt::exporters::decodeVideo(clip / "rgb.mp4", &video));
    ASSERT_EQ(video.size(), 3u);
    const double same = meanAbsDiff(window, video[2]);
    EXPECT_LT(same, 2.0);  // what the lossy video encoder leaves
    // …and the comparison can tell frames apart: a different seed is far off.
    ASSERT_EQ(preview(fmt::format("--scene default --seed 4 --preset full --no-ui --width 256 "
                                  "--height 192 --frames 3 --screenshot {}/other.png",
                                  dir.string()),
                      dir / "other.log"),
              0);
    EXPECT_GT(meanAbsDiff(readPng(dir / "other.png"), video[2]), 2.0 * same + 1.0);
}

TEST_F(PreviewWindow, KeysSwitchChannelAndSeed) {
    const fs::path dir = silt::test::freshDir("preview_keys");
    fs::create_directories(dir);
    const std::string window =
        launch(fmt::format("--scene default --seed 5 --paused --no-ui --width 320 --height 240 "
                           "--shot-dir {}",
                           dir.string()),
               dir);
    ASSERT_FALSE(window.empty()) << readText(mLog);

    const silt::ImageRGBA8 colour = shot(window, dir, 0);
    keys(window, "2");
    const silt::ImageRGBA8 depth = shot(window, dir, 1);
    keys(window, "1 n");
    const silt::ImageRGBA8 nextSeed = shot(window, dir, 2);
    keys(window, "p");
    const silt::ImageRGBA8 back = shot(window, dir, 3);
    keys(window, "Escape");
    EXPECT_EQ(waitExit(), 0);

    ASSERT_EQ(colour.width, 320u);
    // Depth is a turbo-mapped image with a black sky: nothing like the shaded colour frame.
    EXPECT_GT(meanAbsDiff(colour, depth), 40.0);
    // Another seed places other objects: the frame changes.
    EXPECT_GT(meanAbsDiff(colour, nextSeed), 1.0);
    // Back to the first seed: the same scene, pixel for pixel (the pipeline is deterministic).
    EXPECT_EQ(silt::hashHex(colour.bytes()), silt::hashHex(back.bytes()));
    const std::string log = readText(mLog);
    EXPECT_NE(log.find("seed 6, frame 0, channel colour"), std::string::npos) << log;
    EXPECT_NE(log.find("channel depth"), std::string::npos) << log;
}

TEST_F(PreviewWindow, ResizeRebuildsTheSwapchainAndOrbitTurnsTheView) {
    const fs::path dir = silt::test::freshDir("preview_resize");
    fs::create_directories(dir);
    const std::string window =
        launch(fmt::format("--scene default --paused --width 320 --height 240 --shot-dir {}",
                           dir.string()),
               dir);
    ASSERT_FALSE(window.empty()) << readText(mLog);
    const silt::ImageRGBA8 before = shot(window, dir, 0);
    ASSERT_EQ(
        shell(fmt::format("DISPLAY={} xdotool windowsize --sync {} 400 300", sDisplay, window)), 0);
    std::this_thread::sleep_for(300ms);
    const silt::ImageRGBA8 after = shot(window, dir, 1);
    keys(window, "Right Right");
    const silt::ImageRGBA8 stepped = shot(window, dir, 2);
    // Orbit mode starts where the scene camera is: the frame redrawn through it looks the
    // same (only the panel's radio button and timings change)…
    keys(window, "c");
    const silt::ImageRGBA8 orbit = shot(window, dir, 3);
    // …and a drag outside the panel turns the view.
    ASSERT_EQ(shell(fmt::format("DISPLAY={0} xdotool mousemove --window {1} 360 240 mousedown 1 "
                                "sleep 0.2 mousemove --window {1} 330 225 sleep 0.2 mousemove "
                                "--window {1} 300 210 sleep 0.2 mouseup 1",
                                sDisplay, window)),
              0);
    std::this_thread::sleep_for(300ms);
    const silt::ImageRGBA8 turned = shot(window, dir, 4);
    keys(window, "Escape");
    EXPECT_EQ(waitExit(), 0);
    EXPECT_EQ(before.width, 320u);
    EXPECT_EQ(before.height, 240u);
    EXPECT_EQ(after.width, 400u);
    EXPECT_EQ(after.height, 300u);
    EXPECT_EQ(stepped.width, 400u);
    EXPECT_LT(meanAbsDiff(stepped, orbit), 1.0);
    EXPECT_GT(meanAbsDiff(orbit, turned), 3.0);
    const std::string log = readText(mLog);
    EXPECT_NE(log.find("frame 2, channel colour"), std::string::npos) << log;
}

TEST_F(PreviewWindow, ExportWritesWhatGenerateWrites) {
    // Ctrl+E exports clip 0 of the seed on screen: the same clip, byte for byte, as
    // `silt generate --seed S --clips 1` (the template's own size and quality, not the
    // preview preset's).
    const fs::path dir = silt::test::freshDir("preview_export");
    fs::create_directories(dir);
    const fs::path exported = dir / "exported";
    const std::string window =
        launch(fmt::format("--scene default --seed 7 --paused --no-ui --width 320 --height 240 "
                           "--shot-dir {} --export-dir {}",
                           dir.string(), exported.string()),
               dir);
    ASSERT_FALSE(window.empty()) << readText(mLog);
    shot(window, dir, 0);  // the window is up and has drawn
    keys(window, "n ctrl+e");
    EXPECT_TRUE(waitForFile(exported / "dataset.json", std::chrono::seconds(120)))
        << readText(mLog);
    keys(window, "Escape");
    EXPECT_EQ(waitExit(), 0) << readText(mLog);

    const fs::path generated = dir / "generated";
    ASSERT_EQ(shell(fmt::format("{} generate --scene default --seed 8 --clips 1 --out {} -q "
                                ">/dev/null 2>&1",
                                kSilt, generated.string())),
              0);
    const std::string clip = "clips/clip_000000/clip.json";
    const std::string expected = readText(generated / clip);
    ASSERT_FALSE(expected.empty());
    EXPECT_EQ(readText(exported / clip), expected);
    EXPECT_EQ(shell(fmt::format("{} validate {} >/dev/null 2>&1", kSilt, exported.string())), 0);
    EXPECT_NE(readText(mLog).find("exported clip 0 of seed 8"), std::string::npos)
        << readText(mLog);
}

}  // namespace
