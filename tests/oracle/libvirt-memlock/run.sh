#!/usr/bin/env bash
# One-off oracle for Debian 12's libvirt memlock formula: calls the real qemuDomainGetMemLockLimitBytes of
# libvirt 9.0.0-4+deb12u2 (an exported symbol of libvirt_driver_qemu.so) on hand-built virDomainDef
# structures (field offsets read from that build's disassembly, so only this exact build), and compares
# with aperture's libvirt_memlock_limit(input, 9.0.0) on the 19 qemumemlocktest cases and random ones.
# Needs the build in build/ and apt-get (Debian's registry). Not part of ctest.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
apt-get download libvirt0=9.0.0-4+deb12u2 libvirt-daemon-driver-qemu=9.0.0-4+deb12u2 >/dev/null 2>&1
for deb in *.deb; do dpkg-deb -x "$deb" x; done
lib=$work/x/usr/lib/x86_64-linux-gnu
gcc -O0 -o harness "$here/harness.c" -ldl
g++ -std=c++20 -I"$root/src" "$here/model.cpp" "$root/build/src/libaperture.a" -lfmt -o model
python3 "$here/cases.py" > cases.txt
LD_LIBRARY_PATH=$lib ./harness "$lib/libvirt.so.0" "$lib/libvirt/connection-driver/libvirt_driver_qemu.so" < cases.txt > real.txt
./model 9.0.0 < cases.txt > model.txt
if diff real.txt model.txt; then
    echo "$(wc -l < real.txt) passed, 0 failed"
else
    echo "0 passed, $(diff real.txt model.txt | grep -c '^<') failed"
    exit 1
fi
