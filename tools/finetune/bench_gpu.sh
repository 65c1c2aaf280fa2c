#!/usr/bin/env bash
# Training throughput of the bundled video transformer on an NVIDIA GPU: builds the standalone
# fine-tuning project against a CUDA libtorch and runs silt-finetune-bench at a realistic size
# (8 blocks, width 384, 16 frames of 64×64, patch 4: 4096 tokens per clip) in fp32, TF32 and
# bf16 autocast, printing the card's name and one JSON line per mode.
#
#   tools/finetune/bench_gpu.sh [LIBTORCH_PREFIX] [extra bench flags…]
#
# LIBTORCH_PREFIX defaults to the libtorch of the python3 torch package
# (python3 -c 'import torch; print(torch.utils.cmake_prefix_path)'). Needs cmake, a C++20
# compiler, nlohmann_json (nlohmann-json3-dev, or SILT_JSON_INCLUDE=a folder holding
# nlohmann/json.hpp) and the CUDA toolkit that libtorch was built with. Builds with warnings as
# errors, so the libtorch 2.x paths (fused attention, autocast) are compile-checked too, and
# first checks the fused attention against the plain reference on the card.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
prefix="${1:-$(python3 -c 'import torch; print(torch.utils.cmake_prefix_path)')}"
shift || true
build="${SILT_FT_BUILD:-$here/../../build/ft-gpu}"
cmake -S "$here" -B "$build" -DCMAKE_BUILD_TYPE=Release -DSILT_WERROR=ON \
  -DCMAKE_PREFIX_PATH="$prefix" ${SILT_JSON_INCLUDE:+-DSILT_JSON_INCLUDE="$SILT_JSON_INCLUDE"} >/dev/null
cmake --build "$build" --target silt-finetune-bench -j "$(nproc)" >/dev/null
if command -v nvidia-smi >/dev/null; then
  nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader | sed 's/^/gpu: /'
fi
"$build/silt-finetune-bench" --device cuda --layers 8 --width 384 --heads 6 --frames 16 --size 64 \
  --patch 4 --batch 8 --steps 30 --warmup 5 --modes fp32,tf32,bf16 --check-attention 1 "$@"
