#pragma once
// The safetensors file format, written and read here (no third-party reader): an 8-byte
// little-endian header length N, N bytes of JSON mapping each tensor name to
// {"dtype", "shape", "data_offsets": [begin, end]} (offsets relative to the end of the header,
// in name order, packed) plus an optional "__metadata__" object of strings, padded with spaces
// to a multiple of 8, then the raw little-endian tensor bytes. Any safetensors reader
// (Python's safetensors, Hugging Face tools) loads what this writes.

#include <filesystem>
#include <map>
#include <string>

#include <torch/types.h>

namespace silt::finetune {

using TensorMap = std::map<std::string, torch::Tensor>;

/// Writes `tensors` (any device; copied to CPU, made contiguous) atomically: to a temporary
/// sibling that is fsynced and renamed over `path`. Supported dtypes: F64, F32, F16, BF16,
/// I64, I32, I16, I8, U8, BOOL. Throws std::runtime_error naming the file on failure.
void saveSafetensors(const std::filesystem::path& path, const TensorMap& tensors,
                     const std::map<std::string, std::string>& metadata = {});

/// Reads every tensor of a safetensors file into CPU tensors. Throws std::runtime_error naming
/// the file and what is wrong (truncated, bad JSON, offsets outside the data, unknown dtype).
TensorMap loadSafetensors(const std::filesystem::path& path,
                          std::map<std::string, std::string>* metadata = nullptr);

/// Writes `bytes` to a temporary sibling of `path`, fsyncs it and renames it over `path`.
void writeFileAtomically(const std::filesystem::path& path, const std::string& bytes);

}  // namespace silt::finetune
