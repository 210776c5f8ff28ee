#!/usr/bin/env bash
# README command 1: install what is missing, build, and plan the bundled GPU-passthrough example.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF -DAPERTURE_BENCHMARKS=OFF > /dev/null
cmake --build build -j"$(nproc)"
set +e
./build/aperture plan @examples/q35-gpu-passthrough.args
status=$?
set -e
# Exit 1 means "the plan predicts a failure": for the example that is a result, not an error.
[ "$status" -le 1 ]
