#pragma once
// What a firmware model predicts: bus numbers, every BAR and bridge window as the firmware programs
// them (and as QMP query-pci then shows them), the e820 table it hands the OS, and what it gave up on.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/bdf.hpp"
#include "core/range.hpp"
#include "machine/e820.hpp"
#include "machine/pci_topology.hpp"

namespace aperture {

// A root window (a firmware's resource pool), named when a resource did not fit in it.
enum class RootWindowKind { None, Io, Mem32, Mem32Prefetchable, Mem64, Mem64Prefetchable };
// "IO", "32-bit MMIO", "32-bit prefetchable MMIO", "64-bit MMIO", "64-bit prefetchable MMIO"; "" for None.
std::string_view to_string(RootWindowKind window);
// A window below 4 GiB (prefetchable or not).
bool is_below_4g(RootWindowKind window);

// Why a firmware gave up on PCI altogether: nothing is programmed and the guest does not boot.
enum class FirmwareFailure {
    None,
    IoSpaceExhausted,        // SeaBIOS: "PCI: out of I/O address space"
    Mem32SpaceExhausted,     // SeaBIOS: "PCI: out of 32bit address space"
    Mem32RequestRefused,     // OVMF: PciHostBridgeDxe refuses a 32-bit request of 4 GiB or more
    RootWindowExhausted,     // OVMF: a root window cannot hold the root bus and nothing there can be rejected
    StaleFailedRequest,      // OVMF: a type left over from an earlier round (no request now) is tried with length 0 and fails
    WindowBeyondMappedWidth, // OVMF: its 64-bit window reaches past the address width it identity-maps
};

struct BarAssignment {
    int index = 0;
    std::optional<u64> address;  // what the firmware wrote; nullopt: never assigned
    bool decoding = false;       // the device decodes it (QMP shows it mapped)
};

// A bridge window exactly as QMP query-pci reports it: base > limit when closed.
struct WindowView {
    u64 base = 0;
    u64 limit = 0;
    bool open() const { return base <= limit; }
};

struct BridgeAssignment {
    unsigned secondary_bus = 0;
    unsigned subordinate_bus = 0;
    WindowView io;
    WindowView memory;
    WindowView prefetchable;
};

struct FunctionResult {
    Bdf bdf;
    const PciNode* node = nullptr;
    // False when the bus numbers the firmware programmed leave no path to this function: neither the
    // guest nor QMP query-pci can see it.
    bool reachable = true;
    std::vector<BarAssignment> bars;  // same order as node->function.bars
    std::optional<BridgeAssignment> bridge;
};

// Why a resource was left unassigned; UnassignedResource::reason says it in the firmware's terms.
enum class UnassignedCause {
    FirmwareGaveUp,  // the firmware gave up on PCI (FirmwareResult::failure): no BAR is programmed
    NotReached,      // the firmware's scan never reaches the function
    Rejected,        // OVMF rejected the device to make a root window fit (short_window says which)
    NotAssigned,     // OVMF reached the device and left this BAR unassigned
    NoSpace,         // hvmloader's "no space for resource!"
};

struct UnassignedResource {
    Bdf bdf;
    int bar = -1;  // -1: a bridge window
    std::string what;
    u64 size = 0;
    std::string reason;
    // The root window whose shortage caused it, when the firmware says; None otherwise.
    RootWindowKind short_window = RootWindowKind::None;
    UnassignedCause cause = UnassignedCause::NotAssigned;
};

struct RootWindows {
    std::optional<AddressRange> io;
    std::optional<AddressRange> mem32;
    std::optional<AddressRange> mem64;
};

// Why the 64-bit window is where it is (OVMF decides; SeaBIOS has no fixed window).
struct WindowChoice {
    std::string kind;    // "dynamic", "classic", "none"
    std::string reason;  // in a user's words
    std::string trust;   // why the firmware believed phys-bits, or not: "amd-40", "guest-phys-bits", "not-trusted", ...
};

// What it takes to assign everything the firmware dropped: the 64-bit window the root bus asked for
// before anything was dropped, and the smallest firmware setting that holds it.
struct WindowShortfall {
    u64 needed = 0;            // bytes of 64-bit window the root bus asked for
    u64 needed_alignment = 0;  // its alignment
    std::optional<u64> fitting_x_pci_mmio64_mb;  // the first X-PciMmio64Mb that assigns every BAR
};

// Where the firmware put what QEMU asked it to place for an Intel IGD (devices/vfio_igd.hpp).
struct IgdPlacement {
    Bdf bdf;
    std::optional<u64> opregion;  // the OpRegion copy, written to ASLS
    u64 opregion_size = 0;        // what QEMU asked for; 0: nothing
    std::optional<u64> bdsm;      // the stolen-memory block, written to BDSM and e820-reserved
    u64 bdsm_size = 0;            // what QEMU asked for; 0: nothing
    std::vector<std::string> problems;  // what was asked for and not placed, and why
    std::vector<std::string> notes;     // what the prediction assumes
};

struct FirmwareResult {
    std::string firmware;  // "seabios-1.16.2"
    bool failed = false;          // failure != FirmwareFailure::None
    FirmwareFailure failure = FirmwareFailure::None;
    std::string failure_message;  // what the firmware prints when it gives up, rendered from `failure`
    // False when the model does not predict the table (OVMF: the OS builds it from the UEFI memory map).
    bool e820_modelled = true;
    std::vector<E820Entry> e820;
    // Tables the firmware hands over instead when its boot races (see the notes); usually empty.
    std::vector<std::vector<E820Entry>> e820_alternatives;
    RootWindows windows;
    std::optional<WindowChoice> mmio64_choice;
    // The guest-physical width the firmware identity-maps before the OS runs (OVMF's PhysMemAddressWidth).
    std::optional<unsigned> mapped_address_width;
    std::optional<WindowShortfall> shortfall;
    std::vector<FunctionResult> functions;  // BDF order
    std::vector<UnassignedResource> unassigned;
    std::optional<IgdPlacement> igd;
    std::vector<std::string> notes;
};

}  // namespace aperture
