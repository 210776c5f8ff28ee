#include "machine/memory_layout.hpp"

#include <fmt/format.h>

#include "core/error.hpp"
#include "machine/qemu_x86_layout.hpp"

namespace aperture {

namespace {

using namespace qemu_x86;

// hw/i386/pc_q35.c pc_q35_init.
void split_q35(const MemoryLayoutRequest& r, MemoryLayout& m) {
    u64 lowmem = m.ram_size >= Q35_LOWMEM_MAX ? Q35_LOWMEM_SPLIT : Q35_LOWMEM_MAX;
    const u64 max_below = r.max_ram_below_4g.value_or(Q35_MAX_RAM_BELOW_4G_DEFAULT);
    if (max_below != 0 && lowmem > max_below) lowmem = max_below;
    m.below_4g = m.ram_size >= lowmem ? lowmem : m.ram_size;
    m.above_4g = m.ram_size - m.below_4g;
}

// hw/i386/pc_piix.c pc_init1 (all modelled pc machine types have gigabyte_align).
void split_i440fx(const MemoryLayoutRequest& r, MemoryLayout& m) {
    const u64 max_below = r.max_ram_below_4g.value_or(0) != 0 ? *r.max_ram_below_4g : I440FX_MAX_RAM_BELOW_4G_DEFAULT;
    u64 lowmem = max_below;
    if (m.ram_size >= max_below && lowmem > I440FX_GIGABYTE_ALIGN_LOWMEM) lowmem = I440FX_GIGABYTE_ALIGN_LOWMEM;
    m.below_4g = m.ram_size >= lowmem ? lowmem : m.ram_size;
    m.above_4g = m.ram_size - m.below_4g;
}

bool has_device_memory(const MemoryLayout& m, u64 maxmem) { return m.ram_size < maxmem; }

// hw/i386/pc.c pc_get_device_memory_range.
DeviceMemoryRegion device_memory_range(const MemoryLayout& m, u64 maxmem, unsigned slots) {
    const u64 above_end = add_or_throw(m.above_4g_start, m.above_4g, "end of RAM above 4 GiB");
    DeviceMemoryRegion region;
    region.base = align_up_or_throw(above_end, DEVICE_MEMORY_ALIGN, "device memory base");
    region.size = add_or_throw(maxmem - m.ram_size, mul_or_throw(DEVICE_MEMORY_PER_SLOT, slots, "device memory slots"),
                               "device memory size");
    return region;
}

// hw/i386/pc.c pc_pci_hole64_start (no CXL).
u64 pci_hole64_start(const MemoryLayout& m, u64 maxmem, unsigned slots) {
    u64 start = 0;
    if (has_device_memory(m, maxmem)) {
        const auto region = device_memory_range(m, maxmem, slots);
        start = add_or_throw(region.base, region.size, "end of device memory");
    } else {
        start = add_or_throw(m.above_4g_start, m.above_4g, "end of RAM above 4 GiB");
    }
    return align_up_or_throw(start, HOLE64_START_ALIGN, "64-bit PCI hole start");
}

// hw/i386/pc.c pc_max_used_gpa, as the machine type's release and compat properties decide (MaxUsedGpaRule).
u64 max_used_gpa(const MemoryLayout& m, const MachineType& type, const GuestCpu& cpu, u64 maxmem, unsigned slots,
                 u64 hole64_size) {
    const u64 phys_limit = cpu.phys_bits >= 64 ? ~u64{0} : (u64{1} << cpu.phys_bits) - 1;
    const auto hole64_last = [&] {
        return add_or_throw(pci_hole64_start(m, maxmem, slots), hole64_size, "end of the 64-bit PCI hole") - 1;
    };
    switch (type.max_used_gpa_rule) {
        case MaxUsedGpaRule::PhysBits32OrHole64:
            return cpu.phys_bits <= 32 ? phys_limit : hole64_last();
        case MaxUsedGpaRule::LongModeOrPhysBits:
            return cpu.long_mode ? hole64_last() : phys_limit;
        case MaxUsedGpaRule::LongModeOrRamEnd:
            if (cpu.long_mode) return hole64_last();
            if (has_device_memory(m, maxmem)) {
                const auto region = device_memory_range(m, maxmem, slots);
                return add_or_throw(region.base, region.size, "end of device memory") - 1;
            }
            // pc_above_4g_end: above_4g_mem_start + above_4g_mem_size, 4 GiB without RAM above it.
            return add_or_throw(m.above_4g_start, m.above_4g, "end of RAM above 4 GiB") - 1;
    }
    return hole64_last();
}

}  // namespace

MemoryLayout compute_memory_layout(const MemoryLayoutRequest& r, std::string& refusal) {
    MemoryLayout m;
    // softmmu/vl.c: the RAM size is rounded up to 8 KiB.
    m.ram_size = align_up_or_throw(r.memory.size, 8 * KiB, "-m size");
    const u64 maxmem = r.memory.maxmem.value_or(m.ram_size);
    const unsigned slots = r.memory.slots;
    m.pci_hole64_size = r.pci_hole64_size;
    m.above_4g_start = ABOVE_4G_MEM_START;

    if (r.machine.family == MachineFamily::Q35) split_q35(r, m); else split_i440fx(r, m);

    std::vector<E820Entry> e820;
    // hw/i386/pc.c pc_memory_init: AMD guests whose highest address reaches the HT hole get their RAM
    // above 4 GiB moved to 1 TiB; the hole is advertised as reserved with phys-bits >= 40.
    if (r.cpu.is_amd() && r.machine.enforce_amd_1tb_hole) {
        if (max_used_gpa(m, r.machine, r.cpu, maxmem, slots, m.pci_hole64_size) >= AMD_HT_START) {
            m.above_4g_start = AMD_ABOVE_1TB_START;
            m.relocated_above_1tib = true;
        }
        if (r.cpu.phys_bits >= AMD_HT_E820_MIN_PHYS_BITS) e820.push_back({AMD_HT_START, AMD_HT_SIZE, E820Type::Reserved});
    }

    m.pci_hole64_start = pci_hole64_start(m, maxmem, slots);
    m.max_used_gpa = max_used_gpa(m, r.machine, r.cpu, maxmem, slots, m.pci_hole64_size);
    const u64 max_phys_addr = r.cpu.phys_bits >= 64 ? ~u64{0} : (u64{1} << r.cpu.phys_bits) - 1;
    if (max_phys_addr < m.max_used_gpa) {
        refusal = fmt::format("Address space limit {:#x} < {:#x} phys-bits too low ({})", max_phys_addr, m.max_used_gpa,
                              r.cpu.phys_bits);
        return m;
    }

    e820.push_back({0, m.below_4g, E820Type::Ram});
    if (m.above_4g > 0) e820.push_back({m.above_4g_start, m.above_4g, E820Type::Ram});

    if (has_device_memory(m, maxmem)) {
        if (slots > ACPI_MAX_RAM_SLOTS) {
            refusal = fmt::format("unsupported amount of memory slots: {}", slots);
            return m;
        }
        if (maxmem % (4 * KiB) != 0) {
            refusal = "maximum memory size must by aligned to multiple of 4096 bytes";
            return m;
        }
        const auto region = device_memory_range(m, maxmem, slots);
        m.device_memory = region;
        // etc/reserved-memory-end, published only when device memory exists.
        m.reserved_memory_end = align_up_or_throw(add_or_throw(region.base, region.size, "end of device memory"),
                                                  HOLE64_START_ALIGN, "reserved-memory-end");
    }
    m.qemu_e820 = std::move(e820);
    return m;
}

}  // namespace aperture
