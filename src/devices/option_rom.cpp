#include "devices/option_rom.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <utility>

#include "core/error.hpp"
#include "machine/qemu_release.hpp"

namespace aperture {

namespace {

struct RomFile {
    std::string_view directory;
    std::string_view name;
    u64 size;
};

// Sizes of Debian 12's ROM files (ls -l); the BAR is the next power of two.
constexpr std::array<RomFile, 29> kDebian12RomFiles{{
    {"/usr/lib/ipxe/qemu/", "efi-e1000.rom", 249856},     {"/usr/lib/ipxe/qemu/", "efi-e1000e.rom", 249856},
    {"/usr/lib/ipxe/qemu/", "efi-eepro100.rom", 247808},  {"/usr/lib/ipxe/qemu/", "efi-ne2k_pci.rom", 245760},
    {"/usr/lib/ipxe/qemu/", "efi-pcnet.rom", 246272},     {"/usr/lib/ipxe/qemu/", "efi-rtl8139.rom", 249856},
    {"/usr/lib/ipxe/qemu/", "efi-virtio.rom", 249344},    {"/usr/lib/ipxe/qemu/", "efi-vmxnet3.rom", 243712},
    {"/usr/lib/ipxe/qemu/", "pxe-e1000.rom", 75264},      {"/usr/lib/ipxe/qemu/", "pxe-e1000e.rom", 75264},
    {"/usr/lib/ipxe/qemu/", "pxe-eepro100.rom", 75264},   {"/usr/lib/ipxe/qemu/", "pxe-ne2k_pci.rom", 74752},
    {"/usr/lib/ipxe/qemu/", "pxe-pcnet.rom", 74752},      {"/usr/lib/ipxe/qemu/", "pxe-rtl8139.rom", 75776},
    {"/usr/lib/ipxe/qemu/", "pxe-virtio.rom", 75776},     {"/usr/lib/ipxe/qemu/", "pxe-vmxnet3.rom", 74240},
    {"/usr/share/seabios/", "vgabios-ati.bin", 39936},    {"/usr/share/seabios/", "vgabios-bochs-display.bin", 28672},
    {"/usr/share/seabios/", "vgabios-cirrus.bin", 39424}, {"/usr/share/seabios/", "vgabios-isavga.bin", 39424},
    {"/usr/share/seabios/", "vgabios-qxl.bin", 39936},    {"/usr/share/seabios/", "vgabios-ramfb.bin", 29184},
    {"/usr/share/seabios/", "vgabios-stdvga.bin", 39936}, {"/usr/share/seabios/", "vgabios-virtio.bin", 39936},
    {"/usr/share/seabios/", "vgabios-vmware.bin", 39936}, {"/usr/share/seabios/", "vgabios.bin", 39424},
    {"/usr/share/qemu/", "kvmvapic.bin", 9216},           {"/usr/share/qemu/", "linuxboot.bin", 1024},
    {"/usr/share/qemu/", "linuxboot_dma.bin", 1536},
}};

// hw/pci/pci.c, pci_add_option_rom: "romfile ... too large (size cannot exceed 2 GiB)"
constexpr u64 kMaxRomFileSize = 2 * GiB;
// hw/pci/pci.c, PCIDevice.romsize default: -1 as uint32, "not given"
constexpr u64 kRomSizeUnset = 0xffffffff;

void remove_rom(PciFunctionSpec& spec) {
    std::erase_if(spec.bars, [](const BarSpec& bar) { return bar.kind == BarKind::Rom; });
}

void set_rom(PciFunctionSpec& spec, u64 size) {
    remove_rom(spec);
    spec.bars.push_back(BarSpec::rom(size));
}

u64 rom_file_size(const std::string& romfile, const DeviceProperties& properties, const PlugContext& context) {
    std::optional<u64> size;
    if (context.rom_file_size) size = context.rom_file_size(romfile);
    if (!size) size = debian12_rom_file_size(romfile);
    if (!size) {
        properties.fail("romfile \"" + romfile +
                        "\": aperture does not know this file's size (it knows Debian 12's ipxe-qemu and seabios ROM "
                        "files, by name or full path); if QEMU's host has no such file, " +
                        std::string(properties.qemu().display_name) + " refuses it with 'failed to find romfile \"" +
                        romfile + "\"'");
    }
    if (*size == 0) properties.refuse("the romfile is empty", "romfile \"" + romfile + "\" is empty");
    if (*size > kMaxRomFileSize) {
        properties.refuse("the romfile is larger than 2 GiB",
                          "romfile \"" + romfile + "\" too large (size cannot exceed 2 GiB)");
    }
    return *size;
}

}  // namespace

std::optional<u64> debian12_rom_file_size(std::string_view romfile) {
    for (const RomFile& file : kDebian12RomFiles) {
        if (romfile == file.name) return file.size;
        if (romfile.size() == file.directory.size() + file.name.size() && romfile.starts_with(file.directory) &&
            romfile.ends_with(file.name)) {
            return file.size;
        }
    }
    return std::nullopt;
}

void apply_option_rom(PciFunctionSpec& spec, const DeviceProperties& properties, const PlugContext& context,
                      std::string_view default_romfile) {
    // hw/pci/pci.c, pci_qdev_realize: checked before the device is realized.
    const auto romsize = properties.uint32("romsize");
    const bool romsize_given = romsize && *romsize != kRomSizeUnset;
    if (romsize_given && !is_power_of_two(*romsize)) {
        properties.refuse("property 'romsize' must be a power of two, got " + std::to_string(*romsize),
                          "ROM size " + std::to_string(*romsize) + " is not a power of two");
    }

    const auto romfile_property = properties.string("romfile");
    const auto rombar = properties.uint32("rombar");
    const bool rom_bar_enabled = !rombar || *rombar != 0;
    if (!romfile_property && default_romfile.empty()) {
        // No file: only a ROM the device brings itself (vfio-pci), which rombar=0 hides.
        if (!rom_bar_enabled) remove_rom(spec);
        return;
    }
    const std::string romfile = romfile_property ? *romfile_property : std::string(default_romfile);
    if (romfile.empty() || !rom_bar_enabled) {
        // romfile= disables the ROM; rombar=0 hands the file to the firmware through fw_cfg.
        remove_rom(spec);
        return;
    }
    const u64 file_size = rom_file_size(romfile, properties, context);
    if (romsize_given) {
        if (file_size > *romsize) {
            properties.refuse("the romfile does not fit in romsize",
                              "romfile \"" + romfile + "\" (" + std::to_string(file_size) +
                                  " bytes) is too large for ROM size " + std::to_string(*romsize));
        }
        set_rom(spec, *romsize);
        return;
    }
    set_rom(spec, *power_of_two_ceil(file_size));
}

}  // namespace aperture
