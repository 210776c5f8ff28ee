#pragma once
// Which modelled SeaBIOS build a firmware image is: a SeaBIOS ROM carries its build's VERSION string
// (SeabiosRelease::build_version, "1.16.2-debian-1.16.2-1") verbatim, NUL-terminated, for the SMBIOS
// type 0 table (src/fw/biostables.c). Only ever reads the image.

#include <string>
#include <string_view>

#include "core/address.hpp"
#include "firmware/firmware_image_file.hpp"
#include "firmware/seabios/seabios_release.hpp"

namespace aperture {

// Debian's bios-256k.bin is 256 KiB and QEMU refuses firmware flash over 8 MiB (hw/i386/pc_sysfw.c
// FLASH_SIZE_LIMIT): a larger file is no SeaBIOS image, and is not read.
inline constexpr u64 kMaxSeabiosImageSize = 16 * MiB;

// Recognised: the image holds a modelled build's VERSION; TooLarge: larger than kMaxSeabiosImageSize.
struct SeabiosImage {
    FirmwareImageOutcome outcome = FirmwareImageOutcome::NotFound;
    const SeabiosRelease* release = nullptr;  // Recognised: the build it is
    std::string reason;                       // Unreadable: the system's words ("Is a directory")
};

// The modelled build whose VERSION string `bytes` holds as SeaBIOS stores it (a whole string, not the
// start of a longer version such as "...-10"); nullptr when none does.
const SeabiosRelease* seabios_release_in(std::string_view bytes);

// Opens `path` read-only (never blocking on a FIFO or device) and looks for every modelled build.
SeabiosImage examine_seabios_image(const std::string& path);

}  // namespace aperture
