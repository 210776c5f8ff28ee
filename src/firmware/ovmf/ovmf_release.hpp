#pragma once
// The OVMF (edk2) releases aperture models, as data: each one's identity and the facts the model reads
// that a release may change. What every modelled release shares stays in firmware/ovmf/ovmf_layout.hpp.
// The commits named below are edk2's; ../docs/architecture.md has the recipe for adding a release.

#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "core/address.hpp"
#include "firmware/firmware_release.hpp"

namespace aperture {

// PlatformInitLib/Platform.c PlatformMemMapInitialization: the q35 32-bit window.
enum class OvmfQ35Mmio32 {
    AboveEcam,       // 202211: [ECAM end, 0xFC000000), the ECAM at 0xB0000000
    Uc32BaseToEcam,  // 202305 (82c1aa87f9, e4b3fd905a): [4 GiB - pow2floor(4 GiB - low RAM), ECAM base 0xE0000000)
};

// PlatformInitLib/MemDetect.c PlatformAddressWidthFromCpuid: what makes OVMF believe CPUID's phys-bits.
enum class OvmfPhysBitsTrust {
    QemuQuirk,                 // 202211: >= 41, Intel 36/39, AMD 40 (vendor from leaf 0x80000000)
    QemuQuirkOrGuestPhysBits,  // 202408 (603ad2d6ae): also any non-zero GuestPhysBits, which also caps phys-bits
};

// MemDetect.c PlatformDynamicMmioWindow: what opt/ovmf/X-PciMmio64Mb does to the dynamic window.
enum class OvmfMmio64Override {
    OnlyIfLarger,   // 202211: a value smaller than the dynamic window is overridden by it
    Unconditional,  // 202505 (9ac1704af6): any accepted value switches the dynamic window off
};

// OvmfPkg/PciHotPlugInitDxe GetResourcePadding: I/O for a hotplug port without a reservation hint.
enum class OvmfHotplugIo {
    Pads512Bytes,  // 202211
    OnlyOnHint,    // 202308 (27727338b2): none unless io-reserve asks
};

// PlatformInitLib MemDetect.c PlatformQemuInitializeRamForS3: which fixed MEMFD pages below the SEC/PEI
// temporary RAM stay ACPI NVS for S3 resume.
enum class OvmfS3WorkAreas {
    LockBoxAndHandlerTable,      // 202211 (observed): 0x806000-0x807FFF only; SEC's page tables are usable
    PageTablesAndWorkArea,       // 2025.02, 2026.08 (observed): also SEC's page tables 0x800000 and the work area 0x80B000
};

struct OvmfRelease {
    FirmwareIdentity identity;
    std::string_view distributions;  // who ships it, for the report: "Debian 13 (trixie)"
    // OvmfPkg/OvmfPkgX64.dsc PcdPciExpressBaseAddress, programmed into the MCH's PCIEXBAR (82c1aa87f9 moved it).
    u64 pci_express_base_address;
    OvmfQ35Mmio32 q35_mmio32;
    OvmfPhysBitsTrust phys_bits_trust;
    // PlatformAddressWidthFromCpuid without 5-level paging: "avoid 5-level paging" 47, then 46 (c1e8537690).
    unsigned four_level_phys_bits_cap;
    // MemDetect.c PlatformReservationConflictCB (c0a0b9bc35): the dynamic window moves below every etc/e820
    // entry it overlaps (AMD's HyperTransport hole), by its own size.
    bool dynamic_window_avoids_e820;
    // MemDetect.c PlatformAddHobCB (bf65d7ee88): QEMU's reserved e820 entries become reserved memory the OS sees.
    bool passes_e820_reservations;
    OvmfMmio64Override mmio64_override;
    OvmfHotplugIo hotplug_io;
    // OvmfPkgX64.fdf [FD.MEMFD] PcdOvmfSecPeiTempRamBase (absolute): the SEC/PEI temporary RAM and PEI
    // firmware volume from here to 9 MiB stay ACPI NVS for S3 resume (PlatformPei MemDetect.c). 202411 moved
    // it up a page for PcdOvmfSecSvsmCaa/ApicPageTable; 202605's MemFd.fdf.inc three more (IGVM pages).
    u64 sec_pei_temp_ram_base = 0x81'0000;
    OvmfS3WorkAreas s3_work_areas = OvmfS3WorkAreas::PageTablesAndWorkArea;
    // MemFd.fdf.inc PcdOvmfIgvmParamBase (absolute; 0: none): 202605 added the IGVM parameter page, which
    // the firmware keeps as runtime data even without IGVM (observed on 2026.08: one RT_Data page).
    u64 igvm_param_page = 0;
};

// Oldest first; Debian 12's is the default.
inline constexpr std::array kOvmfReleases{
    OvmfRelease{{FirmwareKind::Ovmf, "2022.11", "ovmf-edk2-stable202211", "OVMF edk2-stable202211 (Debian 2022.11)",
                 "edk2-stable202211", "Debian 2022.11-6+deb12u2", ReleaseEvidence::RealBinary},
                "Debian 12 (bookworm)", 0xB000'0000, OvmfQ35Mmio32::AboveEcam,
                OvmfPhysBitsTrust::QemuQuirk, 47, false, false, OvmfMmio64Override::OnlyIfLarger, OvmfHotplugIo::Pads512Bytes, 0x81'0000,
                OvmfS3WorkAreas::LockBoxAndHandlerTable},
    OvmfRelease{{FirmwareKind::Ovmf, "2024.02", "ovmf-edk2-stable202402", "OVMF edk2-stable202402 (Ubuntu 2024.02)",
                 "edk2-stable202402", "Ubuntu 2024.02-2ubuntu0.x", ReleaseEvidence::UpstreamSource},
                "Ubuntu 24.04 (noble)", 0xE000'0000, OvmfQ35Mmio32::Uc32BaseToEcam,
                OvmfPhysBitsTrust::QemuQuirk, 46, true, true, OvmfMmio64Override::OnlyIfLarger, OvmfHotplugIo::OnlyOnHint, 0x81'0000},
    OvmfRelease{{FirmwareKind::Ovmf, "2024.11", "ovmf-edk2-stable202411", "OVMF edk2-stable202411 (RHEL 20241117)",
                 "edk2-stable202411", "RHEL edk2-ovmf 20241117", ReleaseEvidence::UpstreamSource},
                "RHEL 9.6-9.8, RHEL 10.0", 0xE000'0000, OvmfQ35Mmio32::Uc32BaseToEcam,
                OvmfPhysBitsTrust::QemuQuirkOrGuestPhysBits, 46, true, true, OvmfMmio64Override::OnlyIfLarger,
                OvmfHotplugIo::OnlyOnHint, 0x81'1000},
    // Debian's build carries 9ac1704af6 from 202505: real boots with X-PciMmio64Mb below the dynamic window's size
    // put the window where the classic rule does (tests/oracle, seed 1510).
    OvmfRelease{{FirmwareKind::Ovmf, "2025.02", "ovmf-edk2-stable202502", "OVMF edk2-stable202502 (Debian 2025.02)",
                 "edk2-stable202502 + 9ac1704af6", "Debian 2025.02-8+deb13u1", ReleaseEvidence::RealBinary},
                "Debian 13 (trixie)", 0xE000'0000, OvmfQ35Mmio32::Uc32BaseToEcam,
                OvmfPhysBitsTrust::QemuQuirkOrGuestPhysBits, 46, true, true, OvmfMmio64Override::Unconditional,
                OvmfHotplugIo::OnlyOnHint, 0x81'1000},
    OvmfRelease{{FirmwareKind::Ovmf, "2025.05", "ovmf-edk2-stable202505", "OVMF edk2-stable202505 (Fedora 20250523)",
                 "edk2-stable202505", "Fedora edk2-ovmf 20250523", ReleaseEvidence::UpstreamSource},
                "Fedora 42, RHEL 10.1, Proxmox VE 9.0-9.1", 0xE000'0000,
                OvmfQ35Mmio32::Uc32BaseToEcam, OvmfPhysBitsTrust::QemuQuirkOrGuestPhysBits, 46, true, true,
                OvmfMmio64Override::Unconditional, OvmfHotplugIo::OnlyOnHint, 0x81'1000},
    OvmfRelease{{FirmwareKind::Ovmf, "2025.08", "ovmf-edk2-stable202508", "OVMF edk2-stable202508 (Fedora 20250812)",
                 "edk2-stable202508", "Fedora edk2-ovmf 20250812", ReleaseEvidence::UpstreamSource},
                "Fedora 42-43", 0xE000'0000, OvmfQ35Mmio32::Uc32BaseToEcam,
                OvmfPhysBitsTrust::QemuQuirkOrGuestPhysBits, 46, true, true, OvmfMmio64Override::Unconditional,
                OvmfHotplugIo::OnlyOnHint, 0x81'1000},
    OvmfRelease{{FirmwareKind::Ovmf, "2026.08", "ovmf-edk2-stable202608", "OVMF edk2 2026.08 (Debian 2026.08)",
                 "edk2-stable202605 + master to 2026-08", "Debian 2026.08+ds-2 (ovmf-generic)", ReleaseEvidence::RealBinary},
                "Debian sid (forky)", 0xE000'0000, OvmfQ35Mmio32::Uc32BaseToEcam,
                OvmfPhysBitsTrust::QemuQuirkOrGuestPhysBits, 46, true, true, OvmfMmio64Override::Unconditional,
                OvmfHotplugIo::OnlyOnHint, 0x81'4000, OvmfS3WorkAreas::PageTablesAndWorkArea, 0x81'2000},
};

// Debian 12's release: what aperture models unless asked for another.
const OvmfRelease& default_ovmf_release();
// "2022.11"; nullptr for a release aperture does not model.
const OvmfRelease* find_ovmf_release(std::string_view name);
std::vector<std::string> ovmf_release_names();

}  // namespace aperture
