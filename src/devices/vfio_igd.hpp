#pragma once
// An Intel integrated GPU passed through with vfio-pci: what QEMU does for it beyond its BARs. In "legacy
// mode" QEMU lets the video BIOS run in the guest: it asks the firmware, through fw_cfg, for a 1 MiB-aligned
// reserved block below 4 GiB for the GPU's stolen memory (etc/igd-bdsm-size; the firmware writes its address
// to BDSM) and, with x-igd-opregion=on, for a copy of the host's OpRegion (etc/igd-opregion; the firmware
// writes its address to ASLS). The decision is QEMU's (hw/vfio/igd.c, vfio_probe_igd_bar4_quirk; read at
// QEMU 8.2.0, whose version of that function is the one 7.2 shipped).

#include <cstdint>
#include <optional>
#include <string>

#include "core/address.hpp"

namespace aperture {

// IGD config-space registers the host's firmware programs (hw/vfio/igd.c; SeaBIOS src/fw/pciinit.c).
inline constexpr std::size_t kIgdGmchOffset = 0x50;  // IGD_GMCH: graphics control (GTT and stolen sizes)
inline constexpr std::size_t kIgdBdsmOffset = 0x5c;  // IGD_BDSM: base of data stolen memory
inline constexpr std::size_t kIgdAslsOffset = 0xfc;  // ASLS: where the OpRegion is (ACPI OpRegion spec)
inline constexpr std::uint16_t kPciClassDisplayVga = 0x0300;  // include/hw/pci/pci_ids.h PCI_CLASS_DISPLAY_VGA
inline constexpr std::uint16_t kPciVendorIntel = 0x8086;      // PCI_VENDOR_ID_INTEL
// hw/vfio/igd.c: the OpRegion's size as the host kernel's vfio region gives it (drivers/vfio/pci/
// vfio_pci_igd.c OPREGION_SIZE, 8 KiB) when the host says nothing else; a version 2.1+ OpRegion with an
// extended VBT is larger.
inline constexpr u64 kIgdOpRegionDefaultSize = 8 * KiB;
// hw/vfio/igd.c: x-igd-gms values 1..0x10 each ask for 32 MiB of graphics stolen memory.
inline constexpr std::uint32_t kIgdGmsMax = 0x10;
inline constexpr u64 kIgdGmsUnit = 32 * MiB;

// The IGD's config registers as the host firmware left them (the host probe reads them as root).
struct IgdRegisters {
    std::uint32_t gmch = 0;
    std::uint32_t bdsm = 0;
    std::uint32_t asls = 0;

    friend bool operator==(const IgdRegisters&, const IgdRegisters&) = default;
};

bool is_intel_vga(std::uint16_t vendor_id, std::uint16_t class_code);

// hw/vfio/igd.c igd_gen: 6 (Sandy Bridge .. Haswell), 8 (Broadwell and, by assumption, everything newer),
// or nullopt for the parts QEMU refuses in legacy mode.
std::optional<int> igd_generation(std::uint16_t device_id);

// The GTT's stolen memory in MiB as GMCH encodes it for that generation (GGMS field).
u64 igd_gtt_stolen_size(int generation, std::uint32_t gmch);

// Why QEMU leaves legacy mode off: vfio_probe_igd_bar4_quirk's checks, in its order (the first failing one).
enum class IgdLegacyRefusal {
    None,                   // legacy mode is on
    NotAt00020,             // not 00:02.0 on the root bus (QEMU says nothing)
    Slot1fTaken,            // a device other than QEMU's IGD LPC bridge answers at 00:1f.0 (q35's ICH9 LPC)
    UnsupportedGeneration,  // igd_gen: older than Sandy Bridge
    NoRom,                  // no ROM BAR on the host device and no romfile=
    Hotplugged,
};

// What QEMU 7.2 does with an IGD: legacy mode or not (and QEMU's words when not), and what it asks the
// firmware for.
struct IgdAssignment {
    std::string host;  // host= as written
    unsigned guest_device = 0;
    unsigned guest_function = 0;
    bool on_root_bus = false;
    bool legacy = false;
    IgdLegacyRefusal refusal = IgdLegacyRefusal::None;
    // The device has a ROM for the guest to run (the host's ROM BAR, or romfile=): QEMU checks it only after
    // the placement, so a fix that moves the IGD must know whether it also needs romfile=.
    bool has_rom = false;
    std::string legacy_refusal;  // why legacy mode is off, in QEMU's words where QEMU prints any; empty otherwise
    std::string gms_warning;     // QEMU's message for an x-igd-gms it ignored
    std::optional<u64> bdsm_size;     // etc/igd-bdsm-size: legacy mode only; nullopt when GMCH is unknown
    std::optional<u64> opregion_size; // etc/igd-opregion: x-igd-opregion=on only
    std::optional<IgdRegisters> host_registers;
    bool at_00_02_0() const { return on_root_bus && guest_device == 2 && guest_function == 0; }
};

// The facts vfio_probe_igd_bar4_quirk reads, gathered by the machine model.
struct IgdFacts {
    std::string host;
    std::uint16_t device_id = 0;
    bool on_root_bus = false;
    unsigned guest_device = 0;
    unsigned guest_function = 0;
    bool root_slot_1f_taken = false;  // a device other than QEMU's IGD LPC bridge answers at 00:1f.0
    bool has_rom = false;             // the host device has a ROM (a ROM BAR or the shadowed boot VGA ROM) or romfile= is given
    bool hotplugged = false;
    std::optional<IgdRegisters> host_registers;
    std::uint32_t x_igd_gms = 0;
    bool x_igd_opregion = false;
    u64 opregion_size = kIgdOpRegionDefaultSize;
};

// QEMU's realize-time decision. An x-igd-gms above 0x10 is reported and ignored, as QEMU does.
IgdAssignment decide_igd_assignment(const IgdFacts& facts);

}  // namespace aperture
