#include "silt/exporters/LabelFiles.h"

#include <fcntl.h>
#include <png.h>
#include <unistd.h>

#include <bit>
#include <cstring>
#include <numeric>
#include <regex>

#include <fmt/format.h>

#include "silt/core/FileAtomics.h"

namespace silt::exporters {
namespace {
namespace fs = std::filesystem;

static_assert(std::endian::native == std::endian::little,
              ".npy files are written as '<f4' straight from memory");

/// Writes a whole file and flushes it to disk before the clip folder is renamed into place.
Status writeFileSynced(const fs::path& path, std::span<const uint8_t> bytes) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return Error{fmt::format("{}: cannot create: {}", path.string(), strerror(errno))};
    size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
        if (n < 0) {
            if (errno == EINTR) continue;
            const int err = errno;
            ::close(fd);
            return Error{fmt::format("{}: cannot write: {}", path.string(), strerror(err))};
        }
        done += size_t(n);
    }
    const bool synced = ::fsync(fd) == 0;
    if (::close(fd) != 0 || !synced) {
        return Error{fmt::format("{}: cannot flush to disk", path.string())};
    }
    return {};
}

}  // namespace

Status writePng16(const fs::path& path, const ImageU16& image) {
    // libpng's simplified API: no setjmp reaches this C++ frame. A linear (16-bit) grey
    // image without alpha is written as stored, values unchanged.
    png_image png{};
    png.version = PNG_IMAGE_VERSION;
    png.width = image.width;
    png.height = image.height;
    png.format = PNG_FORMAT_LINEAR_Y;
    png_alloc_size_t size = 0;
    if (!png_image_write_to_memory(&png, nullptr, &size, 0, image.values.data(), 0, nullptr)) {
        return Error{fmt::format("{}: cannot encode a 16-bit PNG: {}", path.string(), png.message)};
    }
    std::vector<uint8_t> bytes(size);
    if (!png_image_write_to_memory(&png, bytes.data(), &size, 0, image.values.data(), 0, nullptr)) {
        return Error{fmt::format("{}: cannot encode a 16-bit PNG: {}", path.string(), png.message)};
    }
    bytes.resize(size);
    return writeFileSynced(path, bytes);
}

Result<ImageU16> readPng16(const fs::path& path) {
    Result<std::string> bytes = readFile(path);
    if (!bytes) return bytes.error();
    png_image png{};
    png.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_memory(&png, bytes->data(), bytes->size())) {
        return Error{fmt::format("{}: not a readable PNG: {}", path.string(), png.message)};
    }
    // Only Silt's own kind of file: grey, 16 bits, no alpha or palette (anything else would be
    // converted by libpng and stop being exact).
    if ((png.format & (PNG_FORMAT_FLAG_COLOR | PNG_FORMAT_FLAG_ALPHA | PNG_FORMAT_FLAG_COLORMAP)) !=
            0 ||
        (png.format & PNG_FORMAT_FLAG_LINEAR) == 0) {
        png_image_free(&png);
        return Error{fmt::format("{}: expected a 16-bit grayscale PNG, got format {:#x}",
                                 path.string(), png.format)};
    }
    png.format = PNG_FORMAT_LINEAR_Y;
    ImageU16 image(png.width, png.height);
    if (!png_image_finish_read(&png, nullptr, image.values.data(), 0, nullptr)) {
        return Error{fmt::format("{}: cannot decode: {}", path.string(), png.message)};
    }
    return image;
}

Status writeNpy(const fs::path& path, std::span<const float> values,
                const std::vector<size_t>& shape) {
    const size_t count =
        std::accumulate(shape.begin(), shape.end(), size_t{1}, std::multiplies<size_t>());
    if (count != values.size()) {
        return Error{
            fmt::format("{}: shape holds {} values, got {}", path.string(), count, values.size())};
    }
    std::string dims;
    for (size_t d : shape) dims += fmt::format("{}, ", d);
    if (shape.size() > 1) dims.resize(dims.size() - 2);  // (H, W); a 1-d shape keeps "(N,)"
    std::string header =
        fmt::format("{{'descr': '<f4', 'fortran_order': False, 'shape': ({}), }}", dims);
    // Format 1.0: magic (6) + version (2) + header length (2) + header, padded with spaces and
    // ended by '\n' so the data starts 64-byte aligned.
    const size_t total = (10 + header.size() + 1 + 63) / 64 * 64;
    header.append(total - 10 - header.size() - 1, ' ');
    header.push_back('\n');
    std::vector<uint8_t> bytes;
    bytes.reserve(total + values.size_bytes());
    const char magic[] = "\x93NUMPY\x01\x00";
    bytes.insert(bytes.end(), magic, magic + 8);
    bytes.push_back(uint8_t(header.size() & 0xff));
    bytes.push_back(uint8_t(header.size() >> 8));
    bytes.insert(bytes.end(), header.begin(), header.end());
    const auto* data = reinterpret_cast<const uint8_t*>(values.data());
    bytes.insert(bytes.end(), data, data + values.size_bytes());
    return writeFileSynced(path, bytes);
}

Result<NpyArray> readNpy(const fs::path& path) {
    Result<std::string> text = readFile(path);
    if (!text) return text.error();
    const std::string& bytes = *text;
    if (bytes.size() < 10 || bytes.compare(0, 6, "\x93NUMPY") != 0) {
        return Error{fmt::format("{}: not a .npy file (no \\x93NUMPY magic)", path.string())};
    }
    const auto major = uint8_t(bytes[6]);
    size_t headerLength = 0, headerStart = 0;
    if (major == 1) {
        headerLength = uint8_t(bytes[8]) | size_t(uint8_t(bytes[9])) << 8;
        headerStart = 10;
    } else if (major == 2 || major == 3) {
        if (bytes.size() < 12) return Error{fmt::format("{}: truncated header", path.string())};
        for (int i = 0; i < 4; ++i)
            headerLength |= size_t(uint8_t(bytes[size_t(8 + i)])) << (8 * i);
        headerStart = 12;
    } else {
        return Error{fmt::format("{}: unsupported .npy version {}", path.string(), major)};
    }
    if (headerStart + headerLength > bytes.size()) {
        return Error{fmt::format("{}: truncated header", path.string())};
    }
    const std::string header = bytes.substr(headerStart, headerLength);
    std::smatch m;
    if (!std::regex_search(header, m, std::regex("'descr':\\s*'([^']*)'")) || m[1] != "<f4") {
        return Error{fmt::format("{}: header 'descr': expected '<f4' (little-endian float32)",
                                 path.string())};
    }
    if (!std::regex_search(header, std::regex("'fortran_order':\\s*False"))) {
        return Error{fmt::format("{}: header 'fortran_order': expected False", path.string())};
    }
    if (!std::regex_search(header, m, std::regex("'shape':\\s*\\(([^)]*)\\)"))) {
        return Error{fmt::format("{}: header 'shape': expected a tuple", path.string())};
    }
    NpyArray array;
    const std::string dims = m[1];
    const std::regex number("\\d+");
    for (std::sregex_iterator it(dims.begin(), dims.end(), number), end; it != end; ++it) {
        array.shape.push_back(std::stoull(it->str()));
    }
    const size_t count = std::accumulate(array.shape.begin(), array.shape.end(), size_t{1},
                                         std::multiplies<size_t>());
    const size_t dataStart = headerStart + headerLength;
    if (bytes.size() - dataStart != count * sizeof(float)) {
        return Error{fmt::format("{}: expected {} bytes of data for shape ({}), got {}",
                                 path.string(), count * sizeof(float), dims,
                                 bytes.size() - dataStart)};
    }
    array.values.resize(count);
    std::memcpy(array.values.data(), bytes.data() + dataStart, count * sizeof(float));
    return array;
}

}  // namespace silt::exporters
