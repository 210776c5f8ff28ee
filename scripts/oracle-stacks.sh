#!/usr/bin/env bash
# Puts the real binaries of the stacks aperture models beside Debian 12's own QEMU 7.2 + SeaBIOS 1.16.2, from
# Debian's own suites through apt (never by hand), into a cache folder. Nothing is installed into the system.
#
#   scripts/oracle-stacks.sh [--cache DIR] [--print] STACK...      (STACK: all, or one of those below)
#
#   qemu-10.0        bookworm-backports' qemu-system-x86/-common/-data, unpacked with dpkg-deb -x: built for
#                    Debian 12, it runs here beside the system's 7.2
#   qemu-11.1        trixie-backports' qemu-system-x86 inside a minimal trixie root made with debootstrap (it needs
#                    Debian 13's libraries); run through that root's own dynamic loader, no chroot (needs root once)
#   seabios-1.16.3   trixie's seabios: bios-256k.bin is a plain file any QEMU boots with -bios
#   seabios-1.17.0   sid's seabios
#   ovmf-2025.02     trixie's ovmf (OVMF_CODE_4M.fd, OVMF_VARS_4M.fd)
#   ovmf-2026.08     sid's ovmf-generic and efi-shell-x64 (it has no built-in UEFI shell)
#
# DIR defaults to $APERTURE_STACKS_DIR, else ~/.cache/aperture/stacks. Each stack lands in DIR/STACK with a file
# `version` naming the package it came from; a stack already there is kept. --print prints, per stack, the
# shell words tests/oracle/stacks.py reads (it finds the binaries by itself; this is for people).
set -euo pipefail

cache="${APERTURE_STACKS_DIR:-$HOME/.cache/aperture/stacks}"
print=0
stacks=()
while [ $# -gt 0 ]; do
  case "$1" in
    --cache) cache="$2"; shift 2 ;;
    --print) print=1; shift ;;
    all) stacks+=(qemu-10.0 qemu-11.1 seabios-1.16.3 seabios-1.17.0 ovmf-2025.02 ovmf-2026.08); shift ;;
    qemu-10.0|qemu-11.1|seabios-1.16.3|seabios-1.17.0|ovmf-2025.02|ovmf-2026.08) stacks+=("$1"); shift ;;
    *) echo "oracle-stacks: unknown argument '$1' (expected all, qemu-10.0, qemu-11.1, seabios-1.16.3," \
            "seabios-1.17.0, ovmf-2025.02, ovmf-2026.08, --cache DIR or --print)" >&2; exit 2 ;;
  esac
done
[ ${#stacks[@]} -gt 0 ] || { echo "oracle-stacks: name at least one stack (or all)" >&2; exit 2; }
mkdir -p "$cache"
cache="$(cd "$cache" && pwd)"

# The Debian mirror this machine's apt already uses.
mirror="$(awk '/^URIs:/ && $2 ~ /\/debian\/?$/ { print $2; exit }' /etc/apt/sources.list.d/*.sources 2>/dev/null || true)"
[ -n "$mirror" ] || mirror="$(awk '$1 == "deb" && $2 ~ /\/debian\/?$/ { print $2; exit }' /etc/apt/sources.list 2>/dev/null || true)"
[ -n "$mirror" ] || mirror="http://deb.debian.org/debian"

# A private apt state for the newer suites: the system's package lists and pins stay untouched.
apt_dir="$cache/apt"
apt_opts=(-o "Dir::Etc::SourceList=$apt_dir/sources.list" -o "Dir::Etc::SourceParts=/dev/null"
          -o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache=$apt_dir/cache" -o "APT::Sandbox::User=root")
apt_ready=0
apt_update() {
  [ "$apt_ready" -eq 0 ] || return 0
  mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial"
  {
    echo "deb $mirror bookworm-backports main"
    echo "deb $mirror trixie main"
    echo "deb $mirror trixie-backports main"
    echo "deb $mirror sid main"
  } > "$apt_dir/sources.list"
  apt-get "${apt_opts[@]}" -qq update
  apt_ready=1
}

# download PACKAGE/SUITE... into DIR/debs, unpack into DIR/root; records the versions.
unpack() {
  local dir="$1"; shift
  apt_update
  rm -rf "$dir.tmp"; mkdir -p "$dir.tmp/debs" "$dir.tmp/root"
  (cd "$dir.tmp/debs" && apt-get "${apt_opts[@]}" -qq download "$@")
  local deb
  for deb in "$dir.tmp"/debs/*.deb; do
    dpkg-deb -x "$deb" "$dir.tmp/root"
    dpkg-deb -W --showformat='${Package} ${Version}\n' "$deb" >> "$dir.tmp/version"
  done
  rm -rf "$dir.tmp/debs" "$dir"
  mv "$dir.tmp" "$dir"
}

trixie_root() {
  local dir="$cache/qemu-11.1"
  [ "$(id -u)" -eq 0 ] || { echo "oracle-stacks: qemu-11.1 needs root once (debootstrap); run it with sudo" >&2; exit 2; }
  command -v debootstrap >/dev/null || { apt-get update -qq && apt-get install -y -qq --no-install-recommends debootstrap; }
  rm -rf "$dir.tmp"; mkdir -p "$dir.tmp"
  local root="$dir.tmp/root"
  echo "oracle-stacks: debootstrap trixie (minbase) from $mirror"
  debootstrap --variant=minbase trixie "$root" "$mirror" > "$dir.tmp/debootstrap.log" 2>&1 \
    || { tail -20 "$dir.tmp/debootstrap.log" >&2; exit 1; }
  echo "deb $mirror trixie main" > "$root/etc/apt/sources.list"
  echo "deb $mirror trixie-backports main" >> "$root/etc/apt/sources.list"
  cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
  # The postinst scripts need /proc; nothing else of the host is shared, and it is unmounted again.
  mount -t proc proc "$root/proc"
  trap 'umount -l "$root/proc" 2>/dev/null || true' EXIT
  chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive \
    sh -c 'apt-get update -qq && apt-get install -y -qq --no-install-recommends -t trixie-backports qemu-system-x86 seabios ipxe-qemu' \
    > "$dir.tmp/install.log" 2>&1 || { umount -l "$root/proc"; tail -20 "$dir.tmp/install.log" >&2; exit 1; }
  umount -l "$root/proc"; trap - EXIT
  chroot "$root" dpkg-query -W -f='${Package} ${Version}\n' qemu-system-x86 qemu-system-data seabios ipxe-qemu > "$dir.tmp/version"
  rm -rf "$root/var/cache/apt/archives"/*.deb "$dir"
  mv "$dir.tmp" "$dir"
}

for stack in "${stacks[@]}"; do
  dir="$cache/$stack"
  if [ ! -s "$dir/version" ]; then
    echo "oracle-stacks: fetching $stack into $dir"
    case "$stack" in
      qemu-10.0) unpack "$dir" qemu-system-x86/bookworm-backports qemu-system-common/bookworm-backports \
                                 qemu-system-data/bookworm-backports ;;
      qemu-11.1) trixie_root ;;
      seabios-1.16.3) unpack "$dir" seabios/trixie ;;
      seabios-1.17.0) unpack "$dir" seabios/sid ;;
      ovmf-2025.02) unpack "$dir" ovmf/trixie ;;
      ovmf-2026.08) unpack "$dir" ovmf-generic/sid efi-shell-x64/sid ;;  # no built-in shell: --memmap boots this one
    esac
  fi
  [ "$print" -eq 0 ] || echo "$stack: $(paste -sd';' "$dir/version") in $dir"
done
