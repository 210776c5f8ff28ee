#pragma once
// The SeaBIOS releases aperture models, as data: each one's identity and the facts the model reads that
// a release may change. What every modelled release shares stays in firmware/seabios/seabios_layout.hpp.

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "core/address.hpp"
#include "firmware/firmware_release.hpp"

namespace aperture {

struct SeabiosRelease {
    FirmwareIdentity identity;
    // src/fw/dev-q35.h Q35_HOST_BRIDGE_PCIEXBAR_ADDR: SeaBIOS's own copy of QEMU's default ECAM base, which
    // it programs into the MCH and reserves in e820 (seabios_release.cpp pins it to QEMU's).
    u64 q35_pciexbar_addr;
};

inline constexpr std::array kSeabiosReleases{
    SeabiosRelease{{FirmwareKind::SeaBios, "1.16.2", "seabios-1.16.2", "SeaBIOS 1.16.2", "rel-1.16.2", "Debian 1.16.2-1"},
                   0xB000'0000},
};

// Debian 12's release: what aperture models unless asked for another.
const SeabiosRelease& default_seabios_release();
// "1.16.2"; nullptr for a release aperture does not model.
const SeabiosRelease* find_seabios_release(std::string_view name);
std::vector<std::string> seabios_release_names();

}  // namespace aperture
