#include "diagnostics/finding_kind.hpp"

namespace aperture {

std::string_view to_string(FindingKind kind) {
    switch (kind) {
        case FindingKind::FirmwareAssignment: return "firmware.assignment";
        case FindingKind::Bar32Room: return "bar32.room";
        case FindingKind::GuestBarHeight: return "guest.bar-height";
        case FindingKind::OvmfPageTables: return "ovmf.page-tables";
        case FindingKind::HostPhysBits: return "host.phys-bits";
        case FindingKind::IommuWidth: return "iommu.width";
        case FindingKind::IommuReserved: return "iommu.reserved";
        case FindingKind::HostMemlock: return "host.memlock";
        case FindingKind::HotplugReservation: return "hotplug.reservation";
        case FindingKind::IgdPlacement: return "igd.placement";
        case FindingKind::XenToolstack: return "xen.toolstack";
        case FindingKind::XenHotplug: return "xen.hotplug";
        case FindingKind::XenIgdOpregion: return "xen.igd-opregion";
        case FindingKind::XenPhysBits: return "xen.phys-bits";
        case FindingKind::XenUnmodelled: return "xen.unmodelled";
        case FindingKind::SpaprBarWindow: return "spapr.bar-window";
        case FindingKind::SpaprRamBelowPhbs: return "spapr.ram-below-phbs";
        case FindingKind::SpaprNvlink2: return "spapr.nvlink2";
        case FindingKind::SpaprNvlink2Host: return "spapr.nvlink2-host";
        case FindingKind::SpaprDdw: return "spapr.ddw";
        case FindingKind::QemuRefusal: return "qemu.refusal";
    }
    return "unknown";
}

bool is_host_finding(FindingKind kind) {
    switch (kind) {
        case FindingKind::HostPhysBits:
        case FindingKind::HostMemlock:
        case FindingKind::IommuWidth:
        case FindingKind::IommuReserved: return true;
        default: return false;
    }
}

}  // namespace aperture
