#pragma once
// The expansion ROM BAR every PCI device can have (QEMU 7.2 hw/pci/pci.c, pci_add_option_rom):
// romfile= names the image (default: the device class's romfile), rombar=0 loads it through fw_cfg
// instead of a BAR, romsize= fixes the BAR size; otherwise the BAR is the file size rounded up to a
// power of two.

#include <optional>
#include <string>
#include <string_view>

#include "core/address.hpp"
#include "devices/device_model.hpp"

namespace aperture {

// Size of a ROM image that Debian 12's QEMU 7.2 finds in its firmware directories (ipxe-qemu
// 1.0.0+git-20190125.36a4c85-5.1 in /usr/lib/ipxe/qemu, seabios 1.16.2 in /usr/share/seabios),
// by bare name or by its full path there. nullopt for any other file.
std::optional<u64> debian12_rom_file_size(std::string_view romfile);

// Adds, replaces or removes spec's ROM BAR as QEMU does after realizing the device. A ROM the
// builder already put in spec (a passed-through device's own ROM) stays unless romfile= or rombar=0
// says otherwise.
void apply_option_rom(PciFunctionSpec& spec, const DeviceProperties& properties, const PlugContext& context,
                      std::string_view default_romfile);

}  // namespace aperture
