#pragma once
// The OVMF (edk2) releases aperture models, as data: each one's identity and the facts the model reads
// that a release may change. What every modelled release shares stays in firmware/ovmf/ovmf_layout.hpp.

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "core/address.hpp"
#include "firmware/firmware_release.hpp"

namespace aperture {

struct OvmfRelease {
    FirmwareIdentity identity;
    // OvmfPkg/OvmfPkgX64.dsc PcdPciExpressBaseAddress: OVMF's own copy of QEMU's default ECAM base; the
    // 32-bit window starts above it (ovmf_release.cpp pins it to QEMU's).
    u64 pci_express_base_address;
};

inline constexpr std::array kOvmfReleases{
    OvmfRelease{{FirmwareKind::Ovmf, "2022.11", "ovmf-edk2-stable202211", "OVMF edk2-stable202211 (Debian 2022.11)",
                 "edk2-stable202211", "Debian 2022.11-6+deb12u2"},
                0xB000'0000},
};

// Debian 12's release: what aperture models unless asked for another.
const OvmfRelease& default_ovmf_release();
// "2022.11"; nullptr for a release aperture does not model.
const OvmfRelease* find_ovmf_release(std::string_view name);
std::vector<std::string> ovmf_release_names();

}  // namespace aperture
