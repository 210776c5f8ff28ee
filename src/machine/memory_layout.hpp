#pragma once
// QEMU 7.2's x86 guest RAM layout: the split around the 32-bit hole, where RAM above 4 GiB starts (the
// AMD 1 TiB relocation), the device-memory region for -m slots/maxmem, the start of the 64-bit PCI hole,
// and the phys-bits check QEMU makes before any firmware runs.

#include <optional>
#include <string>
#include <vector>

#include "config/vm_spec.hpp"
#include "machine/cpu_model.hpp"
#include "machine/e820.hpp"
#include "machine/machine_type.hpp"

namespace aperture {

struct DeviceMemoryRegion {
    u64 base = 0;
    u64 size = 0;
};

struct MemoryLayout {
    u64 ram_size = 0;
    u64 below_4g = 0;
    u64 above_4g = 0;
    u64 above_4g_start = 0;
    bool relocated_above_1tib = false;
    std::optional<DeviceMemoryRegion> device_memory;
    std::optional<u64> reserved_memory_end;  // fw_cfg etc/reserved-memory-end
    u64 pci_hole64_start = 0;
    u64 pci_hole64_size = 0;
    u64 max_used_gpa = 0;
    std::vector<E820Entry> qemu_e820;  // fw_cfg etc/e820, in QEMU's order
};

struct MemoryLayoutRequest {
    MachineType machine;
    GuestCpu cpu;
    MemorySpec memory;
    std::optional<u64> max_ram_below_4g;
    u64 pci_hole64_size = 0;
};

// Either the layout or the message QEMU prints when it refuses to start (in `refusal`).
MemoryLayout compute_memory_layout(const MemoryLayoutRequest& request, std::string& refusal);

}  // namespace aperture
