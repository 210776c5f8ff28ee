#include "firmware/ovmf/os_memory_map.hpp"

#include <algorithm>
#include <string>

#include <fmt/format.h>

#include "core/address.hpp"
#include "core/error.hpp"

namespace aperture {
namespace {

// --- Low RAM below 9 MiB (OvmfPkgX64.fdf [FD.MEMFD], PlatformPei MemDetect.c with S3 supported) --------
// QEMU's 0xA0000-0xFFFFF (VGA and BIOS ROM area) is no memory in OVMF's map at all: the OS gets no entry.
constexpr u64 LEGACY_HOLE_START = 0xA'0000;
constexpr u64 LEGACY_HOLE_END = 0x10'0000;
// MEMFD_BASE_ADDRESS: SEC's page tables (0x6000), then the lock box (0x1000) and the guided-extract handler
// table (0x1000); OvmfRelease::s3_work_areas says which of them stay ACPI NVS.
constexpr u64 MEMFD_BASE = 0x80'0000;
constexpr u64 LOCK_BOX_BASE = 0x80'6000;
constexpr u64 MEMFD_S3_PAGES_END = 0x80'8000;
// PcdOvmfWorkAreaBase (0x1000), ACPI NVS; the SEV GHCB pages between are plain memory without SEV.
constexpr u64 WORK_AREA_BASE = 0x80'B000;
constexpr u64 WORK_AREA_SIZE = 0x1000;
// PcdOvmfDxeMemFvBase: the decompressed DXE firmware volume, boot-services data (usable) from here.
constexpr u64 DXE_MEM_FV_BASE = 0x90'0000;

// --- The top of low RAM (MemDetect.c PublishPeiMemory, GetPeiMemoryCap) ---------------------------------
// S3AcpiReservedMemorySize = 512 KiB + max CPUs * PcdCpuApStackSize (OvmfPkgX64.dsc 0x8000), ACPI NVS at the
// very top (observed 0x88000 with one CPU, edk2-stable202211 to 2026.08).
constexpr u64 S3_RESERVED_BASE_SIZE = 512 * KiB;
constexpr u64 AP_STACK_SIZE = 0x8000;
// The PEI memory below it: 64 MiB, the AP stacks and the identity-map page tables DxeIpl builds for
// PhysMemAddressWidth. The DXE core allocates top-down inside it first; every runtime, ACPI and NVS page the
// firmware leaves lies in it (every boot of the oracle, see the report).
constexpr u64 PEI_MEMORY_BASE_SIZE = 64 * MiB;
constexpr u64 PAGE_SIZE = 4 * KiB;

// --- Above low RAM -----------------------------------------------------------------------------------
// The 4 MiB pflash image of OVMF_CODE_4M.fd + OVMF_VARS_4M.fd ends at 4 GiB; the flash driver marks it
// runtime MMIO (OvmfPkg/QemuFlashFvbServicesRuntimeDxe), which the stub reports reserved.
constexpr u64 FLASH_SIZE = 4 * MiB;
constexpr u64 FLASH_END = 4 * GiB;

u64 pei_memory_cap(const Machine& machine, const OvmfApertures& apertures) {
    const u64 max_address = u64{1} << apertures.address_width;
    u64 level2 = max_address >> 30;
    const u64 level3 = std::max<u64>(level2 >> 9, 1);
    const u64 level4 = std::max<u64>(level3 >> 9, 1);
    const u64 level5 = 1;
    if (machine.cpu.pdpe1gb) level2 = 0;  // 1 GiB pages: no page directories
    const u64 page_tables = (level5 + level4 + level3 + level2) * PAGE_SIZE;
    return page_tables + machine.smp.max_cpus * AP_STACK_SIZE + PEI_MEMORY_BASE_SIZE;
}

class OsMemoryMap {
public:
    void add(u64 start, u64 end, E820Type type, E820Origin origin) {
        if (end > start) entries_.push_back({start, end - start, type, origin});
    }
    // Sorted, adjacent entries of one type and origin merged, as the kernel's e820__update_table merges them.
    std::vector<E820Entry> take() {
        std::sort(entries_.begin(), entries_.end(), [](const E820Entry& a, const E820Entry& b) { return a.start < b.start; });
        std::vector<E820Entry> out;
        for (const auto& e : entries_) {
            if (!out.empty() && out.back().type == e.type && out.back().origin == e.origin && out.back().start + out.back().size == e.start) {
                out.back().size += e.size;
            } else {
                out.push_back(e);
            }
        }
        return out;
    }

private:
    std::vector<E820Entry> entries_;
};

}  // namespace

std::vector<E820Entry> ovmf_os_memory_map(const Machine& machine, const OvmfRelease& release,
                                          const OvmfApertures& apertures) {
    OsMemoryMap map;
    const u64 low_top = machine.memory.below_4g;
    // PlatformPei's S3 reservation and the DXE firmware volume must both fit in low RAM; a VM this small
    // with this many possible CPUs never reaches the OS, and the map would be meaningless.
    const auto ap_stacks = checked_mul(u64{machine.smp.max_cpus}, AP_STACK_SIZE);
    const auto s3_size = ap_stacks ? checked_add(S3_RESERVED_BASE_SIZE, *ap_stacks) : std::nullopt;
    const auto needed = s3_size ? checked_add(*s3_size, DXE_MEM_FV_BASE) : std::nullopt;
    if (!needed || low_top < *needed) {
        throw UnsupportedError(fmt::format("OVMF's memory map is not modelled for {} of RAM below 4 GiB with {} possible CPUs: "
                                           "its S3 reservation and DXE volume need {} there",
                                           human_size(low_top), machine.smp.max_cpus,
                                           needed ? human_size(*needed) : std::string("more than 2^64 bytes")));
    }
    const u64 s3_reserved = low_top - *s3_size;
    const u64 pei_memory = s3_reserved - std::min(pei_memory_cap(machine, apertures), s3_reserved - DXE_MEM_FV_BASE);

    map.add(0, LEGACY_HOLE_START, E820Type::Ram, E820Origin::QemuRam);
    map.add(LEGACY_HOLE_END, MEMFD_BASE, E820Type::Ram, E820Origin::QemuRam);  // merged by take() when adjacent
    if (release.s3_work_areas == OvmfS3WorkAreas::PageTablesAndWorkArea) {
        map.add(MEMFD_BASE, MEMFD_S3_PAGES_END, E820Type::Nvs, E820Origin::FirmwareWorkArea);
        map.add(MEMFD_S3_PAGES_END, WORK_AREA_BASE, E820Type::Ram, E820Origin::QemuRam);
        map.add(WORK_AREA_BASE, WORK_AREA_BASE + WORK_AREA_SIZE, E820Type::Nvs, E820Origin::FirmwareWorkArea);
        if (release.igvm_param_page != 0) {
            map.add(WORK_AREA_BASE + WORK_AREA_SIZE, release.igvm_param_page, E820Type::Ram, E820Origin::QemuRam);
            map.add(release.igvm_param_page, release.igvm_param_page + PAGE_SIZE, E820Type::Reserved, E820Origin::FirmwareIgvmParameters);
            map.add(release.igvm_param_page + PAGE_SIZE, release.sec_pei_temp_ram_base, E820Type::Ram, E820Origin::QemuRam);
        } else {
            map.add(WORK_AREA_BASE + WORK_AREA_SIZE, release.sec_pei_temp_ram_base, E820Type::Ram, E820Origin::QemuRam);
        }
    } else {
        map.add(MEMFD_BASE, LOCK_BOX_BASE, E820Type::Ram, E820Origin::QemuRam);
        map.add(LOCK_BOX_BASE, MEMFD_S3_PAGES_END, E820Type::Nvs, E820Origin::FirmwareWorkArea);
        map.add(MEMFD_S3_PAGES_END, release.sec_pei_temp_ram_base, E820Type::Ram, E820Origin::QemuRam);
    }
    map.add(release.sec_pei_temp_ram_base, DXE_MEM_FV_BASE, E820Type::Nvs, E820Origin::FirmwareWorkArea);
    map.add(DXE_MEM_FV_BASE, pei_memory, E820Type::Ram, E820Origin::QemuRam);
    map.add(pei_memory, s3_reserved, E820Type::FirmwareArea, E820Origin::FirmwareAllocations);
    map.add(s3_reserved, low_top, E820Type::Nvs, E820Origin::FirmwareWorkArea);

    // PlatformPei reserves the ECAM it programs (q35 only).
    if (apertures.ecam) map.add(apertures.ecam->first(), apertures.ecam->last() + 1, E820Type::Reserved, E820Origin::PciExpressEcam);
    map.add(FLASH_END - FLASH_SIZE, FLASH_END, E820Type::Reserved, E820Origin::FirmwareFlash);

    // DXE core's GCD map spans only PhysMemAddressWidth: a reservation past it is never added
    // (CoreInitializeGcdServices ignores resource HOBs beyond SizeOfMemorySpace), so with GuestPhysBits
    // narrowing the width the AMD HyperTransport entry of QEMU's etc/e820 disappears from the OS's map.
    const u64 gcd_end = u64{1} << apertures.address_width;
    for (const auto& e : machine.memory.qemu_e820) {
        const auto end = checked_add(e.start, e.size);
        if (e.type == E820Type::Reserved && (!end || *end > gcd_end)) continue;
        if (e.type == E820Type::Ram && e.start >= 4 * GiB) {
            map.add(e.start, e.start + e.size, E820Type::Ram, E820Origin::QemuRam);
        } else if (e.type == E820Type::Reserved && release.passes_e820_reservations) {
            map.add(e.start, e.start + e.size, E820Type::Reserved, E820Origin::QemuReservation);
        }
    }
    return map.take();
}

}  // namespace aperture
