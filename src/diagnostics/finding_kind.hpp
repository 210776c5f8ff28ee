#pragma once
// What a finding is about. Code decides on the kind; its stable name ("host.phys-bits") is what the
// text and JSON reports print, so rewording a title never changes a decision.

#include <string_view>

namespace aperture {

enum class FindingKind {
    // x86 QEMU
    FirmwareAssignment,  // firmware.assignment: every BAR assigned (also Xen's hvmloader)
    Bar32Room,           // bar32.room: 32-bit-only BARs have room below 4 GiB
    GuestBarHeight,      // guest.bar-height: BARs high enough to trouble older guests
    OvmfPageTables,      // ovmf.page-tables: OVMF's identity map for the address width
    HostPhysBits,        // host.phys-bits: guest addresses within the host's width under EPT/NPT
    IommuWidth,          // iommu.width: guest RAM within the host IOMMU's address width
    IommuReserved,       // iommu.reserved: guest RAM clear of the IOMMU's reserved ranges
    HostMemlock,         // host.memlock: the locked-memory limit VFIO needs
    HotplugReservation,  // hotplug.reservation: room behind a port for a device attached later
    IgdPlacement,        // igd.placement: an Intel IGD's stolen memory and OpRegion
    // Xen
    XenToolstack,        // xen.toolstack
    XenHotplug,          // xen.hotplug
    XenIgdOpregion,      // xen.igd-opregion
    XenPhysBits,         // xen.phys-bits
    XenUnmodelled,       // xen.unmodelled
    // ppc64 pseries
    SpaprBarWindow,      // spapr.bar-window
    SpaprRamBelowPhbs,   // spapr.ram-below-phbs
    SpaprNvlink2,        // spapr.nvlink2
    SpaprNvlink2Host,    // spapr.nvlink2-host
    SpaprDdw,            // spapr.ddw
    QemuRefusal,         // qemu.refusal
};

// The stable id reports print: "firmware.assignment", "host.phys-bits", ...
std::string_view to_string(FindingKind kind);

// A finding about the host the VM runs on, so checked again on every migration target.
bool is_host_finding(FindingKind kind);

}  // namespace aperture
