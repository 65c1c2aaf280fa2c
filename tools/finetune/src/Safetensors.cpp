#include "silt/finetune/Safetensors.h"

#include <fcntl.h>
#include <unistd.h>

#include <bit>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <torch/torch.h>
#include <nlohmann/json.hpp>

namespace silt::finetune {
namespace {

static_assert(std::endian::native == std::endian::little,
              "safetensors stores little-endian data; this writer copies host bytes");

struct DtypeName {
    torch::Dtype dtype;
    const char* name;
};
constexpr DtypeName kDtypes[] = {{torch::kFloat64, "F64"}, {torch::kFloat32, "F32"},
                                 {torch::kFloat16, "F16"}, {torch::kBFloat16, "BF16"},
                                 {torch::kInt64, "I64"},   {torch::kInt32, "I32"},
                                 {torch::kInt16, "I16"},   {torch::kInt8, "I8"},
                                 {torch::kUInt8, "U8"},    {torch::kBool, "BOOL"}};

const char* dtypeName(torch::Dtype dtype) {
    for (const DtypeName& d : kDtypes)
        if (d.dtype == dtype) return d.name;
    return nullptr;
}

std::runtime_error failure(const std::filesystem::path& path, const std::string& what) {
    return std::runtime_error(path.string() + ": " + what);
}

}  // namespace

void writeFileAtomically(const std::filesystem::path& path, const std::string& bytes) {
    std::filesystem::path temp = path;
    temp += ".tmp-" + std::to_string(::getpid());
    int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) throw failure(temp, std::string("cannot create: ") + std::strerror(errno));
    size_t written = 0;
    while (written < bytes.size()) {
        ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
        if (n < 0) {
            int error = errno;
            ::close(fd);
            std::filesystem::remove(temp);
            throw failure(temp, std::string("cannot write: ") + std::strerror(error));
        }
        written += size_t(n);
    }
    if (::fsync(fd) != 0 || ::close(fd) != 0) {
        std::filesystem::remove(temp);
        throw failure(temp, "cannot flush to disk");
    }
    std::error_code ec;
    std::filesystem::rename(temp, path, ec);
    if (ec) {
        std::filesystem::remove(temp);
        throw failure(path, "cannot rename into place: " + ec.message());
    }
}

void saveSafetensors(const std::filesystem::path& path, const TensorMap& tensors,
                     const std::map<std::string, std::string>& metadata) {
    nlohmann::json header = nlohmann::json::object();
    std::vector<torch::Tensor> cpu;
    size_t offset = 0;
    for (const auto& [name, tensor] : tensors) {
        if (name == "__metadata__") throw failure(path, "\"__metadata__\" is not a tensor name");
        const char* dtype = dtypeName(tensor.scalar_type());
        if (dtype == nullptr)
            throw failure(path, "tensor \"" + name + "\" has an unsupported dtype " +
                                    std::string(c10::toString(tensor.scalar_type())));
        torch::Tensor t = tensor.detach().to(torch::kCPU).contiguous();
        size_t bytes = size_t(t.numel()) * t.element_size();
        header[name] = {{"dtype", dtype},
                        {"shape", t.sizes().vec()},
                        {"data_offsets", {offset, offset + bytes}}};
        offset += bytes;
        cpu.push_back(t);
    }
    if (!metadata.empty()) header["__metadata__"] = metadata;
    std::string json = header.dump();
    json.append((8 - json.size() % 8) % 8, ' ');
    std::string file;
    file.reserve(8 + json.size() + offset);
    uint64_t length = json.size();
    file.append(reinterpret_cast<const char*>(&length), 8);
    file += json;
    for (const torch::Tensor& t : cpu)
        file.append(static_cast<const char*>(t.data_ptr()), size_t(t.numel()) * t.element_size());
    writeFileAtomically(path, file);
}

TensorMap loadSafetensors(const std::filesystem::path& path,
                          std::map<std::string, std::string>* metadata) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw failure(path, "cannot open for reading");
    std::stringstream buffer;
    buffer << in.rdbuf();
    const std::string file = buffer.str();
    if (file.size() < 8) throw failure(path, "truncated: shorter than the 8-byte header length");
    uint64_t length = 0;
    std::memcpy(&length, file.data(), 8);
    if (length > file.size() - 8)
        throw failure(path, "truncated: header length " + std::to_string(length) +
                                " exceeds the file size " + std::to_string(file.size()));
    nlohmann::json header =
        nlohmann::json::parse(file.begin() + 8, file.begin() + 8 + int64_t(length), nullptr, false);
    if (!header.is_object()) throw failure(path, "the header is not a JSON object");
    const size_t dataSize = file.size() - 8 - length;
    const char* data = file.data() + 8 + length;
    TensorMap tensors;
    for (const auto& [name, entry] : header.items()) {
        if (name == "__metadata__") {
            if (metadata != nullptr && entry.is_object())
                for (const auto& [key, value] : entry.items())
                    if (value.is_string()) (*metadata)[key] = value.get<std::string>();
            continue;
        }
        auto where = [&](const std::string& what) {
            return failure(path, "tensor \"" + name + "\": " + what);
        };
        if (!entry.is_object() || !entry.contains("dtype") || !entry.contains("shape") ||
            !entry.contains("data_offsets"))
            throw where("expected {\"dtype\", \"shape\", \"data_offsets\"}");
        std::string dtypeText = entry["dtype"].is_string() ? entry["dtype"].get<std::string>() : "";
        const DtypeName* dtype = nullptr;
        for (const DtypeName& d : kDtypes)
            if (dtypeText == d.name) dtype = &d;
        if (dtype == nullptr) throw where("unsupported dtype \"" + dtypeText + "\"");
        std::vector<int64_t> shape;
        std::array<uint64_t, 2> offsets{};
        try {
            shape = entry["shape"].get<std::vector<int64_t>>();
            auto o = entry["data_offsets"].get<std::vector<uint64_t>>();
            if (o.size() != 2) throw where("data_offsets must be [begin, end]");
            offsets = {o[0], o[1]};
        } catch (const nlohmann::json::exception&) {
            throw where("shape and data_offsets must be arrays of non-negative integers");
        }
        torch::Tensor t = torch::empty(shape, torch::TensorOptions().dtype(dtype->dtype));
        const size_t bytes = size_t(t.numel()) * t.element_size();
        if (offsets[0] > offsets[1] || offsets[1] > dataSize || offsets[1] - offsets[0] != bytes)
            throw where("data_offsets [" + std::to_string(offsets[0]) + ", " +
                        std::to_string(offsets[1]) + "] do not hold " + std::to_string(bytes) +
                        " bytes inside the " + std::to_string(dataSize) + "-byte data section");
        if (bytes > 0) std::memcpy(t.data_ptr(), data + offsets[0], bytes);
        tensors.emplace(name, std::move(t));
    }
    return tensors;
}

}  // namespace silt::finetune
