#!/usr/bin/env bash
# Installs a built tree into a scratch prefix and uses it as a user and a program would: the installed tool
# plans the bundled example, examples/api builds against the installed package with find_package(aperture)
# and with pkg-config, and runs. Then the two .deb packages are built (what CPack needs comes from
# `install-deps.sh --package`, part of --tests) and their contents and dependencies checked (scripts/fresh-debian12-check.sh installs them in a fresh Debian 12 root).
#   check_install.sh BUILD_DIR WORK_DIR
set -euo pipefail
build="$(cd "$1" && pwd)"
work="$2"
src="$(cd "$(dirname "$0")/../.." && pwd)"
rm -rf "$work"
mkdir -p "$work"
prefix="$work/prefix"

fail() { echo "check_install: $*" >&2; exit 1; }

cmake --install "$build" --prefix "$prefix" > "$work/install.log"
for f in bin/aperture include/aperture/app/use_cases.hpp share/doc/aperture/README.md \
         share/doc/aperture/examples/q35-gpu-passthrough.args share/man/man1/aperture.1 \
         share/bash-completion/completions/aperture share/zsh/vendor-completions/_aperture \
         share/aperture/libvirt/aperture-qemu-hook; do
  [ -e "$prefix/$f" ] || fail "cmake --install did not install $f (log: $work/install.log)"
done
[ ! -e "$prefix/include/aperture/cli" ] || fail "the CLI's headers were installed"
config="$(find "$prefix" -name apertureConfig.cmake)"
[ -n "$config" ] || fail "no apertureConfig.cmake under $prefix"
pc="$(find "$prefix" -name aperture.pc)"
[ -n "$pc" ] || fail "no aperture.pc under $prefix"

# The installed tool plans the installed example (exit 0: it works, 1: it predicts a failure).
status=0
"$prefix/bin/aperture" plan "@$prefix/share/doc/aperture/examples/q35-gpu-passthrough.args" > "$work/plan.txt" || status=$?
[ "$status" -le 1 ] || fail "the installed aperture exited $status on the installed example"
grep -q "q35" "$work/plan.txt" || fail "the installed aperture's plan does not name q35: $work/plan.txt"

args=(-machine q35 -m 4G -device virtio-net-pci)
expect_plan() {
  local program="$1"
  local out="$work/$(basename "$program").out"
  "$program" "${args[@]}" > "$out" || fail "$program exited $? (output in $out)"
  grep -q '^prediction: works' "$out" || fail "$program did not predict 'works': $out"
  # The virtio NIC's BARs, read from the plan's plain-struct view with the addresses SeaBIOS gives them.
  grep -Eq '^  00:0[0-9a-f]\.0 virtio-net-pci BAR4 \[0x[0-9a-f]+, 0x[0-9a-f]+\]$' "$out" || fail "$program printed no BAR of the NIC: $out"
}

cmake -S "$src/examples/api" -B "$work/consumer" -DCMAKE_PREFIX_PATH="$prefix" > "$work/consumer-configure.log" \
  || fail "find_package(aperture) failed: $work/consumer-configure.log"
cmake --build "$work/consumer" > "$work/consumer-build.log" 2>&1 || fail "examples/api did not build: $work/consumer-build.log"
expect_plan "$work/consumer/plan_summary"

# shellcheck disable=SC2046
c++ -o "$work/plan_summary_pc" "$src/examples/api/plan_summary.cpp" \
    $(PKG_CONFIG_PATH="$(dirname "$pc")" pkg-config --cflags --libs aperture) 2> "$work/pc-build.log" \
  || fail "examples/api did not build with pkg-config: $work/pc-build.log"
expect_plan "$work/plan_summary_pc"

for tool in cpack dpkg-deb dpkg-shlibdeps file; do
  command -v "$tool" > /dev/null || fail "the packages need $tool: bash scripts/install-deps.sh --package"
done
{
  (cd "$work" && cpack --config "$build/CPackConfig.cmake" -B "$work/deb" > "$work/cpack.log" 2>&1) \
    || fail "cpack failed: $work/cpack.log"
  tool_deb="$(ls "$work"/deb/aperture_*.deb)"
  dev_deb="$(ls "$work"/deb/aperture-dev_*.deb)"
  dpkg-deb -c "$tool_deb" > "$work/tool-deb.list"
  dpkg-deb -c "$dev_deb" > "$work/dev-deb.list"
  grep -q '\./usr/bin/aperture$' "$work/tool-deb.list" || fail "$tool_deb has no /usr/bin/aperture"
  grep -q '\./usr/share/man/man1/aperture.1$' "$work/tool-deb.list" || fail "$tool_deb has no man page"
  grep -q '\./usr/share/bash-completion/completions/aperture$' "$work/tool-deb.list" || fail "$tool_deb has no bash completion"
  grep -q 'cmake/aperture/apertureConfig.cmake$' "$work/dev-deb.list" || fail "$dev_deb has no CMake package"
  depends="$(dpkg-deb -f "$tool_deb" Depends)"
  for lib in libfmt9 libpugixml1v5 libstdc++6; do
    [[ "$depends" == *"$lib"* ]] || fail "$tool_deb does not depend on $lib (Depends: $depends)"
  done
  echo "check_install: packages $(basename "$tool_deb") and $(basename "$dev_deb") (Depends: $depends)"
}
echo "check_install: installed, planned, and examples/api built with find_package and pkg-config"
