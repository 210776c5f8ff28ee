#include "firmware/ovmf/ovmf_release.hpp"

#include <algorithm>

#include "machine/qemu_x86_layout.hpp"

namespace aperture {

// OVMF hard-codes the ECAM base QEMU's MCH defaults to (PlatformInitLib programs PCIEXBAR with it); a
// release that disagreed would start the 32-bit window somewhere else.
static_assert(std::ranges::all_of(kOvmfReleases,
                                  [](const OvmfRelease& r) { return r.pci_express_base_address == qemu_x86::Q35_ECAM_START; }),
              "every modelled OVMF release programs QEMU's default q35 ECAM base");

const OvmfRelease& default_ovmf_release() { return kOvmfReleases.front(); }

const OvmfRelease* find_ovmf_release(std::string_view name) {
    for (const auto& release : kOvmfReleases) {
        if (release.identity.name == name) return &release;
    }
    return nullptr;
}

std::vector<std::string> ovmf_release_names() {
    std::vector<std::string> names;
    for (const auto& release : kOvmfReleases) names.emplace_back(release.identity.name);
    return names;
}

}  // namespace aperture
