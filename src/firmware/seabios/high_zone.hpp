#pragma once
// SeaBIOS 1.16.2's ZoneHigh at boot: what it holds when malloc_prepboot hands the rest back, and so the
// size of the reserved e820 entry SeaBIOS leaves at the top of RAM below 4 GiB.
//
// malloc_preinit reserves the top BUILD_MAX_HIGHTABLE (16 MiB) of the highest RAM entry below 4 GiB as
// ZoneHigh. Everything SeaBIOS keeps for the OS or for its own runtime drivers is allocated there, top
// down and first fit (src/malloc.c alloc_new); malloc_prepboot then returns the free space below the
// lowest live allocation, rounded down to 4 KiB ("Returned N bytes of ZoneHigh"). What stays reserved is
// therefore fixed by the sequence of allocations and frees, which this file reproduces:
//
//   smbios_setup      the SMBIOS structure table, when it is longer than BUILD_MAX_SMBIOS_FSEG
//   table-loader      QEMU's ACPI tables blob, always padded to ACPI_BUILD_TABLE_SIZE (128 KiB); with ACPI
//                     off, the tables SeaBIOS 1.16 builds itself instead (firmware/seabios/builtin_acpi.hpp)
//   usb_setup         xHCI / EHCI / UHCI rings and contexts (freed again when no USB device is taken)
//   block_setup       AHCI ports with a drive, virtio-blk and virtio-scsi queues, NVMe queues
//   USB enumeration   each xHCI device's control pipe and slot context, a boot keyboard's or mouse's
//                     interrupt buffer (firmware/seabios/usb_boot_devices.hpp)
//   late frees        virtio-scsi without a registered LUN, USB controllers without a taken device
//
// Option ROMs (iPXE) only ask PMM for temporary memory (flags 2: ZoneTmpHigh), VGA BIOSes for none.
// The sizes are those of Debian's bios-256k.bin (a 32-bit build of rel-1.16.2), read from a debug
// build of the same tag ("phys_alloc ... ret=") and checked against real boots.

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "core/address.hpp"
#include "firmware/seabios/builtin_acpi.hpp"
#include "firmware/seabios/seabios_release.hpp"
#include "machine/machine.hpp"

namespace aperture::seabios {

// src/malloc.c: ZoneHigh's allocator. A list of ranges from the top of the zone down, each holding one
// allocation at its bottom (the slack above it is what alignment left over); the last range is the
// zone's free space. Allocation takes the first range, from the top, whose slack fits; a free hands
// the range to the one below it.
class HighZone {
public:
    HighZone(u32 start, u32 end);

    // alloc_new: the address of the new block, or nullopt when nothing fits.
    std::optional<u32> allocate(u32 size, u32 align);
    // alloc_free of the block that starts at `address`; false when there is none.
    bool free(u32 address);
    // malloc_prepboot: the free space below the lowest allocation, rounded down to 4 KiB.
    u32 giveback() const;

private:
    struct Range {
        u32 start = 0;
        u32 end = 0;
        u32 size = 0;  // of the allocation at `start`; 0 for the zone's free space
    };
    std::vector<Range> ranges_;  // highest first; the last is the free space alloc_add created
};

// One step SeaBIOS takes in ZoneHigh, in the order it takes them.
struct HighZoneStep {
    enum class Kind { Allocate, Free };
    Kind kind = Kind::Allocate;
    std::string what;  // "ACPI tables", "00:03.0 nvme I/O submission queue"
    u32 size = 0;      // Allocate
    u32 align = 0;     // Allocate
    int frees = -1;    // Free: the index of the Allocate step it undoes
};

struct HighZonePlan {
    std::vector<HighZoneStep> steps;
    // Where real boots race, the other orders SeaBIOS may take (each virtio-scsi controller's target scan
    // may finish before NVMe allocates, independently of the others): the same steps, reordered. Empty
    // when the order is fixed.
    std::vector<std::vector<HighZoneStep>> alternative_steps;
    std::vector<std::string> notes;  // what the prediction assumes where real boots vary
};

// A function SeaBIOS's PCI scan found, in its device list order, with what pciinit wrote to its BARs
// (drivers refuse a memory BAR they cannot reach: pci_enable_membar).
struct FoundFunction {
    const PciNode* node = nullptr;
    std::array<std::optional<u64>, 7> bars{};
};

// The steps SeaBIOS takes in ZoneHigh for this machine, in boot order. Throws UnsupportedError for a
// machine outside what was measured (USB devices SeaBIOS's answer to is unmeasured, passed-through SCSI
// devices, a TPM, controllers SeaBIOS drives that aperture has no allocation sequence for, ACPI tables
// that may not fit QEMU's padding).
// `builtin_acpi` is the release's own tables (SeabiosRelease::builtin_acpi), built when ACPI is off;
// `usb_hid` how many USB keyboards and mice it drives (SeabiosRelease::usb_hid).
HighZonePlan plan_high_zone(const Machine& machine, const std::vector<FoundFunction>& functions,
                            const std::optional<SeabiosBuiltinAcpi>& builtin_acpi, SeabiosUsbHid usb_hid);

// What malloc_prepboot gives back of the zone [zone_start, zone_start + zone_size) after `plan`.
u64 high_zone_giveback(const HighZonePlan& plan, u64 zone_start, u64 zone_size);

// QEMU 7.2's SMBIOS structure table (hw/smbios/smbios.c smbios_get_tables, no -smbios options) plus
// the type 0 table SeaBIOS adds (src/fw/biostables.c smbios_build_tables): its length in bytes.
u32 smbios_table_length(const Machine& machine);

// An upper bound of the raw ACPI tables QEMU 7.2 builds for this machine, before the padding.
u64 acpi_tables_bound(const Machine& machine);

}  // namespace aperture::seabios
