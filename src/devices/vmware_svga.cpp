// The VMware SVGA II adapter (QEMU hw/display/vmware_vga.c): libvirt's <video><model type='vmvga'> and
// -vga vmware. Its framebuffer BAR follows vgamem_mb as the standard VGA's does.

#include "devices/device_families.hpp"
#include "devices/pci_ids.hpp"

namespace aperture {

namespace {

// include/hw/pci/pci_ids.h: PCI_DEVICE_ID_VMWARE_SVGA2
constexpr std::uint16_t kVmwareSvga2DeviceId = 0x0405;
// pci_vmsvga_realize: "vmsvga-io" 0x10 bytes (BAR 0), the VGA memory (BAR 1, prefetchable) and the
// command FIFO, SVGA_FIFO_SIZE (BAR 2, prefetchable); measured on QEMU 7.2 and 10.0:
// 0:io:16 1:m32p:16M 2:m32p:64K rom:64K, and BAR 1 = vgamem_mb clamped to 1..512 MiB, rounded up
constexpr u64 kSvgaIoSize = 0x10;
constexpr u64 kSvgaFifoSize = 0x10000;

PciFunctionSpec build_vmware_svga(const DeviceProperties& properties, const PlugContext&) {
    PciFunctionSpec spec;
    spec.driver = "vmware-svga";
    spec.vendor_id = pci_ids::kVendorVmware;
    spec.device_id = kVmwareSvga2DeviceId;
    spec.class_code = pci_ids::kClassDisplayVga;
    spec.bars.push_back(BarSpec::io(0, kSvgaIoSize));
    spec.bars.push_back(BarSpec::memory32(1, vga_common_vram_size(properties), Prefetchable::Yes));
    spec.bars.push_back(BarSpec::memory32(2, kSvgaFifoSize, Prefetchable::Yes));
    return spec;
}

}  // namespace

std::vector<DeviceModel> device_families::vmware_svga_devices() {
    return {
        DeviceModel{
            .name = "vmware-svga",
            .default_romfile = "vgabios-vmware.bin",  // vmsvga_class_init
            .layout_neutral_properties = {"global-vmstate"},
            .layout_properties = {"vgamem_mb"},
            .build = build_vmware_svga,
        },
    };
}

}  // namespace aperture
