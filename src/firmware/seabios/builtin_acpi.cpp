#include "firmware/seabios/builtin_acpi.hpp"

#include <algorithm>

#include "firmware/seabios/seabios_layout.hpp"
#include "machine/x86_apic_ids.hpp"

namespace aperture::seabios {

namespace {

// src/std/acpi.h: sizeof() of the tables and entries acpi_setup builds (packed structures).
constexpr u32 ACPI_TABLE_HEADER_SIZE = 36;
constexpr u32 FADT_REV1_SIZE = 116;        // struct fadt_descriptor_rev1
constexpr u32 FACS_REV1_SIZE = 64;         // struct facs_descriptor_rev1
constexpr u32 FACS_ALIGN = 64;             // build_fadt: memalign_high(64, ...)
constexpr u32 MADT_HEADER_SIZE = 44;       // struct multiple_apic_table
constexpr u32 MADT_PROCESSOR_SIZE = 8;     // struct madt_processor_apic, one per possible CPU
constexpr u32 MADT_IO_APIC_SIZE = 12;      // struct madt_io_apic
constexpr u32 MADT_INTSRCOVR_SIZE = 10;    // struct madt_intsrcovr, room for 16
constexpr u32 MADT_INTSRCOVR_COUNT = 16;
constexpr u32 MADT_LOCAL_NMI_SIZE = 6;     // struct madt_local_nmi
constexpr u32 HPET_TABLE_SIZE = 56;        // struct acpi_20_hpet
constexpr u32 SRAT_HEADER_SIZE = 48;       // struct system_resource_affinity_table
constexpr u32 SRAT_PROCESSOR_SIZE = 16;    // struct srat_processor_affinity, one per etc/numa-cpu-map entry
constexpr u32 SRAT_MEMORY_SIZE = 40;       // struct srat_memory_affinity, nodes + 2
constexpr u32 MCFG_SIZE = 44 + 16;         // struct acpi_table_mcfg with one allocation (q35)
constexpr u32 RSDT_ENTRY_SIZE = 4;         // struct rsdt_descriptor_rev1: a u32 per table

// build_ssdt: its length, given the AML pieces, for `cpus` processors (capped at 0xff).
constexpr u32 PCI_SLOTS = 32;
constexpr u32 SSDT_MAX_CPUS = 0xff;
u32 ssdt_size(const SeabiosBuiltinAcpi& aml, u32 cpus) {
    return aml.ssdt_misc_size + (1 + 3 + 4)          // Scope(_SB_)
           + cpus * aml.processor_size               // Processor objects
           + (1 + 2 + 5 + 12 * cpus)                 // Method NTFY
           + (6 + 2 + 1 + cpus)                      // Name CPON
           + (1 + 3 + 4)                             // Scope(PCI0)
           + (PCI_SLOTS - 1) * aml.pci_slot_size     // slot devices
           + (1 + 2 + 5 + 12 * (PCI_SLOTS - 1));     // Method PCNT
}

}  // namespace

std::vector<AcpiTableAllocation> builtin_acpi_allocations(const Machine& machine, const SeabiosBuiltinAcpi& aml) {
    std::vector<AcpiTableAllocation> out;
    const bool q35 = machine.type.family == MachineFamily::Q35;
    // acpi_find_tbl: PIIX4 PM or ICH9 LPC. QEMU builds no tables only with ACPI off, and then pc has no
    // PIIX4 PM.
    if (!q35) return out;
    // src/fw/smp.c: MaxCountCPUs is fw_cfg's max-cpus, QEMU's APIC ID limit.
    const u32 max_cpus = x86_apic_id_limit(machine.smp);
    u32 tables = 0;
    out.push_back({"FADT", FADT_REV1_SIZE, MALLOC_MIN_ALIGN});
    out.push_back({"FACS", FACS_REV1_SIZE, FACS_ALIGN});
    ++tables;
    out.push_back({"SSDT", ssdt_size(aml, std::min(max_cpus, SSDT_MAX_CPUS)), MALLOC_MIN_ALIGN});
    ++tables;
    const u32 madt = MADT_HEADER_SIZE + MADT_PROCESSOR_SIZE * max_cpus + MADT_IO_APIC_SIZE +
                     MADT_INTSRCOVR_SIZE * MADT_INTSRCOVR_COUNT + MADT_LOCAL_NMI_SIZE;
    out.push_back({"MADT", madt, MALLOC_MIN_ALIGN});
    ++tables;
    if (machine.hpet) {  // build_hpet: nothing when no HPET answers at its address (hpet=off)
        out.push_back({"HPET", HPET_TABLE_SIZE, MALLOC_MIN_ALIGN});
        ++tables;
    }
    // build_srat: only when fw_cfg's NUMA data names nodes (etc/numa-nodes is empty without -numa).
    if (machine.numa_nodes > 0) {
        const u32 srat = SRAT_HEADER_SIZE + SRAT_PROCESSOR_SIZE * max_cpus + SRAT_MEMORY_SIZE * (machine.numa_nodes + 2);
        out.push_back({"SRAT", srat, MALLOC_MIN_ALIGN});
        ++tables;
    }
    if (q35) {
        out.push_back({"MCFG", MCFG_SIZE, MALLOC_MIN_ALIGN});
        ++tables;
    }
    // No acpi/ fw_cfg files from QEMU, so the built-in DSDT; then the RSDT of the tables above.
    out.push_back({"DSDT", aml.dsdt_size, MALLOC_MIN_ALIGN});
    out.push_back({"RSDT", ACPI_TABLE_HEADER_SIZE + RSDT_ENTRY_SIZE * tables, MALLOC_MIN_ALIGN});
    return out;
}

}  // namespace aperture::seabios
