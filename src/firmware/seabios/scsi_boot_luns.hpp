#pragma once
// The SCSI devices QEMU puts on a SCSI controller, and which of them SeaBIOS's scsi_drive_setup
// (src/hw/blockcmd.c) registers as a drive: what decides whether a SCSI driver keeps its ZoneHigh memory
// (virtio-scsi frees its queue when no LUN of its target scan registers, src/hw/virtio-scsi.c).

#include <vector>

#include "machine/machine.hpp"

namespace aperture::seabios {

enum class ScsiLunOutcome {
    Registered,  // scsi-cd (any medium or none: a CD-ROM is registered without a capacity check), scsi-hd with 512-byte blocks
    Rejected,    // scsi-hd with another block size: "unsupported block size"
};

struct ScsiLun {
    const DeviceSpec* device = nullptr;
    ScsiLunOutcome outcome = ScsiLunOutcome::Registered;
};

// The scsi-* devices on `controller`'s bus (bus=<id>.0, or no bus= when it is the machine's only SCSI
// controller), in command-line order. Throws UnsupportedError for a passed-through SCSI device
// (scsi-generic, scsi-block: what it answers is the host's) or a scsi-* device without bus= while
// several SCSI controllers could take it.
std::vector<ScsiLun> scsi_luns_on(const Machine& machine, const PciNode& controller);

}  // namespace aperture::seabios
