#!/usr/bin/env bash
# README command 1: install what building and running need, build the tool (Release), and plan the bundled
# GPU-passthrough example. APERTURE_WERROR=ON in the environment makes warnings errors (CI sets it).
#   run-example.sh [--install]   --install: then make the Debian packages (cpack) and install the tool's with
#                                apt-get, so `aperture` is on PATH (/usr/bin/aperture); aperture-dev stays in build/
set -euo pipefail
cd "$(dirname "$0")/.."
install_package=0
case "${1:-}" in
  "") ;;
  --install) install_package=1 ;;
  *) echo "run-example: unknown argument '$1' (expected nothing or --install)" >&2; exit 2 ;;
esac
if [ "$install_package" -eq 1 ]; then bash scripts/install-deps.sh --package; else bash scripts/install-deps.sh; fi
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF -DAPERTURE_BENCHMARKS=OFF \
      -DAPERTURE_WERROR="${APERTURE_WERROR:-OFF}" > /dev/null
cmake --build build -j"$(nproc)" --target aperture
set +e
./build/aperture plan @examples/q35-gpu-passthrough.args
status=$?
set -e
# Exit 1 means "the plan predicts a failure": for the example that is a result, not an error.
[ "$status" -le 1 ]
if [ "$install_package" -eq 1 ]; then
  (cd build && cpack > cpack.log) || { cat build/cpack.log >&2; exit 1; }
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      "$PWD"/build/aperture_*_"$(dpkg --print-architecture)".deb
  echo "run-example: installed $(command -v aperture) from $(ls build/aperture_*.deb); build/aperture-dev_*.deb has the library"
fi
