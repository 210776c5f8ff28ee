// QXL paravirtual display (QEMU 7.2 hw/display/qxl.c): `qxl-vga`, virt-manager's and libvirt's video on many
// hosts, and the secondary `qxl`. Every size below was measured with query-pci on QEMU 7.2.

#include <algorithm>

#include "devices/device_families.hpp"
#include "devices/pci_ids.hpp"

namespace aperture {

namespace {

// include/hw/pci/pci.h: PCI_DEVICE_ID_QXL (vendor Red Hat)
constexpr std::uint16_t kQxlDeviceId = 0x0100;
// hw/display/qxl.h: QXL_RAM_RANGE_INDEX .. QXL_VRAM64_RANGE_INDEX
constexpr int kRamBar = 0;
constexpr int kVram32Bar = 1;
constexpr int kRomBar = 2;
constexpr int kIoBar = 3;
constexpr int kVram64Bar = 4;
// hw/display/qxl.c, qxl_rom_size: the mode table fits one 8 KiB BAR
constexpr u64 kRomSize = 8 * KiB;
// qxl_properties defaults: ram_size and vram_size 64 MiB, vgamem_mb 16, revision 4 (QXL_DEFAULT_REVISION)
constexpr u64 kDefaultRam = 64 * MiB;
constexpr u64 kDefaultVram32 = 64 * MiB;
constexpr u64 kDefaultVgamemMiB = 16;
constexpr std::uint32_t kDefaultRevision = 4;
// qxl_init_ramsize: vgamem_mb clamped to 8..256; BAR 1 at least a page
constexpr u64 kVgamemMinMiB = 8;
constexpr u64 kVgamemMaxMiB = 256;
constexpr u64 kVram32Min = 4 * KiB;
// vga_common_init caps the VGA RAM (BAR 0) at 512 MiB
constexpr u64 kRamMax = 512 * MiB;
// A 32-bit BAR above 2 GiB can never be placed below 4 GiB; aperture does not model the larger ones QEMU accepts.
constexpr u64 kVram32MaxModelled = 2 * GiB;
constexpr u64 kVram64MaxModelled = u64{1} << 40;
// qxl_realize_common: the I/O BAR per revision (1: 8 bytes, 2: 16, 3 and later: msb_mask(QXL_IO_RANGE_SIZE - 1) = 32)
constexpr u64 io_size(std::uint32_t revision) { return revision == 1 ? 8 : revision == 2 ? 16 : 32; }
constexpr std::uint32_t kMaxRevision = 5;  // QXL_REVISION_STABLE_V12 + 1 on builds with spice >= 0.13.1

u64 pow2(u64 value, const DeviceProperties& properties, const char* what) {
    const auto rounded = power_of_two_ceil(value);
    if (!rounded) properties.fail(std::string("qxl ") + what + " rounds past 2^64");
    return *rounded;
}

PciFunctionSpec build_qxl(const DeviceProperties& properties, const char* driver, std::uint16_t class_code) {
    const std::uint32_t revision = properties.uint32("revision").value_or(kDefaultRevision);
    if (revision < 1 || revision > kMaxRevision) properties.fail("property 'revision' must be 1 to 5 for aperture's qxl model");

    // qxl_init_ramsize, in its order: vgamem, then BAR 0 (at least twice vgamem), BAR 1, BAR 4 (at least BAR 1).
    const u64 vgamem = std::clamp<u64>(properties.uint32("vgamem_mb").value_or(kDefaultVgamemMiB), kVgamemMinMiB, kVgamemMaxMiB) * MiB;
    u64 ram = properties.uint32("ram_size").value_or(kDefaultRam);
    if (const auto mb = properties.uint32("ram_size_mb")) ram = u64{*mb} * MiB;
    ram = std::max(ram, 2 * vgamem);
    u64 vram32 = properties.uint("vram_size").value_or(kDefaultVram32);
    if (const auto mb = properties.uint32("vram_size_mb")) vram32 = u64{*mb} * MiB;
    vram32 = std::max(vram32, kVram32Min);
    u64 vram64 = vram32;
    if (const auto mb = properties.uint32("vram64_size_mb")) vram64 = std::max(u64{*mb} * MiB, vram32);
    if (revision == 1) vram32 = vram64 = kVram32Min;
    ram = std::min(pow2(ram, properties, "ram_size"), kRamMax);
    vram32 = pow2(vram32, properties, "vram_size");
    vram64 = pow2(vram64, properties, "vram64_size_mb");
    if (vram32 > kVram32MaxModelled) properties.fail("a qxl 32-bit VRAM BAR above 2 GiB is not modelled by aperture");
    if (vram64 > kVram64MaxModelled) properties.fail("a qxl 64-bit VRAM BAR above 1 TiB is not modelled by aperture");

    PciFunctionSpec spec;
    spec.driver = driver;
    spec.vendor_id = pci_ids::kVendorRedHat;
    spec.device_id = kQxlDeviceId;
    spec.class_code = class_code;
    spec.bars.push_back(BarSpec::memory32(kRamBar, ram, Prefetchable::No));
    spec.bars.push_back(BarSpec::memory32(kVram32Bar, vram32, Prefetchable::No));
    spec.bars.push_back(BarSpec::memory32(kRomBar, kRomSize, Prefetchable::No));
    spec.bars.push_back(BarSpec::io(kIoBar, io_size(revision)));
    // The 64-bit surface BAR exists only when it is larger than BAR 1.
    if (vram64 > vram32) spec.bars.push_back(BarSpec::memory64(kVram64Bar, vram64, Prefetchable::Yes));
    return spec;
}

const std::vector<std::string>& qxl_layout_properties() {
    static const std::vector<std::string> names{"ram_size", "ram_size_mb", "revision", "vgamem_mb", "vram64_size_mb", "vram_size",
                                                "vram_size_mb"};
    return names;
}

const std::vector<std::string>& qxl_neutral_properties() {
    static const std::vector<std::string> names{"cmdlog", "debug", "global-vmstate", "guestdebug", "max_outputs", "surfaces", "xres", "yres"};
    return names;
}

}  // namespace

std::vector<DeviceModel> device_families::qxl_devices() {
    return {
        DeviceModel{
            .name = "qxl-vga",
            .default_romfile = "vgabios-qxl.bin",  // hw/display/qxl.c, qxl_primary_class_init
            .layout_neutral_properties = qxl_neutral_properties(),
            .layout_properties = qxl_layout_properties(),
            .build = [](const DeviceProperties& p, const PlugContext&) { return build_qxl(p, "qxl-vga", pci_ids::kClassDisplayVga); },
        },
        DeviceModel{
            .name = "qxl",
            .default_romfile = "",  // the secondary has no VGA BIOS
            .layout_neutral_properties = qxl_neutral_properties(),
            .layout_properties = qxl_layout_properties(),
            .build = [](const DeviceProperties& p, const PlugContext&) { return build_qxl(p, "qxl", pci_ids::kClassDisplayOther); },
        },
    };
}

}  // namespace aperture
