#pragma once
// Debian's OVMF builds by the SHA-256 of their images: an OVMF image is an LZMA-compressed firmware volume
// with no version string in it, so the build an image is can only be known from its digest. Every code image
// (OVMF_CODE.fd, OVMF_CODE_4M.fd and their .secboot / .secboot.strictnx variants) and the unified OVMF.fd
// of each package aperture has the binary of: Debian 12's ovmf (the system's, /usr/share/OVMF), trixie's
// ovmf and sid's ovmf-generic (the caches of scripts/oracle-stacks.sh). The links beside them
// (OVMF_CODE_4M.ms.fd, .snakeoil.fd) are these files. A unified OVMF.fd a VM has written its variables into
// no longer matches. Produced, and regenerated, by
//   scripts/ovmf-image-hashes.sh / ~/.cache/aperture/stacks/ovmf-2025.02/root ~/.cache/aperture/stacks/ovmf-2026.08/root

#include <array>
#include <string_view>

namespace aperture {

// Whether the build needs QEMU's SMM (-machine smm=on): Debian builds its .secboot images with
// SMM_REQUIRE=TRUE ("will abort if QEMU does not support SMM", README.Debian), the others without.
enum class OvmfSmm { NotRequired, Required };

struct KnownOvmfImage {
    std::string_view sha256;   // 64 lower-case hex digits, as sha256sum prints them
    std::string_view release;  // the kOvmfReleases name (firmware/ovmf/ovmf_release.hpp): "2022.11"
    std::string_view file;     // where the package installs it
    std::string_view package;  // the package and its version
    OvmfSmm smm;
};

inline constexpr std::array kKnownOvmfImages{
    KnownOvmfImage{"d9b568def24088c92f34b5479e0ed7e44d0a4d4cea8a0f5716719180bba48106",
                   "2022.11", "/usr/share/OVMF/OVMF_CODE.fd", "ovmf 2022.11-6+deb12u2", OvmfSmm::NotRequired},
    KnownOvmfImage{"6ee6a5db7a1443d17594f1e00e3cf2a2250bc1c95c8f9101bc49c9977ce11a68",
                   "2022.11", "/usr/share/OVMF/OVMF_CODE.secboot.fd", "ovmf 2022.11-6+deb12u2", OvmfSmm::Required},
    KnownOvmfImage{"b157d97b1f69729514feb7f201d2cbe4957f23ab77920e361fe9f822ba49ca4c",
                   "2022.11", "/usr/share/OVMF/OVMF_CODE_4M.fd", "ovmf 2022.11-6+deb12u2", OvmfSmm::NotRequired},
    KnownOvmfImage{"d50189a486d22af418198226a3a5bcb6ddac775590f6a808bd629474ee034d62",
                   "2022.11", "/usr/share/OVMF/OVMF_CODE_4M.secboot.fd", "ovmf 2022.11-6+deb12u2", OvmfSmm::Required},
    KnownOvmfImage{"7b456907dd0786d415999e801a1ac4637b8ed4d7cf5378cfc6edbe5e574dd773",
                   "2022.11", "/usr/share/ovmf/OVMF.fd", "ovmf 2022.11-6+deb12u2", OvmfSmm::NotRequired},
    KnownOvmfImage{"624e06de18b4fa535e90db7160d00d3d07d206422b89999bf1e27d920264e4e0",
                   "2025.02", "/usr/share/OVMF/OVMF_CODE_4M.fd", "ovmf 2025.02-8+deb13u1", OvmfSmm::NotRequired},
    KnownOvmfImage{"1a46295574430cfb7f825ee3e4dc64b052acbef08e310377ed7c64cb757a9dc1",
                   "2025.02", "/usr/share/OVMF/OVMF_CODE_4M.secboot.fd", "ovmf 2025.02-8+deb13u1", OvmfSmm::Required},
    KnownOvmfImage{"9ee9f2382e0c6aa95c87fed4131f9c1080a084d8ef7bff3d8b89147bf2a34b1b",
                   "2025.02", "/usr/share/OVMF/OVMF_CODE_4M.secboot.strictnx.fd", "ovmf 2025.02-8+deb13u1", OvmfSmm::Required},
    KnownOvmfImage{"14954040cc754ade0c625ac3470ea46d4c14318b5b1396de4ef77090203d76db",
                   "2025.02", "/usr/share/ovmf/OVMF.fd", "ovmf 2025.02-8+deb13u1", OvmfSmm::NotRequired},
    KnownOvmfImage{"7e34e3b83224968bb0714c0ebc88f75c5c37b4cc892c902e511ccc7a7c107f94",
                   "2026.08", "/usr/share/OVMF/OVMF_CODE_4M.fd", "ovmf-generic 2026.08+ds-2", OvmfSmm::NotRequired},
    KnownOvmfImage{"b3cdbd705066cdf2bb0c0b40b77c341dc2a19e0db56c9af0a54fa1737ff3ee5b",
                   "2026.08", "/usr/share/OVMF/OVMF_CODE_4M.secboot.fd", "ovmf-generic 2026.08+ds-2", OvmfSmm::Required},
    KnownOvmfImage{"6038b93ae5f86a57cae845e85b2c0382a778406a6e1547b09be1488feca58413",
                   "2026.08", "/usr/share/OVMF/OVMF_CODE_4M.secboot.strictnx.fd", "ovmf-generic 2026.08+ds-2", OvmfSmm::Required},
    KnownOvmfImage{"6a3e8f438ad7269f5dfd884647587b88391fb23965bb3aa7902b519438dba129",
                   "2026.08", "/usr/share/ovmf/OVMF.fd", "ovmf-generic 2026.08+ds-2", OvmfSmm::NotRequired},
};

}  // namespace aperture
