#pragma once
// `silt validate`: checks a dataset folder the way a trainer would find it, and lists every
// problem rather than stopping at the first.
//
// What it checks: every complete clip decodes (libavformat) as H.264 yuv420p with the frame
// count, size and frame rate its clip.json states; clip.json has one raw-frame hash per frame
// and every file it lists exists; the dataset card lists exactly the complete clips and no
// requested clip is missing; every manifest (Manifests.h) lists exactly the complete clips,
// with their captions and facts, and every file it names exists; videos/ holds nothing a
// video loader could take for an extra training video; every WebDataset shard holds, in key
// order, exactly the clip's clip.json, rgb.mp4 and caption bytes with fixed tar metadata.
// Colour frame hashes are of raw frames, so they cannot be recomputed from the lossy video;
// label channels are lossless, and their per-frame label_hashes are recomputed from the files.
// A dataset published with only its approved clips (its card has "review": {"approved_only":
// true}, Publish.h) must list exactly the clips accepted in its review files (ReviewLog.h),
// with their edited captions, instead of every complete clip.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace silt::exporters {

struct ValidationReport {
    uint32_t clipsChecked = 0;          ///< complete clips decoded
    std::vector<std::string> problems;  ///< one sentence each, naming the file
    [[nodiscard]] bool ok() const { return problems.empty(); }
};

/// Checks the dataset folder. Never throws for bad data: every finding is a problem.
[[nodiscard]] ValidationReport validateDataset(const std::filesystem::path& datasetDir);

/// Splits RFC 4180 CSV text into rows of fields (quoted fields, doubled quotes, line breaks
/// inside quotes, "\n" or "\r\n" row ends). Returns false on an unterminated quote.
[[nodiscard]] bool parseCsv(const std::string& text, std::vector<std::vector<std::string>>* rows);

}  // namespace silt::exporters
