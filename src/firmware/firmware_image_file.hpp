#pragma once
// Reading a firmware image the VM's description names (-bios, pflash unit 0, libvirt's <loader>), to tell
// which build it is: read-only, never blocking on a FIFO or a device, and never more than a bound, so a
// file larger than any image of that firmware is refused without being read.

#include <string>

#include "core/address.hpp"

namespace aperture {

// What examining an image found; each firmware's examiner (seabios_image.hpp, ovmf_image.hpp) gives one.
enum class FirmwareImageOutcome {
    Recognised,     // a modelled build
    NotRecognised,  // read, but no modelled build: one aperture does not model
    NotFound,       // no such file here
    Unreadable,     // exists, but cannot be read (the reason says why)
    TooLarge,       // larger than any image of this firmware: not read
};

struct FirmwareImageFile {
    // NotRecognised once read (the examiner then looks for a build in `bytes`); NotFound, Unreadable or
    // TooLarge when there are no bytes.
    FirmwareImageOutcome outcome = FirmwareImageOutcome::NotFound;
    std::string bytes;
    std::string reason;  // Unreadable: the system's words ("Is a directory")
};

// The whole of a regular file of at most `max_size` bytes.
FirmwareImageFile read_firmware_image(const std::string& path, u64 max_size);

}  // namespace aperture
