#!/usr/bin/env bash
# The two entry points of the README:
#   tools/run.sh demo   install dependencies, build the release preset, generate out/demo/
#   tools/run.sh test   install dependencies, build the release preset, run the whole test suite
# Both are idempotent and safe to re-run.
set -euo pipefail
cd "$(dirname "$0")/.."

setup() {
  bash tools/install-deps.sh
  cmake --preset release
  cmake --build --preset release
}

case "${1:-}" in
  demo)
    setup
    build/release/bin/silt generate --out out/demo --clips 4 --seed 1
    ;;
  test)
    setup
    # Every test except the full-resolution validation sweeps labelled `slow`
    # (run those with: ctest --preset release -L slow).
    ctest --preset release -LE slow -j2
    ;;
  *)
    echo "usage: tools/run.sh demo|test" >&2
    exit 2
    ;;
esac
