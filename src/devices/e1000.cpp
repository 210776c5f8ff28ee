// Intel gigabit NICs: the 8254x family "e1000" (QEMU 7.2 hw/net/e1000.c) and the PCIe 82574L
// "e1000e" (hw/net/e1000e.c). Their BARs do not depend on any property.

#include "devices/device_families.hpp"
#include "devices/pci_ids.hpp"

namespace aperture {

namespace {

// hw/net/e1000.c: PNPMMIO_SIZE (BAR 0) and IOPORT_SIZE (BAR 1)
constexpr u64 kE1000MmioSize = 0x20000;
constexpr u64 kE1000IoSize = 0x40;
// hw/net/e1000x_regs.h: E1000_DEV_ID_82540EM, E1000_DEV_ID_82544GC_COPPER, E1000_DEV_ID_82545EM_COPPER
constexpr std::uint16_t kE1000DeviceId = 0x100e;
constexpr std::uint16_t kE1000_82544gcDeviceId = 0x100c;
constexpr std::uint16_t kE1000_82545emDeviceId = 0x100f;
// hw/net/e1000e.c: E1000E_MMIO_SIZE, E1000E_FLASH_SIZE, E1000E_IO_SIZE, E1000E_MSIX_SIZE (BARs 0..3)
constexpr u64 kE1000eMmioSize = 128 * KiB;
constexpr u64 kE1000eFlashSize = 128 * KiB;
constexpr u64 kE1000eIoSize = 32;
constexpr u64 kE1000eMsixSize = 16 * KiB;
// hw/net/e1000x_regs.h: E1000_DEV_ID_82574L
constexpr std::uint16_t kE1000eDeviceId = 0x10d3;

PciFunctionSpec e1000_function(const char* driver, std::uint16_t device_id) {
    PciFunctionSpec spec;
    spec.driver = driver;
    spec.vendor_id = pci_ids::kVendorIntel;
    spec.device_id = device_id;
    spec.class_code = pci_ids::kClassNetworkEthernet;
    spec.bars.push_back(BarSpec::memory32(0, kE1000MmioSize, Prefetchable::No));
    spec.bars.push_back(BarSpec::io(1, kE1000IoSize));
    return spec;
}

PciFunctionSpec build_e1000e(const DeviceProperties&, const PlugContext&) {
    PciFunctionSpec spec;
    spec.driver = "e1000e";
    spec.vendor_id = pci_ids::kVendorIntel;
    spec.device_id = kE1000eDeviceId;
    spec.class_code = pci_ids::kClassNetworkEthernet;
    spec.bars.push_back(BarSpec::memory32(0, kE1000eMmioSize, Prefetchable::No));
    spec.bars.push_back(BarSpec::memory32(1, kE1000eFlashSize, Prefetchable::No));
    spec.bars.push_back(BarSpec::io(2, kE1000eIoSize));
    spec.bars.push_back(BarSpec::memory32(3, kE1000eMsixSize, Prefetchable::No));
    return spec;
}

DeviceModel e1000_model(const char* name, std::uint16_t device_id) {
    return DeviceModel{
        .name = name,
        // hw/net/e1000.c, e1000_class_init: every variant loads efi-e1000.rom
        .default_romfile = "efi-e1000.rom",
        .layout_neutral_properties = {"autonegotiation", "bootindex", "extra_mac_registers", "init-vet", "mac",
                                      "migrate_tso_props", "mitigation", "netdev"},
        .layout_properties = {},
        .build = [name, device_id](const DeviceProperties&,
                                   const PlugContext&) { return e1000_function(name, device_id); },
    };
}

}  // namespace

std::vector<DeviceModel> device_families::e1000_devices() {
    return {
        e1000_model("e1000", kE1000DeviceId),
        e1000_model("e1000-82544gc", kE1000_82544gcDeviceId),
        e1000_model("e1000-82545em", kE1000_82545emDeviceId),
        DeviceModel{
            .name = "e1000e",
            .default_romfile = "efi-e1000e.rom",  // hw/net/e1000e.c, e1000e_class_init
            .layout_neutral_properties = {"bootindex", "disable_vnet_hdr", "init-vet", "mac", "netdev", "subsys",
                                          "subsys_ven"},
            .layout_properties = {},
            .build = build_e1000e,
        },
    };
}

}  // namespace aperture
