#pragma once
// Trainer manifests: the files that let a video-model trainer read a Silt dataset as it is.
// All of them are rebuilt from the clips that are complete on disk (never from what a run
// meant to write), each written atomically, so a killed run never leaves a partial clip in
// any manifest and re-running yields byte-identical files. docs/dataset-format.md documents
// every file, the trainer it is for and the trainer's documented format.
//
//   videos/<clip>.mp4       the training videos, hard links to clips/<clip>/rgb.mp4 (copies
//                           where the filesystem cannot link); nothing else that a video
//                           loader would take for a video lives in videos/
//   videos/metadata.csv     Hugging Face `videofolder` / finetrainers: file_name,caption
//   videos.txt, prompts.txt CogVideoX / finetrainers two-file format, paths relative to the
//                           dataset folder, one clip per line in the same order
//   opensora.csv            Open-Sora: path,text,num_frames,height,width,aspect_ratio,
//                           resolution,fps
//   clips.jsonl             LTX-Video trainer and musubi-tuner: {"caption", "media_path",
//                           "video_path"} per line
//
// Thread-safety: functions here touch only the dataset folder given; do not run two writers
// on one folder at once.

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "silt/core/Result.h"

namespace silt::exporters {

/// What manifests need to know about one complete clip, read back from its clip.json.
struct ClipEntry {
    std::string name;          ///< folder name under clips/, also the WebDataset key
    std::string caption;       ///< clipCaption() of its metadata
    uint64_t clipIndex = 0;    ///< "clip_index"
    uint32_t frames = 0;       ///< frames in rgb.mp4
    uint32_t width = 0;        ///< pixels
    uint32_t height = 0;       ///< pixels
    uint32_t fps = 0;          ///< frames per second
    std::string metadataText;  ///< clip.json bytes, as committed
};

/// File names of the manifests, relative to the dataset folder.
inline constexpr std::string_view kVideoFolder = "videos";
inline constexpr std::string_view kVideoFolderMetadata = "videos/metadata.csv";
inline constexpr std::string_view kVideosTxt = "videos.txt";
inline constexpr std::string_view kPromptsTxt = "prompts.txt";
inline constexpr std::string_view kOpenSoraCsv = "opensora.csv";
inline constexpr std::string_view kClipsJsonl = "clips.jsonl";

/// The caption of a clip: its metadata's "caption" when it has one, otherwise a plain
/// sentence built from its objects and camera. The one place captions come from, so a
/// caption generator can replace it. Never empty, never contains a line break.
[[nodiscard]] std::string clipCaption(const nlohmann::json& clipMetadata);

/// The training video of a clip, relative to the dataset folder ("videos/clip_000000.mp4").
[[nodiscard]] std::string trainingVideoPath(const std::string& clipName);

/// Reads every complete clip's clip.json (listCompleteClips order); an unreadable or
/// incomplete clip.json is an Error naming the file and the missing key.
[[nodiscard]] Result<std::vector<ClipEntry>> readCompleteClips(
    const std::filesystem::path& datasetDir);

/// One CSV field as RFC 4180 writes it: quoted (with doubled quotes) when it holds a comma,
/// a quote, a line break or leading/trailing spaces.
[[nodiscard]] std::string csvField(std::string_view text);
/// `text` on one line without surrounding spaces (newlines and tabs become spaces): captions
/// and reasons go into line-based manifests and logs.
[[nodiscard]] std::string oneLine(std::string text);

/// Brings videos/ in line with `clips` (links added, replaced when the clip was rewritten,
/// stale ones removed) and writes every manifest above atomically.
[[nodiscard]] Status writeManifests(const std::filesystem::path& datasetDir,
                                    const std::vector<ClipEntry>& clips);

}  // namespace silt::exporters
