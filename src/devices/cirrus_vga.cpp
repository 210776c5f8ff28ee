// The Cirrus CLGD 5446 (QEMU hw/display/cirrus_vga.c): libvirt's default <video> model on hosts whose QEMU
// has it, and virt-manager's on old guests. Its BARs do not depend on vgamem_mb.

#include "devices/device_families.hpp"
#include "devices/pci_ids.hpp"

namespace aperture {

namespace {

// include/hw/pci/pci_ids.h: PCI_VENDOR_ID_CIRRUS, PCI_DEVICE_ID_CIRRUS_5446
constexpr std::uint16_t kVendorCirrus = 0x1013;
constexpr std::uint16_t kCirrus5446DeviceId = 0x00b8;
// pci_cirrus_vga_realize: "cirrus-pci-bar0" (framebuffer and bitblt) is 32 MiB whatever vgamem_mb says,
// the MMIO registers 4 KiB (CIRRUS_PNPMMIO_SIZE); measured on QEMU 7.2: 0:m32p:32M 1:m32:4K
constexpr u64 kCirrusBar0Size = 32 * MiB;
constexpr u64 kCirrusMmioSize = 0x1000;
// cirrus_init_common: the only video memory sizes the chip had
constexpr u32 kCirrusVgamemChoices[] = {4, 8, 16};

PciFunctionSpec build_cirrus_vga(const DeviceProperties& properties, const PlugContext&) {
    if (const auto vgamem = properties.uint32("vgamem_mb")) {
        bool valid = false;
        for (u32 choice : kCirrusVgamemChoices) valid = valid || *vgamem == choice;
        if (!valid) {
            properties.refuse("property 'vgamem_mb' must be 4, 8 or 16",
                              "Invalid cirrus_vga ram size '" + std::to_string(*vgamem) + "'");
        }
    }
    PciFunctionSpec spec;
    spec.driver = "cirrus-vga";
    spec.vendor_id = kVendorCirrus;
    spec.device_id = kCirrus5446DeviceId;
    spec.class_code = pci_ids::kClassDisplayVga;
    spec.bars.push_back(BarSpec::memory32(0, kCirrusBar0Size, Prefetchable::Yes));
    spec.bars.push_back(BarSpec::memory32(1, kCirrusMmioSize, Prefetchable::No));
    return spec;
}

}  // namespace

std::vector<DeviceModel> device_families::cirrus_devices() {
    return {
        DeviceModel{
            .name = "cirrus-vga",
            .default_romfile = "vgabios-cirrus.bin",  // cirrus_vga_class_init
            .layout_neutral_properties = {"blitter", "global-vmstate"},
            .layout_properties = {"vgamem_mb"},
            .build = build_cirrus_vga,
        },
    };
}

}  // namespace aperture
