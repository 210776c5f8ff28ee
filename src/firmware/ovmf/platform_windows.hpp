#pragma once
// OVMF's PEI phase (OvmfPkg/Library/PlatformInitLib, per OvmfRelease): the IO, 32-bit and 64-bit PCI
// apertures the host bridge driver later allocates from, and why the 64-bit one is where it is.

#include <optional>
#include <string>
#include <vector>

#include "core/range.hpp"
#include "firmware/ovmf/ovmf_release.hpp"
#include "machine/machine.hpp"

namespace aperture {

enum class Mmio64Choice {
    Dynamic,  // the top eighth of the address space OVMF trusts (PlatformDynamicMmioWindow)
    Classic,  // PcdPciMmio64Size, naturally aligned above RAM and hotplug memory
    None,     // X-PciMmio64Mb=0 with phys-bits OVMF does not trust: no 64-bit aperture
};
const char* to_string(Mmio64Choice choice);

// PlatformAddressWidthFromCpuid: why OVMF believes (or not) the phys-bits CPUID reports.
enum class OvmfTrust {
    GuestPhysBits,          // 202408+: any non-zero GuestPhysBits
    Wide,                   // 41 bits or more
    IntelWidth,             // "GenuineIntel" in leaf 0x80000000 with 36 or 39
    AmdWidth,               // "AuthenticAMD" with 40
    NotTrusted,
    NotTrustedBlankVendor,  // an Intel 36/39 that QEMU 10.1+ machine types hide the vendor of
};
const char* to_string(OvmfTrust trust);
const char* trust_key(OvmfTrust trust);  // JSON: "guest-phys-bits", "wide", "intel-36-39", "amd-40", "not-trusted", "blank-vendor"

struct OvmfApertures {
    AddressRange io = AddressRange::from_first_and_last(0, 0);
    AddressRange mem32 = AddressRange::from_first_and_last(0, 0);
    std::optional<AddressRange> mem64;
    std::optional<AddressRange> ecam;  // q35: where OVMF programs PCIEXBAR
    // PcdPciMmio64Size after PEI: PciHotPlugInitDxe sizes its default prefetchable padding from it, and
    // 0 keeps IncompatiblePciDeviceSupportDxe from pinning 64-bit BARs above 4 GiB.
    u64 mmio64_size = 0;
    Mmio64Choice choice = Mmio64Choice::Classic;
    unsigned cpuid_phys_bits = 0;  // what CPUID 0x80000008 reports
    unsigned guest_phys_bits = 0;  // what OVMF read of CPUID 0x80000008 EAX[23:16] (0 before 202408)
    OvmfTrust trust = OvmfTrust::NotTrusted;
    bool phys_bits_trusted = false;
    unsigned address_width = 0;    // PhysMemAddressWidth OVMF settles on: what its page tables map
    std::optional<u64> x_pci_mmio64_mb;  // the fw_cfg value OVMF accepted
    std::string reason;                  // the choice in a user's words
    std::vector<std::string> notes;      // fw_cfg items OVMF ignored
};

// Throws InputError for an fw_cfg file= aperture cannot read, UnsupportedError for CPUs OVMF cannot run.
OvmfApertures ovmf_apertures(const Machine& machine, const OvmfRelease& release);

// opt/ovmf/X-PciMmio64Mb as QemuFwCfgParseUint32 reads it (decimal, one trailing newline, at most
// 2^32-1); nullopt where OVMF ignores the item.
std::optional<u64> parse_x_pci_mmio64_mb(const std::string& content);

}  // namespace aperture
