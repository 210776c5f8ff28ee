#pragma once
// The e820 memory map: what QEMU hands the firmware (fw_cfg etc/e820) and what firmware hands the OS.

#include <string>
#include <vector>

#include "core/address.hpp"

namespace aperture {

// ACPI (3) and NVS (4) appear in tables Xen's hvmloader builds (tools/firmware/hvmloader/e820.c) and in the
// table Linux's EFI stub builds from OVMF's memory map.
enum class E820Type {
    Ram = 1,
    Reserved = 2,
    Acpi = 3,
    Nvs = 4,
    // Not an e820 type: a span of low RAM (OVMF, firmware/ovmf/os_memory_map.hpp) that is usable except the
    // firmware's runtime code and data, ACPI tables and NVS, whose exact pages aperture does not predict.
    FirmwareArea = 0x100,
};

// Why an entry is there, where a firmware model says (OVMF's OS memory map); Unspecified otherwise.
enum class E820Origin {
    Unspecified,
    QemuRam,             // RAM of QEMU's etc/e820 table
    QemuReservation,     // a reserved entry of QEMU's etc/e820 table the firmware passes on
    FirmwareWorkArea,    // the firmware's fixed SEC/PEI work areas kept for S3 resume
    FirmwareAllocations, // the firmware's runtime code and data, ACPI tables and NVS
    PciExpressEcam,      // the PCI Express ECAM (MMCONFIG) the firmware programs
    FirmwareFlash,       // the pflash firmware image mapped below 4 GiB
    FirmwareIgvmParameters,  // OVMF's IGVM parameter page, kept as runtime data (202605 on)
};

struct E820Entry {
    u64 start = 0;
    u64 size = 0;
    E820Type type = E820Type::Ram;
    E820Origin origin = E820Origin::Unspecified;
    friend bool operator==(const E820Entry&, const E820Entry&) = default;
};

const char* to_string(E820Type type);
// "qemu-ram", ...; "" for Unspecified.
const char* to_string(E820Origin origin);

// A table kept sorted by address with no overlaps: adding a range replaces whatever it covers and
// merges with neighbours of the same type, as SeaBIOS's e820_add does (src/e820map.c).
class E820Map {
public:
    void add(u64 start, u64 size, E820Type type);
    void remove(u64 start, u64 size);
    const std::vector<E820Entry>& entries() const { return entries_; }

private:
    void insert(u64 start, u64 size, E820Type type);
    std::vector<E820Entry> entries_;
};

}  // namespace aperture
