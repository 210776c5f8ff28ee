// The Realtek RTL8139 NIC (QEMU hw/net/rtl8139.c), libvirt's default model for an <interface> on `pc`.
// Its BARs do not depend on any property.

#include "devices/device_families.hpp"
#include "devices/pci_ids.hpp"

namespace aperture {

namespace {

// hw/net/rtl8139.c, pci_rtl8139_realize: one 256-byte register file, decoded through I/O BAR 0 and aliased by
// memory BAR 1 (measured with query-pci on QEMU 7.2 and 10.0: io 256 B, memory 256 B, ROM 256 KiB)
constexpr u64 kRtl8139RegisterSize = 0x100;
// include/hw/pci/pci_ids.h: PCI_DEVICE_ID_REALTEK_8139
constexpr std::uint16_t kRtl8139DeviceId = 0x8139;

PciFunctionSpec build_rtl8139(const DeviceProperties&, const PlugContext&) {
    PciFunctionSpec spec;
    spec.driver = "rtl8139";
    spec.vendor_id = pci_ids::kVendorRealtek;
    spec.device_id = kRtl8139DeviceId;
    spec.class_code = pci_ids::kClassNetworkEthernet;
    spec.bars.push_back(BarSpec::io(0, kRtl8139RegisterSize));
    spec.bars.push_back(BarSpec::memory32(1, kRtl8139RegisterSize, Prefetchable::No));
    return spec;
}

}  // namespace

std::vector<DeviceModel> device_families::rtl8139_devices() {
    return {
        DeviceModel{
            .name = "rtl8139",
            .default_romfile = "efi-rtl8139.rom",  // hw/net/rtl8139.c, rtl8139_class_init
            // DEFINE_NIC_PROPERTIES (mac, netdev) and the device's bootindex
            .layout_neutral_properties = {"bootindex", "mac", "netdev"},
            .layout_properties = {},
            .build = build_rtl8139,
        },
    };
}

}  // namespace aperture
