// VMware's paravirtual NIC vmxnet3 (QEMU hw/net/vmxnet3.c), libvirt's <interface><model type='vmxnet3'>.
// Its BARs do not depend on any property; on a PCIe bus it adds the Express capability, no BAR.

#include "devices/device_families.hpp"
#include "devices/pci_ids.hpp"

namespace aperture {

namespace {

// hw/net/vmxnet3.h: PCI_DEVICE_ID_VMWARE_VMXNET3
constexpr std::uint16_t kVmxnet3DeviceId = 0x07b0;
// hw/net/vmxnet3.c: VMXNET3_PT_REG_SIZE (BAR 0), VMXNET3_VD_REG_SIZE (BAR 1), VMXNET3_MSIX_BAR_SIZE (BAR 2);
// measured on QEMU 7.2 and 10.0: 0:m32:4K 1:m32:4K 2:m32:8K rom:256K
constexpr u64 kVmxnet3PtRegSize = 0x1000;
constexpr u64 kVmxnet3VdRegSize = 0x1000;
constexpr u64 kVmxnet3MsixBarSize = 0x2000;

PciFunctionSpec build_vmxnet3(const DeviceProperties&, const PlugContext&) {
    PciFunctionSpec spec;
    spec.driver = "vmxnet3";
    spec.vendor_id = pci_ids::kVendorVmware;
    spec.device_id = kVmxnet3DeviceId;
    spec.class_code = pci_ids::kClassNetworkEthernet;
    spec.bars.push_back(BarSpec::memory32(0, kVmxnet3PtRegSize, Prefetchable::No));
    spec.bars.push_back(BarSpec::memory32(1, kVmxnet3VdRegSize, Prefetchable::No));
    spec.bars.push_back(BarSpec::memory32(2, kVmxnet3MsixBarSize, Prefetchable::No));
    return spec;
}

}  // namespace

std::vector<DeviceModel> device_families::vmxnet3_devices() {
    return {
        DeviceModel{
            .name = "vmxnet3",
            .default_romfile = "efi-vmxnet3.rom",  // vmxnet3_class_init
            // DEFINE_NIC_PROPERTIES, the bootindex, and two compat switches that move capabilities only
            // (x-old-msi-offsets: the MSI capability's offset; x-disable-pcie: no Express capability)
            .layout_neutral_properties = {"bootindex", "mac", "netdev", "x-disable-pcie", "x-old-msi-offsets"},
            .layout_properties = {},
            .build = build_vmxnet3,
        },
    };
}

}  // namespace aperture
