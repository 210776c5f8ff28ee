#pragma once
// A PCI function's regions as sysfs `resource` lists them: one line per struct pci_dev resource,
// "0x%016llx 0x%016llx 0x%016llx" = start, inclusive end, flags (drivers/pci/pci-sysfs.c, resource_show).
// Lines 0-5 are the BARs, 6 the expansion ROM; with CONFIG_PCI_IOV (every distribution kernel) six SR-IOV
// VF BARs follow, and a bridge's file ends with its four windows (include/linux/pci.h, PCI_ROM_RESOURCE,
// PCI_IOV_RESOURCES, PCI_BRIDGE_RESOURCES). So a file has 7 or 13 lines, a bridge's 11 or 17. The kernel
// lists a 64-bit BAR at its lower index and leaves the next line, its upper half, empty.

#include <optional>
#include <string>
#include <vector>

#include "core/address.hpp"
#include "devices/pci_function.hpp"

namespace aperture {

// include/linux/ioport.h: the flags word of a resource (the kernel keeps these values stable because
// sysfs `resource` shows them to userspace).
inline constexpr u64 kIoresourceRomShadow = 0x00000002;   // IORESOURCE_ROM_SHADOW: a copy at 0xc0000, not the BAR
inline constexpr u64 kIoresourceTypeBits = 0x00001f00;    // IORESOURCE_TYPE_BITS
inline constexpr u64 kIoresourceIo = 0x00000100;          // IORESOURCE_IO: I/O ports
inline constexpr u64 kIoresourceMem = 0x00000200;         // IORESOURCE_MEM: memory space
inline constexpr u64 kIoresourcePrefetch = 0x00002000;    // IORESOURCE_PREFETCH: no side effects
inline constexpr u64 kIoresourceStartAlign = 0x00080000;  // IORESOURCE_STARTALIGN: start holds the alignment
inline constexpr u64 kIoresourceMem64 = 0x00100000;       // IORESOURCE_MEM_64: a 64-bit BAR or window
inline constexpr u64 kIoresourceDisabled = 0x10000000;    // IORESOURCE_DISABLED
inline constexpr u64 kIoresourceUnset = 0x20000000;       // IORESOURCE_UNSET: no address assigned yet

// One line of `resource`, as printed.
struct HostResource {
    u64 start = 0;
    u64 end = 0;  // inclusive
    u64 flags = 0;

    // "0x0 0x0 ..." is an unused line; any other line is a region of end - start + 1 bytes (the parser
    // refuses start > end and a region of 2^64 bytes).
    bool empty() const { return start == 0 && end == 0; }
    u64 size() const { return empty() ? 0 : end - start + 1; }
    bool is_io() const { return (flags & kIoresourceTypeBits) == kIoresourceIo; }
    bool is_memory() const { return (flags & kIoresourceTypeBits) == kIoresourceMem; }
    bool is64() const { return (flags & kIoresourceMem64) != 0; }
    bool prefetchable() const { return (flags & kIoresourcePrefetch) != 0; }
    // Whether start is an address the region decodes at: the kernel zeroes start when it cannot assign a
    // region, and keeps the alignment there for a bridge window it has sized but not placed.
    bool assigned() const {
        return !empty() && start != 0 &&
               (flags & (kIoresourceUnset | kIoresourceStartAlign | kIoresourceDisabled)) == 0;
    }

    friend bool operator==(const HostResource&, const HostResource&) = default;
};

struct HostBar {
    int index = 0;  // 0-5, kRomBarIndex (6) for the expansion ROM: the line of `resource`
    HostResource resource;
    // From resource<index>_resize: every size resizable BAR allows, ascending; empty when not resizable.
    std::vector<u64> resizable_sizes;

    BarKind kind() const;
    friend bool operator==(const HostBar&, const HostBar&) = default;
};

struct HostBridgeWindow {
    int window = 0;  // 0 I/O, 1 memory, 2 prefetchable memory, 3 a CardBus bridge's second memory window
    HostResource resource;

    friend bool operator==(const HostBridgeWindow&, const HostBridgeWindow&) = default;
};

// The non-empty BARs, ROM and bridge windows of a `resource` file. Throws InputError naming the file and
// line for a line not in the kernel's form, a file of any other length, a region whose type is neither
// I/O nor memory, or a 64-bit BAR whose upper half is not free.
struct ResourceFile {
    std::vector<HostBar> bars;  // ascending index, ROM last
    std::vector<HostBridgeWindow> windows;
};
ResourceFile parse_resource_file(const std::string& text, const std::string& file);

// resource<N>_resize: "%016llx" (drivers/pci/pci-sysfs.c, __resource_resize_show) of the Resizable BAR
// capability's size bits, bit n meaning 2^(n + 20) bytes (drivers/pci/rebar.c,
// pci_rebar_get_possible_sizes: bit 0 = 1 MB). Throws InputError naming the file when malformed or when
// a bit stands for more than 2^63 bytes.
std::vector<u64> parse_resize_sizes(const std::string& text, const std::string& file);

}  // namespace aperture
