#include "devices/vfio_igd.hpp"

#include <fmt/format.h>

namespace aperture {

namespace {

// hw/vfio/igd.c igd_gen: the device ID's high byte names the generation; Broxton (0x_a84) is gen 8.
constexpr std::uint16_t kBroxtonMask = 0x0fff;
constexpr std::uint16_t kBroxtonId = 0x0a84;
constexpr std::uint16_t kGenerationMask = 0xff00;

}  // namespace

bool is_intel_vga(std::uint16_t vendor_id, std::uint16_t class_code) {
    return vendor_id == kPciVendorIntel && class_code == kPciClassDisplayVga;
}

std::optional<int> igd_generation(std::uint16_t device_id) {
    if ((device_id & kBroxtonMask) == kBroxtonId) return 8;
    switch (device_id & kGenerationMask) {
        // "Old, untested, unavailable, unknown"
        case 0x0000: case 0x2500: case 0x2700: case 0x2900: case 0x2a00: case 0x2e00: case 0x3500: case 0xa000:
            return std::nullopt;
        // Sandy Bridge, Ivy Bridge, Valley View, Haswell
        case 0x0100: case 0x0400: case 0x0a00: case 0x0c00: case 0x0d00: case 0x0f00:
            return 6;
        default:
            return 8;  // Broadwell .. Kaby Lake, and "assume newer is compatible"
    }
}

u64 igd_gtt_stolen_size(int generation, std::uint32_t gmch) {
    // GGMS: bits 9:8 before gen 8 (in MiB), bits 7:6 from gen 8 on (a power of two in MiB).
    const unsigned field = (gmch >> (generation < 8 ? 8 : 6)) & 0x3;
    const u64 mib = generation > 6 ? (u64{1} << field) : field;
    return mib * MiB;
}

IgdAssignment decide_igd_assignment(const IgdFacts& facts) {
    IgdAssignment out;
    out.host = facts.host;
    out.guest_device = facts.guest_device;
    out.guest_function = facts.guest_function;
    out.on_root_bus = facts.on_root_bus;
    out.host_registers = facts.host_registers;
    out.has_rom = facts.has_rom;
    const auto generation = igd_generation(facts.device_id);
    // vfio_probe_igd_bar4_quirk's checks, in its order; the first is silent in QEMU.
    if (!out.at_00_02_0()) {
        out.refusal = IgdLegacyRefusal::NotAt00020;
        out.legacy_refusal = fmt::format(
            "the IGD is at guest {} {:02x}.{}, not 00:02.0 on the root bus: QEMU only enables legacy mode there (and "
            "says nothing)",
            facts.on_root_bus ? "root-bus slot" : "address behind a bridge,", facts.guest_device, facts.guest_function);
    } else if (facts.root_slot_1f_taken) {
        out.refusal = IgdLegacyRefusal::Slot1fTaken;
        out.legacy_refusal = fmt::format("IGD device {} cannot support legacy mode due to existing devices at address 1f.0", facts.host);
    } else if (!generation) {
        out.refusal = IgdLegacyRefusal::UnsupportedGeneration;
        out.legacy_refusal = fmt::format("IGD device {} is unsupported in legacy mode, try SandyBridge or newer", facts.host);
    } else if (!facts.has_rom) {
        out.refusal = IgdLegacyRefusal::NoRom;
        out.legacy_refusal = fmt::format("IGD device {} has no ROM, legacy mode disabled", facts.host);
    } else if (facts.hotplugged) {
        out.refusal = IgdLegacyRefusal::Hotplugged;
        out.legacy_refusal = fmt::format("IGD device {} hotplugged, ROM disabled, legacy mode disabled", facts.host);
    } else {
        out.legacy = true;
    }
    if (out.legacy && facts.host_registers) {
        u64 gms = 0;
        if (facts.x_igd_gms > kIgdGmsMax) {
            out.gms_warning = fmt::format("Unsupported IGD GMS value {:#x}", facts.x_igd_gms);
        } else {
            gms = facts.x_igd_gms * kIgdGmsUnit;
        }
        out.bdsm_size = igd_gtt_stolen_size(*generation, facts.host_registers->gmch) + gms;
    }
    // Legacy mode always sets up the OpRegion; otherwise only x-igd-opregion=on does (hw/vfio/pci.c vfio_realize).
    if (out.legacy || facts.x_igd_opregion) out.opregion_size = facts.opregion_size;
    return out;
}

}  // namespace aperture
