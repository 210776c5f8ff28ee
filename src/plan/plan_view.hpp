#pragma once
// One plan, whatever the platform: the stack it models, the predicted outcome and every region of the
// guest-physical and I/O port spaces (RAM and reserved ranges, the root PCI windows of each root bus or
// PHB, bridge windows with their nesting depth, every BAR, and what the firmware left unassigned), each
// tagged with a typed owner in the manner of crosvm's resources (PciBar{bus,dev,func,bar},
// PciBridgeWindow). QEMU x86 (Plan), Xen HVM (XenPlan) and pseries (SpaprPlan) each have one function
// making it; the address map (report/address_map) and checks that every platform shares read this.

#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "core/bdf.hpp"
#include "core/range.hpp"
#include "devices/pci_function.hpp"

namespace aperture {

struct Plan;
struct XenPlan;
struct SpaprPlan;

enum class AddressSpace { Memory, Io };

enum class PlanPlatform { QemuX86, XenHvm, QemuPseries };

// What was modelled, each part as a reader names it and as the model is called in JSON.
struct ModelledStack {
    std::string hypervisor;        // "QEMU 7.2", "Xen 4.17.7"
    std::string hypervisor_model;  // "qemu-7.2", "xen-4.17.7"
    std::string machine;           // "pc-q35-7.2", "xenfv", "pseries-7.2"
    std::string firmware;          // "SeaBIOS 1.16.2", "hvmloader 4.17.7", "SLOF 20220719"
    std::string firmware_model;    // "seabios-1.16.2", "hvmloader-4.17.7", "slof-20220719"
    // QEMU x86: where each part came from, then what had a say but could not choose (report/stack_words.hpp);
    // empty where the platform records none.
    std::vector<std::string> caption;
};

enum class PredictedOutcome {
    Works,            // everything assigned and reachable
    Refused,          // QEMU (or xl/libxl) refuses to create the VM
    FirmwareFailed,   // the firmware gives up
    BarsUnassigned,   // the firmware finished and left BARs or bridge windows unassigned
    BarsUnreachable,  // every BAR assigned, but one lies past the guest's phys-bits
};
// "works", "refused", "firmware-failed", "bars-unassigned", "bars-unreachable": every plan's JSON "outcome".
const char* to_string(PredictedOutcome outcome);

// Owners, one type per kind of thing that holds addresses.

// RAM and firmware ranges.
enum class MemoryUse { Ram, Reserved, HotplugMemory };
// Which table a memory range comes from: an entry of the e820 table the plan reports (the firmware's, or
// QEMU's when the firmware's is not predicted), QEMU's split of RAM around the 32-bit hole when no table
// was built, or the one range a platform has (pseries RAM, hotplug memory).
enum class MemorySource { E820, RamBelow4G, RamAbove4G, Whole };
struct MemoryOwner {
    MemoryUse use = MemoryUse::Ram;
    MemorySource source = MemorySource::E820;
    std::size_t entry = 0;  // E820: the entry's index in the table
};

// A root bus's window: the firmware's (x86, Xen) or the PHB's (pseries); QEMU's 64-bit PCI hole when the
// firmware never ran.
enum class RootWindowRole { Io, Mem32, Mem64, QemuPciHole64 };
const char* to_string(RootWindowRole kind);  // "io", "mem32", "mem64", "pci-hole64"
struct RootWindowOwner {
    unsigned root = 0;  // the root bus: 0 on x86 and Xen, the PHB's index on pseries
    RootWindowRole kind = RootWindowRole::Mem32;
    friend bool operator==(const RootWindowOwner&, const RootWindowOwner&) = default;
};

// A bridge's window, one per kind a bridge decodes.
enum class BridgeWindowKind { Io, Memory, Prefetchable };
const char* to_string(BridgeWindowKind kind);  // "io", "mem", "pref"
struct PciBridgeWindowOwner {
    std::size_t function = 0;  // index into PlanView::functions: the bridge
    BridgeWindowKind kind = BridgeWindowKind::Memory;
    friend bool operator==(const PciBridgeWindowOwner&, const PciBridgeWindowOwner&) = default;
};

// A BAR of a PCI function (6: the expansion ROM).
struct PciBarOwner {
    std::size_t function = 0;  // index into PlanView::functions
    int bar = 0;
};

using RegionOwner = std::variant<MemoryOwner, RootWindowOwner, PciBridgeWindowOwner, PciBarOwner>;

// A PCI function as the plan places it.
struct PlanFunction {
    unsigned root = 0;  // its root bus (PHB index on pseries)
    Bdf bdf;
    std::string id;      // id=, "" when none
    std::string driver;  // "vfio-pci"
    bool reachable = true;  // false when the firmware's bus numbers hide it
    std::uint16_t vendor_id = 0;  // the IDs the guest reads (a passed-through device's own); 0: not known
    std::uint16_t device_id = 0;
    std::optional<unsigned> secondary_bus;  // bridges: the bus behind it
    // The id, or the driver when it has none: how reports name it.
    const std::string& name() const { return id.empty() ? driver : id; }
};

struct PlanRegion {
    RegionOwner owner;
    AddressSpace space = AddressSpace::Memory;
    AddressRange range = AddressRange::from_first_and_last(0, 0);
    std::string description;  // "RAM", "root bus 32-bit window", "bridge memory window", ...
    unsigned depth = 0;       // bridge windows: 1 behind a root-bus bridge, 2 one bridge further, ...
    std::optional<BarSpec> bar;  // BARs: what the device registered
    bool decoding = true;        // BARs: false for an expansion ROM assigned but not enabled
};

// The window a dropped BAR needed room in.
using NeededWindow = std::variant<std::monostate, RootWindowOwner, PciBridgeWindowOwner>;

// A BAR or bridge window the firmware did not assign (or, on pseries, programmed outside every window).
struct DroppedResource {
    std::optional<PciBarOwner> bar;  // nullopt: a bridge window
    Bdf bdf;                         // the function's address
    std::size_t entry = 0;           // bridge windows: the firmware's own index of the shortfall
    AddressSpace space = AddressSpace::Memory;
    std::string what;    // "BAR2 mem64 pref", "prefetchable window"
    u64 size = 0;
    std::string reason;  // the firmware's words
    NeededWindow needed;
};

struct PlanView {
    PlanPlatform platform = PlanPlatform::QemuX86;
    ModelledStack stack;
    PredictedOutcome outcome = PredictedOutcome::Works;
    std::string outcome_text;  // one line: "every BAR assigned", "QEMU refuses to start: ..."
    std::optional<unsigned> phys_bits;  // the guest's; nullopt where the platform has none modelled (pseries)
    u64 highest_used_address = 0;  // the highest guest-physical address the machine uses (RAM, hotplug memory)
    std::vector<PlanFunction> functions;
    std::vector<PlanRegion> regions;  // in the order the plan reports them
    std::vector<DroppedResource> dropped;
    std::vector<std::string> notes;  // what the regions cannot say

    bool failed() const { return outcome != PredictedOutcome::Works; }
    // The highest address an assigned memory-space BAR reaches (ROMs included), if any.
    std::optional<u64> highest_bar_last() const;
    const PlanFunction& function(const PciBarOwner& owner) const { return functions.at(owner.function); }
};

// A BAR lies past 2^phys-bits: the guest cannot reach it.
bool bar_beyond_phys_bits(const PlanView& view);

PlanView view_of(const Plan& plan);
PlanView view_of(const XenPlan& plan);
PlanView view_of(const SpaprPlan& plan);

}  // namespace aperture
