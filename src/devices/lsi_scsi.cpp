// The LSI 53C895A and 53C810 SCSI controllers (QEMU hw/scsi/lsi53c895a.c): libvirt's <controller
// type='scsi' model='lsilogic'>, its default SCSI model on x86 ("-device lsi", an alias of lsi53c895a).
// Their BARs do not depend on any property.

#include "devices/device_families.hpp"
#include "devices/pci_ids.hpp"

namespace aperture {

namespace {

// include/hw/pci/pci_ids.h: PCI_VENDOR_ID_LSI_LOGIC, PCI_DEVICE_ID_LSI_53C895A, PCI_DEVICE_ID_LSI_53C810
constexpr std::uint16_t kLsi53c895aDeviceId = 0x0012;
constexpr std::uint16_t kLsi53c810DeviceId = 0x0001;
// lsi_scsi_realize: "lsi-io" 256 bytes (BAR 0), "lsi-mmio" 0x400 (BAR 1), "lsi-ram" 0x2000 (BAR 2);
// measured on QEMU 7.2 and 10.0: 0:io:256 1:m32:1K 2:m32:8K, no ROM
constexpr u64 kLsiIoSize = 256;
constexpr u64 kLsiMmioSize = 0x400;
constexpr u64 kLsiRamSize = 0x2000;

DeviceModel lsi_model(const char* name, std::uint16_t device_id) {
    return DeviceModel{
        .name = name,
        .default_romfile = "",
        .layout_neutral_properties = {},
        .layout_properties = {},
        .build =
            [name, device_id](const DeviceProperties&, const PlugContext&) {
                PciFunctionSpec spec;
                spec.driver = name;
                spec.vendor_id = pci_ids::kVendorLsiLogic;
                spec.device_id = device_id;
                spec.class_code = pci_ids::kClassStorageScsi;
                spec.bars.push_back(BarSpec::io(0, kLsiIoSize));
                spec.bars.push_back(BarSpec::memory32(1, kLsiMmioSize, Prefetchable::No));
                spec.bars.push_back(BarSpec::memory32(2, kLsiRamSize, Prefetchable::No));
                return spec;
            },
    };
}

}  // namespace

std::vector<DeviceModel> device_families::lsi_scsi_devices() {
    return {lsi_model("lsi53c895a", kLsi53c895aDeviceId), lsi_model("lsi53c810", kLsi53c810DeviceId)};
}

}  // namespace aperture
