#pragma once
// The QEMU releases whose pseries machine aperture models. The PHB placement, DMA window and SLOF facts
// are the same in all three (read in 7.1.0, 8.1.2 and 8.2.0); they differ in the machine types they
// define and in NVLink2, which 8.2 removed (merge 6a0eddb34a64, "Support for NVIDIA V100 GPU with
// NVLink2 is dropped from qemu-ppc").

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace aperture::spapr {

enum class QemuRelease { V7_2, V8_1, V8_2 };

inline constexpr QemuRelease DEFAULT_RELEASE = QemuRelease::V7_2;  // what Debian 12 ships (1:7.2+dfsg)

struct MachineVersion {
    int major = 0;
    int minor = 0;
    friend auto operator<=>(const MachineVersion&, const MachineVersion&) = default;
};

struct ReleaseInfo {
    QemuRelease release;
    std::string_view name;          // "7.2"
    std::string_view model_name;    // "qemu-7.2": the report's hypervisor model
    MachineVersion latest_machine;  // what "pseries" is an alias of (DEFINE_SPAPR_MACHINE(..., true))
    bool has_nvlink2;               // hw/ppc/spapr_pci_nvlink2.c compiled in (4.1 through 8.1)
    // hw/core/machine.c hw_compat_5_2 { "nvme", "msix-exclusive-bar", "on" }: upstream 9.0, backported to the
    // 7.2.11+ stable releases (Debian 12's 7.2.22 has it); 8.1.2 and 8.2.0, as modelled, do not.
    bool nvme_msix_exclusive_bar_compat;
};

const ReleaseInfo& release_info(QemuRelease release);
// "7.2", "8.1", "8.2"; nullopt for anything else.
std::optional<QemuRelease> parse_release(std::string_view text);
std::vector<std::string> release_names();

// hw/ppc/spapr.c: the oldest pseries machine type every modelled release still defines (DEFINE_SPAPR_MACHINE(2_1)).
inline constexpr MachineVersion OLDEST_MACHINE{2, 1};

}  // namespace aperture::spapr
