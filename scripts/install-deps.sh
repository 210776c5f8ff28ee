#!/usr/bin/env bash
# Installs, from Debian 12's packages only, what is missing.
#   install-deps.sh          what building and running aperture needs: a C++20 compiler, CMake, four libraries
#                            and pci.ids (the names `aperture host` gives devices)
#   install-deps.sh --tests  also what the test suite needs: GoogleTest, Google Benchmark, Python with jsonschema
#                            (every JSON output is validated against docs/schema), the real
#                            QEMU + firmware the oracle boots, libvirt's virt-xml-validate with the xmllint it runs
#                            (the XML aperture writes must validate), libvirt's QEMU driver (virsh domxml-to-native
#                            runs it embedded, no daemon: tests/oracle/libvirt) and Chromium with ChromeDriver (the HTML map is tested in a browser),
#                            then the newer oracle stacks the tests boot (QEMU 10.0, SeaBIOS 1.16.3 and 1.17.0 from Debian's
#                            suites into the stacks cache: scripts/oracle-stacks.sh, no root needed for these),
#                            and clang with libFuzzer: the sanitized test tree is a clang build with the fuzz targets
#   install-deps.sh --fuzz   also clang with libFuzzer, for the fuzz targets (tests/fuzz, scripts/fuzz-campaign.sh)
#   install-deps.sh --package  also what CPack's Debian packages need (cd build && cpack): dpkg-shlibdeps and the
#                            `file` utility it runs, which a minimal Debian 12 lacks
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

tool_packages=(
  build-essential cmake
  libfmt-dev nlohmann-json3-dev libcli11-dev libpugixml-dev
  pci.ids
)
test_packages=(
  libgtest-dev libbenchmark-dev
  pkgconf
  python3 python3-jsonschema
  qemu-system-x86 seabios ovmf ipxe-qemu
  qemu-system-ppc                 # the pseries oracle: QEMU 7.2 ppc64 + SLOF (tests/oracle/pseries)
  libvirt-clients libvirt-daemon-driver-qemu libxml2-utils
  chromium chromium-driver
)
# Debian 12's clang 14 ships libFuzzer (libclang-rt-14-dev) with its sanitizer runtimes.
fuzz_packages=(clang libclang-rt-14-dev)
# CPackDeb runs `file` on every installed file and dpkg-shlibdeps (dpkg-dev) on the binaries.
package_packages=(file dpkg-dev)

packages=("${tool_packages[@]}")
case "${1:-}" in
  "") ;;
  --tests) packages+=("${test_packages[@]}" "${fuzz_packages[@]}" "${package_packages[@]}") ;;
  --fuzz) packages+=("${fuzz_packages[@]}") ;;
  --package) packages+=("${package_packages[@]}") ;;
  *) echo "install-deps: unknown argument '$1' (expected nothing, --tests, --fuzz or --package)" >&2; exit 2 ;;
esac

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: everything is installed"
else
  echo "install-deps: installing ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# The oracle's subsets of the newer stacks boot these (a stack already in the cache is kept).
if [ "${1:-}" = "--tests" ]; then
  "$here/oracle-stacks.sh" qemu-10.0 seabios-1.16.3 seabios-1.17.0 ovmf-2025.02
fi
