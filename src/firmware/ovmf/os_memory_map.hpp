#pragma once
// The memory map the OS gets under OVMF: the UEFI memory map as Linux's EFI stub turns it into e820
// (drivers/firmware/efi/libstub/x86-stub.c setup_e820: Reserved, runtime code/data and MMIO become
// reserved, ACPI reclaim acpi, ACPI NVS nvs, loader/boot-services/conventional memory usable), sorted and
// merged as the kernel does (e820__update_table).
//
// Exact: low RAM, the firmware's fixed SEC/PEI work areas below 9 MiB that it keeps for S3 resume, the
// S3 reservation at the top of low RAM, RAM above 4 GiB, the ECAM, the flash and QEMU's own reservations.
// Not exact: the firmware's runtime code and data, ACPI tables and NVS in the PEI memory below that
// reservation, whose pages vary with what the boot loaded; they are one E820Type::FirmwareArea entry
// that holds all of them (checked against the guest's `memmap`, tests/oracle/compare_memmap.py).

#include <vector>

#include "firmware/ovmf/ovmf_release.hpp"
#include "firmware/ovmf/platform_windows.hpp"
#include "machine/e820.hpp"
#include "machine/machine.hpp"

namespace aperture {

// Sorted by address, no overlaps, every entry with its E820Origin.
std::vector<E820Entry> ovmf_os_memory_map(const Machine& machine, const OvmfRelease& release,
                                          const OvmfApertures& apertures);

}  // namespace aperture
