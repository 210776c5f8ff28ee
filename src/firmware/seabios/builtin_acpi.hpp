#pragma once
// The ACPI tables SeaBIOS builds itself when QEMU gives it none (-machine acpi=off): src/fw/acpi.c
// acpi_setup, reached from qemu_platform_setup when etc/table-loader installs no RSDP. Every table is
// malloc_high'd in ZoneHigh, so their sizes decide how much of it stays reserved in e820. Releases from
// 1.17.0 on no longer carry these tables (35aa9a72 "drop obsolete acpi table code").

#include <string>
#include <vector>

#include "core/address.hpp"
#include "machine/machine.hpp"

namespace aperture {

// The AML a SeaBIOS build compiled in: its iasl's output, so a fact of the build (Debian's differs from
// the .hex files committed upstream), read from the tables' headers in the image.
struct SeabiosBuiltinAcpi {
    u32 dsdt_size;       // sizeof(AmlCode): src/fw/acpi-dsdt.dsl, the DSDT of pc and q35 alike
    u32 ssdt_misc_size;  // sizeof(ssdp_misc_aml): src/fw/ssdt-misc.dsl
    u32 processor_size;  // PROC_SIZEOF: one Processor() object of src/fw/ssdt-proc.dsl
    u32 pci_slot_size;   // PCIHP_SIZEOF: one slot Device() of src/fw/ssdt-pcihp.dsl
};

namespace seabios {

struct AcpiTableAllocation {
    std::string what;  // "DSDT"
    u32 size = 0;
    u32 align = 0;
};

// The tables acpi_setup allocates for this machine when QEMU built none (ACPI off), in its order; none
// when it finds no PIIX4 PM or ICH9 LPC function (pc with ACPI off has no PIIX4 PM).
std::vector<AcpiTableAllocation> builtin_acpi_allocations(const Machine& machine, const SeabiosBuiltinAcpi& aml);

}  // namespace seabios
}  // namespace aperture
