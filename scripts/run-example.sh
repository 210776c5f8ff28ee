#!/usr/bin/env bash
# README command 1: install what building and running need, build the tool (Release), and plan the bundled
# GPU-passthrough example. APERTURE_WERROR=ON in the environment makes warnings errors (CI sets it).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF -DAPERTURE_BENCHMARKS=OFF \
      -DAPERTURE_WERROR="${APERTURE_WERROR:-OFF}" > /dev/null
cmake --build build -j"$(nproc)" --target aperture
set +e
./build/aperture plan @examples/q35-gpu-passthrough.args
status=$?
set -e
# Exit 1 means "the plan predicts a failure": for the example that is a result, not an error.
[ "$status" -le 1 ]
