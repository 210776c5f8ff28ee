#pragma once
// What the map shows, in addresses rather than pixels: every region of the guest-physical and I/O port
// spaces a plan builds (RAM and reserved ranges, the root PCI windows, bridge windows by nesting depth,
// every BAR), what the firmware left unassigned, the limits the addresses must stay under (guest and host
// phys-bits, the IOMMU's width) with who crosses them, the host IOMMU's reserved ranges, every overlap
// that should not be, and the findings of `aperture check`. The SVG and HTML writers only lay this out.

#include <optional>
#include <string>
#include <vector>

#include "core/range.hpp"
#include "diagnostics/finding.hpp"
#include "host/host_snapshot.hpp"
#include "host/pci_ids.hpp"
#include "plan/plan_view.hpp"

namespace aperture {

enum class RegionKind { HostReserved, Ram, Reserved, DeviceMemory, RootWindow, BridgeWindow, Bar };
const char* to_string(RegionKind kind);  // "host-reserved", "ram", ..., "bar": the SVG's data-kind

// The column a region is drawn in, left to right: the host's view, then each container before what it
// contains, so a BAR sits to the right of the windows it lives in.
enum class Column { Host, Memory, RootWindow, Bridge, Bar };

struct MapRegion {
    std::string key;  // unique within the map: "bar-3-2" (function 3, BAR 2), "root-mem64", "root1-mem64" (PHB 1), ...
    RegionKind kind = RegionKind::Bar;
    AddressSpace space = AddressSpace::Memory;
    Column column = Column::Bar;
    unsigned depth = 0;  // bridge windows: 1 behind a root-bus bridge, 2 one bridge further, ...
    AddressRange range = AddressRange::from_first_and_last(0, 0);
    std::string label;      // the box's text: "01:00.0 gpu0 BAR2"
    std::string kind_text;  // "mem64 pref", "RAM", "32-bit PCI window", "msi"
    // PCI functions only.
    std::string bdf;
    std::string owner;  // the device's id=, or its driver when it has none
    std::string driver;
    std::string device_name;  // from pci.ids: "NVIDIA Corporation AD102 [GeForce RTX 4090]"; "" when not known
    int bar = -1;  // BAR index, 6 for the ROM
    bool rom_disabled = false;  // an expansion ROM: assigned but not decoding
    bool unreachable = false;   // the firmware's bus numbers hide the function
    std::string parent;         // the key of the innermost region of an earlier column that holds it
};

// A BAR (or bridge window) the firmware did not assign: it has no address, only a size, and it is drawn
// next to the window it needed.
struct UnassignedItem {
    std::string key;
    AddressSpace space = AddressSpace::Memory;
    std::string bdf;
    std::string owner;
    std::string driver;
    std::string device_name;  // from pci.ids, as MapRegion
    int bar = -1;  // -1: a bridge window
    std::string what;  // "BAR2 mem64 pref", "prefetchable window"
    u64 size = 0;
    std::string reason;
    std::string window;  // key of the window it belongs in, "" when none is known
};

enum class LimitKind { GuestPhysBits, HostPhysBits, IommuWidth, OldGuestBarHeight };
const char* to_string(LimitKind kind);  // "guest-phys-bits", ...

// An address the space must stay below: 2^bits.
struct MapLimit {
    LimitKind kind = LimitKind::GuestPhysBits;
    unsigned bits = 0;
    u64 address = 0;
    std::string label;
    std::vector<std::string> crossed_by;  // keys of regions reaching it or past it
};

// Two regions that share addresses and must not.
struct MapOverlap {
    AddressRange range = AddressRange::from_first_and_last(0, 0);
    std::string first;  // region keys
    std::string second;
    std::string text;
};

struct AddressMap {
    std::string title;    // "QEMU 7.2 pc-q35-7.2 with SeaBIOS 1.16.2"
    std::vector<std::string> caption;  // under the title: where the stack came from (ModelledStack::caption)
    std::string outcome;  // one line: "every BAR assigned", "QEMU refuses to start: ..."
    bool failed = false;
    unsigned guest_phys_bits = 0;
    u64 memory_last = 0;  // the memory axis ends here: the guest's space, or further when something is past it
    u64 io_last = 0xffff;
    std::vector<MapRegion> regions;  // memory then I/O; in each, by column then address
    std::vector<UnassignedItem> unassigned;
    std::vector<MapLimit> limits;  // within the memory axis
    std::vector<MapOverlap> overlaps;
    std::vector<std::string> notes;  // what the picture cannot show: limits past the guest's space, ...
    std::vector<Finding> findings;   // from `aperture check`; empty for `plan`

    const MapRegion* region(const std::string& key) const;
    unsigned deepest_bridge(AddressSpace space) const;
};

// Any platform's plan, as view_of (plan/plan_view.hpp) gives it.
struct AddressMapInput {
    const PlanView& plan;
    const HostSnapshot* host = nullptr;
    const std::vector<Finding>* findings = nullptr;
    const PciIds* pci_ids = nullptr;  // names the functions when given (the HTML and SVG maps)
};

AddressMap build_address_map(const AddressMapInput& input);

}  // namespace aperture
