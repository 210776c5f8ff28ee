#pragma once
// OVMF as Debian ships it (a release of firmware/ovmf/ovmf_release.hpp; checked against Debian 12's ovmf
// 2022.11-6+deb12u2, OVMF_CODE_4M.fd): the PEI
// apertures (platform_windows.hpp), PciBusDxe's enumeration, bus numbering, hotplug padding from
// PciHotPlugInitDxe, the resource tree, PciHostBridgeDxe's bottom-up allocation, the rejection of the
// largest consumer when a window is too small, and the registers QMP query-pci reads afterwards.

#include "firmware/firmware_result.hpp"
#include "firmware/ovmf/ovmf_release.hpp"
#include "firmware/ovmf/platform_windows.hpp"
#include "machine/machine.hpp"

namespace aperture {

struct OvmfResult {
    FirmwareResult firmware;
    OvmfApertures apertures;
    // What the root bridge asked for in its first round, before anything was rejected: the 64-bit
    // window (length and alignment) that would have held every 64-bit resource.
    u64 mem64_request = 0;
    u64 mem64_request_alignment = 0;
    u64 mem32_request = 0;
};

OvmfResult run_ovmf(const Machine& machine, const OvmfRelease& release);

}  // namespace aperture
