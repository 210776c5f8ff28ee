#include "firmware/ovmf/ovmf_release.hpp"

#include <algorithm>

#include "machine/qemu_x86_layout.hpp"

namespace aperture {

// OVMF programs the MCH's PCIEXBAR itself: before 202305 with QEMU's own default, after it above the 32-bit
// window, where the window's end depends on it.
static_assert(std::ranges::all_of(kOvmfReleases,
                                  [](const OvmfRelease& r) {
                                      return r.q35_mmio32 == OvmfQ35Mmio32::AboveEcam ? r.pci_express_base_address == qemu_x86::Q35_ECAM_START
                                                                                      : r.pci_express_base_address == 0xE000'0000;
                                  }),
              "an OVMF release's ECAM base goes with its q35 32-bit window rule");

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
