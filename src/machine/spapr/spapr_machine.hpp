#pragma once
// The pseries machine QEMU builds from a VmSpec: RAM and hotplug memory, the PHBs (the default one QEMU
// always creates with index 0, then every -device spapr-pci-host-bridge) with their windows, DMA windows
// and NVLink2 windows, and the PCI functions on each PHB's root bus. A refusal QEMU would print is an
// outcome (SpaprBuild::refusal), not an exception; input aperture cannot model throws.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "config/vm_spec.hpp"
#include "core/bdf.hpp"
#include "core/range.hpp"
#include "devices/pci_function.hpp"
#include "machine/spapr/dma_windows.hpp"
#include "machine/spapr/machine_type.hpp"
#include "machine/spapr/nvlink2.hpp"
#include "machine/spapr/phb_placement.hpp"

namespace aperture::spapr {

// What the host says a passed-through function is, beyond its BARs.
struct Nvlink2Identity {
    Nvlink2Role role = Nvlink2Role::Gpu;
    u64 tgt = 0;       // the GPU's NVLink2 target (a GPU names itself; a link names its GPU)
    u64 ram_size = 0;  // GPU only
};

struct PassthroughFunction {
    PciFunctionSpec function;
    std::optional<Nvlink2Identity> nvlink2;
};

struct SpaprHost {
    std::map<std::string, PassthroughFunction> passthrough;  // by normalized host address
};

struct SpaprFunction {
    std::string id;
    DevFn devfn;
    PciFunctionSpec function;
    std::string host;  // vfio-pci host=, normalized; empty otherwise
    std::optional<Nvlink2Identity> nvlink2;
    std::string where;
    std::string bus_name;            // the bus it sits on: the PHB's root bus or a bridge's secondary bus
    unsigned bus = 0;                // that bus's number (0: the root bus)
    std::string secondary_bus_name;  // a pci-bridge's own bus; empty for other functions
    unsigned secondary = 0;          // a pci-bridge's bus numbers as QEMU enumerates them
    unsigned subordinate = 0;
};

struct SpaprPhb {
    u32 index = 0;
    std::string id;        // "" for the default PHB and PHBs without id=
    std::string bus_name;  // "pci.0", "pci.1.0", ...
    bool is_default = false;
    PhbPlacement placement;
    PhbWindows windows;
    DmaWindowsOfPhb dma;
    u64 page_size_mask = 0;
    u64 dma_win_addr = 0;
    u64 dma_win_size = 0;
    u64 dma64_win_addr = 0;
    bool ddw = false;
    // Every function under the PHB, bridges' buses included: ascending (bus number, devfn) once built.
    std::vector<SpaprFunction> functions;
    Nvlink2Layout nvlink2;
};

struct SpaprMachine {
    PseriesMachineType type;
    std::string accel = "tcg";
    u64 ram_size = 0;
    u64 maxram_size = 0;
    std::optional<AddressRange> device_memory;  // hotplug memory region, when maxmem > RAM
    u64 ram_top = 0;                            // end of RAM or of hotplug memory
    u64 memory_top = 0;                         // ram_top, or the end of NVLink2 GPU RAM when higher: what a DDW maps
    std::vector<SpaprPhb> phbs;                 // creation order
    std::vector<std::string> notes;             // things QEMU warns about or aperture wants said
};

struct SpaprBuild {
    std::optional<SpaprMachine> machine;
    std::string refusal;  // "qemu-system-ppc64: ..." line when QEMU refuses
    std::optional<SpaprMachine> partial;  // as far as QEMU got
};

SpaprBuild build_spapr_machine(const VmSpec& spec, QemuRelease release, const SpaprHost& host);

}  // namespace aperture::spapr
