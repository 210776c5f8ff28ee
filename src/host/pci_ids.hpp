#pragma once
// Names for PCI IDs from the PCI ID Repository's pci.ids, as lspci and lstopo show them (Debian's pci.ids
// package installs it as /usr/share/misc/pci.ids). Names only decorate what the probe measured: a missing
// or unreadable file means no names, never an error.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "core/input_file.hpp"

namespace aperture {

// Debian 12's file (0.0~2023.04.11) is 1.3 MiB; one eight times that is not pci.ids.
inline constexpr InputFileKind kPciIdsKind{"pci.ids", 10 * std::size_t{MiB}};
// Where Debian (pci.ids) and Fedora/Arch (hwdata) install it.
inline constexpr std::string_view kPciIdsPaths[] = {"/usr/share/misc/pci.ids", "/usr/share/hwdata/pci.ids"};

class PciIds {
public:
    // The file's syntax: "VVVV  vendor", "\tDDDD  device", "\t\tSSSS SSSS  subsystem", then the class
    // section "C CC  class", "\tSS  subclass". Lines it cannot read are skipped, as lspci skips them.
    static PciIds parse(std::string_view text);

    std::optional<std::string_view> vendor(std::uint16_t vendor_id) const;
    std::optional<std::string_view> device(std::uint16_t vendor_id, std::uint16_t device_id) const;
    // The subclass's name where pci.ids has one, else the class's: "VGA compatible controller", "Audio device".
    std::optional<std::string_view> device_class(std::uint8_t base_class, std::uint8_t sub_class) const;

    // "NVIDIA Corporation AD102 [GeForce RTX 4090]", as lspci names a function; the vendor alone when the
    // device is not listed; nothing when neither is.
    std::optional<std::string> describe(std::uint16_t vendor_id, std::uint16_t device_id) const;

    bool empty() const { return vendors_.empty(); }

private:
    std::map<std::uint16_t, std::string> vendors_;
    std::map<std::uint32_t, std::string> devices_;  // vendor << 16 | device
    std::map<std::uint16_t, std::string> classes_;  // base << 8 | sub; a base class alone as base << 8 | 0xff
};

// pci.ids from the first place it is: `root`'s own copy (a copied host tree may carry one), then this
// machine's. Empty when none can be read.
PciIds load_pci_ids(const std::string& root);

}  // namespace aperture
