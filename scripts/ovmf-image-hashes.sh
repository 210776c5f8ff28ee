#!/usr/bin/env bash
# Prints the rows of src/firmware/ovmf/ovmf_known_images.hpp: the SHA-256 of every OVMF code image (and the
# unified OVMF.fd) a Debian ovmf / ovmf-generic package installs, with the release it is, the file and the
# package version. Symbolic links (OVMF_CODE_4M.ms.fd, .snakeoil.fd) are the images they point to: skipped.
#
#   scripts/ovmf-image-hashes.sh ROOT...
#
# ROOT is "/" for the system's package (its version from dpkg) or a stack of scripts/oracle-stacks.sh,
# DIR/ovmf-RELEASE/root, whose ../version names the package. The table today comes from
#   scripts/ovmf-image-hashes.sh / ~/.cache/aperture/stacks/ovmf-2025.02/root ~/.cache/aperture/stacks/ovmf-2026.08/root
set -euo pipefail
[ $# -gt 0 ] || { echo "ovmf-image-hashes: name at least one root (/ or a stack's root folder)" >&2; exit 2; }

for root in "$@"; do
  root="${root%/}"
  if [ -z "$root" ]; then
    package="$(dpkg-query -W -f='${Package} ${Version}\n' ovmf 2>/dev/null | head -n1)"
  else
    package="$(cat "$root/../version")"
  fi
  [ -n "$package" ] || { echo "ovmf-image-hashes: no ovmf package known for '${root:-/}'" >&2; exit 1; }
  version="${package#* }"
  # deb-version(7): the upstream part, without the revision and a +ds/+dfsg repack suffix.
  release="${version%-*}"
  release="${release%%[+~]*}"
  for file in "$root"/usr/share/OVMF/OVMF_CODE*.fd "$root"/usr/share/ovmf/OVMF.fd; do
    [ -f "$file" ] && [ ! -L "$file" ] || continue
    installed="${file#"$root"}"
    # Debian's README.Debian: the secboot images abort unless QEMU provides SMM.
    case "$installed" in *secboot*) smm="OvmfSmm::Required" ;; *) smm="OvmfSmm::NotRequired" ;; esac
    hash="$(sha256sum "$file" | cut -d' ' -f1)"
    printf '    KnownOvmfImage{"%s",\n                   "%s", "%s", "%s", %s},\n' \
      "$hash" "$release" "$installed" "$package" "$smm"
  done
done
