#pragma once
// A pseries machine type ("pseries", "pseries-7.2", "pseries-2.12-sxxm") resolved against a QEMU release,
// and the per-version defaults that shape the address map. Each older machine type inherits the next
// newer one's class options and adds compat properties (hw/ppc/spapr.c spapr_machine_X_Y_class_options);
// only those that move a window or a DMA table are kept here.

#include <cstdint>
#include <string>
#include <vector>

#include "config/vm_spec.hpp"
#include "core/address.hpp"
#include "machine/spapr/qemu_release.hpp"

namespace aperture::spapr {

enum class PhbPlacementStyle {
    Legacy,    // pseries-2.7 and earlier: phb_placement_2_7, above RAM, 64 GiB apart
    NewStyle,  // pseries-2.8 and later: spapr_phb_placement, 32..64 TiB
};

// Defaults of the spapr-pci-host-bridge properties and machine class flags for one machine type.
struct PseriesDefaults {
    PhbPlacementStyle placement = PhbPlacementStyle::NewStyle;
    u64 mem_win_size = 0;     // spapr-pci-host-bridge mem_win_size
    u64 mem64_win_size = 0;   // spapr-pci-host-bridge mem64_win_size
    bool ddw = true;          // spapr-pci-host-bridge ddw
    u64 page_size_mask = 0;   // spapr-pci-host-bridge pgsz
    bool nvlink2_windows = false;  // the machine places GPU RAM / ATSD windows (pseries-4.1+, QEMU <= 8.1)
    bool dr_phb_enabled = true;    // PHB DR connectors exist (pseries-4.0+): a duplicate index fails in pre-plug
    bool linux_pci_probe = true;   // /chosen linux,pci-probe-only = 0 (pseries-4.2+): the guest may reassign BARs
    // The machine type's device compat properties that change what aperture models of a device (a BAR, its
    // IDs, its MSI-X vector count), in the order QEMU applies them (the newest hw_compat first).
    std::vector<GlobalSpec> device_compat;
};

struct PseriesMachineType {
    std::string name;        // "pseries-7.2" (the resolved name, never the alias)
    std::string written;     // as on the command line: "pseries"
    MachineVersion version;
    QemuRelease release = DEFAULT_RELEASE;
    PseriesDefaults defaults;
};

// Throws InputError with QEMU's own refusal when `written` is not a pseries type the release defines:
// "unsupported machine type" as vl.c says it.
PseriesMachineType resolve_pseries_machine(const std::string& written, QemuRelease release);

// True for "pseries" and "pseries-*": the command line asks for this machine.
bool is_pseries_machine_name(const std::string& written);

PseriesDefaults pseries_defaults(MachineVersion version, QemuRelease release);

// The device compat properties of pseries-<version> (PseriesDefaults::device_compat).
std::vector<GlobalSpec> pseries_device_compat(MachineVersion version, QemuRelease release);

}  // namespace aperture::spapr
