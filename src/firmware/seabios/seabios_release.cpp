#include "firmware/seabios/seabios_release.hpp"

#include <algorithm>

#include "firmware/seabios/seabios_layout.hpp"
#include "machine/qemu_x86_layout.hpp"

namespace aperture {

// SeaBIOS hard-codes the ECAM base QEMU's MCH defaults to; a release that disagreed would put the ECAM
// where QEMU's e820 and ACPI do not.
static_assert(std::ranges::all_of(kSeabiosReleases,
                                  [](const SeabiosRelease& r) { return r.q35_pciexbar_addr == qemu_x86::Q35_ECAM_START; }),
              "every modelled SeaBIOS release programs QEMU's default q35 ECAM base");

// seabios_layout.hpp's SMBIOS_TYPE0_LENGTH counts a 22-character VERSION: every modelled build's.
static_assert(std::ranges::all_of(kSeabiosReleases,
                                  [](const SeabiosRelease& r) { return r.build_version.size() == seabios::SMBIOS_TYPE0_VERSION_LENGTH; }),
              "the SMBIOS type 0 table SeaBIOS adds has the same length in every modelled build");

const SeabiosRelease& default_seabios_release() { return kSeabiosReleases.front(); }

const SeabiosRelease* find_seabios_release(std::string_view name) {
    for (const auto& release : kSeabiosReleases) {
        if (release.identity.name == name) return &release;
    }
    return nullptr;
}

std::vector<std::string> seabios_release_names() {
    std::vector<std::string> names;
    for (const auto& release : kSeabiosReleases) names.emplace_back(release.identity.name);
    return names;
}

}  // namespace aperture
