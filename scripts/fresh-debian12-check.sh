#!/usr/bin/env bash
# The fresh-machine check: builds a minimal Debian 12 root with debootstrap, copies this clone's HEAD into it, and
# runs README command 1 and then command 2 inside it with chroot, as a new user would on a fresh machine. Between
# the two, the .deb packages command 1's build makes (cpack) are installed with apt in a second fresh root, where
# the tool runs and examples/api builds against aperture-dev with find_package(aperture). Too slow
# for every CI run (debootstrap, the whole install, two builds and the suite): run it whenever the install steps
# change. Needs root. The Debian mirror and apt's acquire settings are this machine's own (/etc/apt).
#
#   bash scripts/fresh-debian12-check.sh [--packages-only] [WORKDIR]   (default /var/tmp/aperture-fresh; wiped first)
#
# --packages-only stops after the packages (command 1, cpack, the install and find_package in the second root):
# command 2 is what CI runs on every change, the packages are what it does not.
#
# Prints how long each command took and how many packages command 1 installed; logs land in WORKDIR.
set -euo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" -eq 0 ] || { echo "fresh-debian12-check: needs root (debootstrap and chroot)" >&2; exit 2; }
packages_only=0
if [ "${1:-}" = "--packages-only" ]; then packages_only=1; shift; fi
work="${1:-/var/tmp/aperture-fresh}"
root="$work/root"

mirror="$(awk '/^URIs:/ && $2 ~ /\/debian\/?$/ { print $2; exit }' /etc/apt/sources.list.d/*.sources 2>/dev/null || true)"
[ -n "$mirror" ] || mirror="$(awk '$1 == "deb" && $3 == "bookworm" { print $2; exit }' /etc/apt/sources.list 2>/dev/null || true)"
[ -n "$mirror" ] || { echo "fresh-debian12-check: no Debian bookworm mirror in /etc/apt" >&2; exit 2; }

command -v debootstrap >/dev/null || { apt-get update -qq && apt-get install -y -qq --no-install-recommends debootstrap; }

mounts=()
cleanup() {
  local i
  for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do umount -R -l "${mounts[$i]}" 2>/dev/null || true; done
}
trap cleanup EXIT

for m in dev proc sys; do umount -R -l "$root/$m" "$work/pkgroot/$m" 2>/dev/null || true; done
rm -rf "$work"
mkdir -p "$root"
echo "== debootstrap bookworm (minbase) from $mirror"
start=$SECONDS
debootstrap --variant=minbase bookworm "$root" "$mirror" > "$work/debootstrap.log" 2>&1 \
  || { tail -20 "$work/debootstrap.log" >&2; exit 1; }
echo "== debootstrap took $((SECONDS - start)) s"

# The same package sources and acquire settings as this machine (bookworm, bookworm-updates, security).
rm -f "$root/etc/apt/sources.list"
for f in /etc/apt/sources.list.d/*.sources; do cp "$f" "$root/etc/apt/sources.list.d/"; done
for f in /etc/apt/apt.conf.d/*; do
  grep -q "^Acquire::Check-Valid-Until\|^Acquire::Check-Date" "$f" 2>/dev/null && cp "$f" "$root/etc/apt/apt.conf.d/"
done
cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
# What a Debian installer writes and debootstrap does not: ChromeDriver reaches the browser as "localhost".
printf '127.0.0.1\tlocalhost\n::1\t\tlocalhost ip6-localhost ip6-loopback\n' > "$root/etc/hosts"
# The second root, for the packages: the same fresh system, nothing built in it.
pkgroot="$work/pkgroot"
cp -a "$root" "$pkgroot"

# /dev with what is mounted below it (/dev/pts, /dev/shm), as a booted machine has it.
for r in "$root" "$pkgroot"; do
  for m in dev proc sys; do
    mkdir -p "$r/$m"
    case "$m" in
      proc) mount -t proc proc "$r/proc" ;;
      sys) mount -t sysfs sysfs "$r/sys" ;;
      dev) mount --rbind /dev "$r/dev" && mount --make-rslave "$r/dev" ;;
    esac
    mounts+=("$r/$m")
  done
done

git clone -q --no-hardlinks . "$root/root/aperture"
in_root() { chroot "$root" /usr/bin/env -i HOME=/root PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 \
                   bash -c "cd /root/aperture && $1"; }

before=$(chroot "$root" dpkg-query -W -f='${Status}\n' | grep -c "install ok installed")
echo "== README command 1 in the fresh root"
start=$SECONDS
in_root "bash scripts/run-example.sh" > "$work/command1.log" 2>&1 && status=0 || status=$?
took1=$((SECONDS - start))
after=$(chroot "$root" dpkg-query -W -f='${Status}\n' | grep -c "install ok installed")
grep -A3 "^aperture plan: " "$work/command1.log" || true
echo "== command 1: exit $status in $took1 s; it installed $((after - before)) packages"
[ "$status" -eq 0 ] || { tail -30 "$work/command1.log" >&2; exit 1; }

echo "== the packages: cpack in the first root, apt-get install in the second"
in_root "bash scripts/install-deps.sh --package > /root/cpack.log 2>&1 && cd build && cpack >> /root/cpack.log 2>&1" || { tail -20 "$root/root/cpack.log" >&2; exit 1; }
mkdir -p "$pkgroot/root/debs" && cp "$root"/root/aperture/build/aperture*.deb "$pkgroot/root/debs/"
cp -a "$root/root/aperture/examples" "$pkgroot/root/examples"
in_pkgroot() { chroot "$pkgroot" /usr/bin/env -i HOME=/root PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 \
                      DEBIAN_FRONTEND=noninteractive bash -c "cd /root && $1"; }
start=$SECONDS
in_pkgroot "apt-get update -qq && apt-get install -y -qq --no-install-recommends ./debs/aperture_*.deb \
            && { aperture plan @/usr/share/doc/aperture/examples/q35-gpu-passthrough.args > plan.out || [ \$? -eq 1 ]; } && head -5 plan.out \
            && apt-get install -y -qq --no-install-recommends ./debs/aperture-dev_*.deb cmake g++ make pkgconf \
            && cmake -S examples/api -B build-api > /dev/null && cmake --build build-api > /dev/null \
            && build-api/plan_summary -machine q35 -m 4G > api.out && grep '^prediction: works' api.out \
            && g++ -o plan_summary_pc examples/api/plan_summary.cpp \$(pkg-config --cflags --libs aperture) \
            && ./plan_summary_pc -machine pc -m 2G > pc.out && grep '^prediction: works' pc.out" > "$work/packages.log" 2>&1 && status=0 || status=$?
cat "$work/packages.log" | grep -v "^Selecting\|^Preparing\|^Unpacking\|^Setting up\|^Processing" | tail -12
echo "== packages: exit $status in $((SECONDS - start)) s"
[ "$status" -eq 0 ] || { tail -30 "$work/packages.log" >&2; exit 1; }

if [ "$packages_only" -eq 1 ]; then
  echo "fresh-debian12-check: command 1 and the packages pass in a fresh Debian 12 root (command 2 not run)"
  exit 0
fi

echo "== README command 2 in the fresh root"
start=$SECONDS
in_root "bash scripts/test.sh" > "$work/command2.log" 2>&1 && status=0 || status=$?
took2=$((SECONDS - start))
grep -E "tests passed|tests failed" "$work/command2.log" || true
echo "== command 2: exit $status in $took2 s; it installed $(( $(chroot "$root" dpkg-query -W -f='${Status}\n' | grep -c "install ok installed") - after )) more packages"
[ "$status" -eq 0 ] || { tail -40 "$work/command2.log" >&2; exit 1; }
echo "fresh-debian12-check: both README commands pass in a fresh Debian 12 root"
