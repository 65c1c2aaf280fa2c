#!/usr/bin/env bash
# Installs every dependency Silt needs, from Debian 12 packages only.
# Idempotent: re-running it installs nothing new and exits quickly.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git
  libbullet-dev libbullet-extras-dev
  libopenvdb-dev libboost-iostreams-dev libtbb-dev libblosc-dev
  libvulkan-dev mesa-vulkan-drivers glslc glslang-tools vulkan-tools libmeshoptimizer-dev
  libassimp-dev
  libavcodec-dev libavformat-dev libavutil-dev libswscale-dev ffmpeg
  libgtest-dev libgmock-dev libbenchmark-dev python3-jsonschema
  libeigen3-dev nlohmann-json3-dev libfmt-dev libcli11-dev libxxhash-dev
  libzip-dev libstb-dev libpng-dev libcpp-httplib-dev libarchive-dev
  slurm-wlm munge
  libtorch-dev
  libglfw3-dev libimgui-dev xvfb xdotool
  chromium chromium-driver python3-selenium python3-numpy
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages already installed"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "install-deps: installing ${#missing[@]} packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
echo "install-deps: done"
