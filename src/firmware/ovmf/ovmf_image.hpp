#pragma once
// Which modelled OVMF build a firmware image is, by the SHA-256 of the whole file against Debian's builds
// (ovmf_known_images.hpp): OVMF carries no version string a reader could find. Only ever reads the image.

#include <span>
#include <string>
#include <string_view>

#include "core/address.hpp"
#include "firmware/firmware_image_file.hpp"
#include "firmware/ovmf/ovmf_known_images.hpp"
#include "firmware/ovmf/ovmf_release.hpp"

namespace aperture {

// Debian's images are 2 MiB (OVMF_CODE.fd, Debian 12's OVMF.fd) to 4 MiB (OVMF_CODE_4M.fd, OVMF.fd since
// trixie), and QEMU maps at most 8 MiB of x86 flash (hw/i386/pc_sysfw.c FLASH_SIZE_LIMIT): a file over 64 MiB
// is no OVMF image, and is not read.
inline constexpr u64 kMaxOvmfImageSize = 64 * MiB;

// Recognised: the image is a build of `known`; TooLarge: larger than kMaxOvmfImageSize.
struct OvmfImage {
    FirmwareImageOutcome outcome = FirmwareImageOutcome::NotFound;
    const OvmfRelease* release = nullptr;       // Recognised: the release it is
    const KnownOvmfImage* known = nullptr;      // Recognised: the build (its file, package and SMM)
    std::string reason;                         // Unreadable: the system's words
};

// The row of `known` with this digest; nullptr when there is none.
const KnownOvmfImage* find_known_ovmf_image(std::string_view sha256, std::span<const KnownOvmfImage> known = kKnownOvmfImages);

// Opens `path` read-only (never blocking on a FIFO or device) and looks its digest up in `known`.
OvmfImage examine_ovmf_image(const std::string& path, std::span<const KnownOvmfImage> known = kKnownOvmfImages);

}  // namespace aperture
