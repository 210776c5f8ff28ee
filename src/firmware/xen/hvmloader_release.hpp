#pragma once
// The hvmloader releases aperture models. tools/firmware/hvmloader/pci.c changed twice in ways that move
// BARs: commit 57acad12a0 ("hvmloader/PCI: skip huge BARs in certain calculations", Xen 4.19.0,
// backported as 1e9808227c to 4.17.4 and so in Debian 12's 4.17.7) sends 64-bit BARs over 1 GiB above
// RAM unconditionally; commit 22650d6054 (Xen 4.21.0) can put the Xen platform device's BAR at the top
// of the low hole (xen_platform_pci_bar_uc=0), and 19ab8356ab (4.21.0) removed qemu-xen-traditional.
// pci.c is identical at 4.17.0-4.17.3 and 4.18.0; at 4.17.4-4.17.7, 4.18.1-4.18.6, 4.19.x and 4.20.x;
// and at 4.21.x and 4.22.0.

#include <optional>
#include <string>
#include <vector>

namespace aperture {

enum class HvmloaderRelease {
    Xen4_17_0,  // RELEASE-4.17.0 (also 4.17.1-4.17.3, 4.18.0)
    Xen4_17_7,  // RELEASE-4.17.7, Debian 12's xen 4.17.7+13 (also 4.17.4+, 4.18.1+, 4.19.x, 4.20.x)
    Xen4_22_0,  // RELEASE-4.22.0, the newest release (also 4.21.x)
};

inline constexpr HvmloaderRelease kDefaultHvmloaderRelease = HvmloaderRelease::Xen4_17_7;

std::string model_name(HvmloaderRelease release);   // "hvmloader-4.17.7"
std::string release_tag(HvmloaderRelease release);  // "RELEASE-4.17.7"
// "4.17.0", "4.17", "4.17.7", "4.22", "hvmloader-4.22.0", or any release 4.17.0-4.22.0 ("4.19.2"), mapped
// to the model whose pci.c it has; nullopt for anything else.
std::optional<HvmloaderRelease> parse_hvmloader_release(const std::string& text);
std::vector<std::string> hvmloader_release_names();

// 64-bit BARs over BAR_RELOC_THRESH always go above 4 GiB and leave mmio_total (pci.c).
bool relocates_huge_bars(HvmloaderRelease release);
// xen_platform_pci_bar_uc=0 places the platform device's BAR at the top of the low hole (pci.c).
bool places_platform_bar_at_top(HvmloaderRelease release);
// libxl still starts qemu-xen-traditional.
bool supports_qemu_traditional(HvmloaderRelease release);

}  // namespace aperture
