#!/usr/bin/env bash
# README command 2: install what is missing, build with warnings as errors, and pass the whole test suite: unit
# and golden tests, the bounded real-QEMU oracle subset, then the same suite under AddressSanitizer + UBSan.
# The first build is the Release build command 1 makes, so after command 1 only the tests are compiled.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh --tests
jobs="$(nproc)"

cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=ON -DAPERTURE_BENCHMARKS=ON \
      -DAPERTURE_WERROR=ON > /dev/null
cmake --build build -j"$jobs"
ctest --test-dir build --output-on-failure -j"$jobs"

# The sanitized tree is clang's: libFuzzer comes with it, so the same build runs the suite under ASan + UBSan and
# gives each fuzz target a short fixed run over its corpus and regressions (tests/fuzz). A tree configured
# with another compiler before is made afresh: CMake cannot switch compilers in place.
if [ -f build-asan/CMakeCache.txt ] && ! grep -q '^CMAKE_CXX_COMPILER:.*clang' build-asan/CMakeCache.txt; then
  rm -rf build-asan
fi
# Line tables are all a sanitizer report needs to name file and line; full debug information would cost
# build time for nothing the suite reads.
cmake -S . -B build-asan -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG=-gline-tables-only \
      -DAPERTURE_FUZZ=ON -DAPERTURE_BENCHMARKS=OFF -DAPERTURE_ORACLE_TESTS=OFF -DAPERTURE_WERROR=ON > /dev/null
cmake --build build-asan -j"$jobs"
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ctest --test-dir build-asan --output-on-failure -j"$jobs"
