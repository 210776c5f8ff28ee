// Bochs-VBE display adapters (QEMU 7.2 hw/display/vga-pci.c: VGA, secondary-vga; hw/display/bochs-display.c).
// All put their framebuffer in a 32-bit prefetchable BAR 0 and their registers in a 4 KiB BAR 2.

#include <algorithm>

#include "devices/device_families.hpp"
#include "devices/pci_ids.hpp"

namespace aperture {

namespace {

// include/hw/pci/pci.h: PCI_DEVICE_ID_QEMU_VGA (all three share it)
constexpr std::uint16_t kQemuVgaDeviceId = 0x1111;
// include/hw/display/bochs-vbe.h: PCI_VGA_MMIO_SIZE
constexpr u64 kVgaMmioSize = 0x1000;
constexpr int kFramebufferBar = 0;
constexpr int kMmioBar = 2;
// hw/display/bochs-display.c, bochs_display_realize: vgamem between 4 MiB and 256 MiB, rounded up
constexpr u64 kBochsMinVram = 4 * MiB;
constexpr u64 kBochsMaxVram = 256 * MiB;
constexpr u64 kBochsDefaultVram = 16 * MiB;

u64 vga_framebuffer_size(const DeviceProperties& properties) { return vga_common_vram_size(properties); }

PciFunctionSpec display_function(const char* driver, std::uint16_t class_code, u64 framebuffer, bool mmio) {
    PciFunctionSpec spec;
    spec.driver = driver;
    spec.vendor_id = pci_ids::kVendorQemu;
    spec.device_id = kQemuVgaDeviceId;
    spec.class_code = class_code;
    spec.bars.push_back(BarSpec::memory32(kFramebufferBar, framebuffer, Prefetchable::Yes));
    if (mmio) spec.bars.push_back(BarSpec::memory32(kMmioBar, kVgaMmioSize, Prefetchable::No));
    return spec;
}

PciFunctionSpec build_vga(const DeviceProperties& properties, const PlugContext&) {
    // hw/display/vga-pci.c: mmio=off drops BAR 2
    return display_function("VGA", pci_ids::kClassDisplayVga, vga_framebuffer_size(properties),
                            properties.boolean_or("mmio", true));
}

PciFunctionSpec build_secondary_vga(const DeviceProperties& properties, const PlugContext&) {
    return display_function("secondary-vga", pci_ids::kClassDisplayOther, vga_framebuffer_size(properties), true);
}

PciFunctionSpec build_bochs_display(const DeviceProperties& properties, const PlugContext&) {
    const u64 vgamem = properties.size("vgamem").value_or(kBochsDefaultVram);
    if (vgamem < kBochsMinVram) {
        properties.refuse("property 'vgamem' is below 4M", "bochs-display: video memory too small");
    }
    if (vgamem > kBochsMaxVram) {
        properties.refuse("property 'vgamem' is above 256M", "bochs-display: video memory too big");
    }
    return display_function("bochs-display", pci_ids::kClassDisplayOther, *power_of_two_ceil(vgamem), true);
}

const std::vector<std::string>& vbe_neutral_properties() {
    static const std::vector<std::string> names{
        "big-endian-framebuffer", "edid", "refresh_rate", "xmax", "xres", "ymax", "yres"};
    return names;
}

std::vector<std::string> with(const std::vector<std::string>& base, std::initializer_list<const char*> more) {
    std::vector<std::string> names = base;
    names.insert(names.end(), more.begin(), more.end());
    return names;
}

}  // namespace

std::vector<DeviceModel> device_families::vga_devices() {
    return {
        DeviceModel{
            .name = "VGA",
            .default_romfile = "vgabios-stdvga.bin",  // hw/display/vga-pci.c, vga_pci_class_init
            .layout_neutral_properties = with(vbe_neutral_properties(), {"global-vmstate", "qemu-extended-regs"}),
            .layout_properties = {"vgamem_mb", "mmio"},
            .build = build_vga,
        },
        DeviceModel{
            .name = "secondary-vga",
            .default_romfile = "",  // no VGA BIOS: it is never the boot display
            .layout_neutral_properties = with(vbe_neutral_properties(), {"qemu-extended-regs"}),
            .layout_properties = {"vgamem_mb"},
            .build = build_secondary_vga,
        },
        DeviceModel{
            .name = "bochs-display",
            .default_romfile = "vgabios-bochs-display.bin",  // hw/display/bochs-display.c, class_init
            .layout_neutral_properties = vbe_neutral_properties(),
            .layout_properties = {"vgamem"},
            .build = build_bochs_display,
        },
    };
}

}  // namespace aperture
