#include "firmware/ovmf/platform_windows.hpp"

#include <algorithm>
#include <bit>
#include <cctype>
#include <fstream>
#include <iterator>
#include <fmt/format.h>

#include "core/error.hpp"
#include "core/input_file.hpp"
#include "firmware/ovmf/ovmf_layout.hpp"

namespace aperture {

using namespace ovmf;

namespace {

std::optional<std::string> fw_cfg_content(const Machine& machine, const std::string& name) {
    for (const auto& item : machine.fw_cfg) {
        if (item.name != name) continue;
        if (item.string_value) return *item.string_value;
        if (item.file) {
            try {
                return read_input_file(*item.file, kFwCfgFileKind);
            } catch (const InputError& error) {
                throw InputError(fmt::format("{}: -fw_cfg name={},file={}: {}", item.where.text, name, *item.file, error.what()));
            }
        }
        return std::nullopt;  // gen_id: not a number OVMF could parse
    }
    return std::nullopt;
}

// PlatformGetSystemMemorySizeBelow4gb / PlatformScanOrAdd64BitE820Ram over fw_cfg etc/e820.
struct RamExtent {
    u64 top_below_4g = 0;
    u64 first_non_address = 4 * GiB;
};

RamExtent scan_e820(const Machine& machine) {
    RamExtent extent;
    for (const auto& e : machine.memory.qemu_e820) {
        if (e.type != E820Type::Ram) continue;
        const u64 end = add_or_throw(e.start, e.size, "e820 entry");
        extent.first_non_address = std::max(extent.first_non_address, end);
        if (end < 4 * GiB) extent.top_below_4g = std::max(extent.top_below_4g, end);
    }
    return extent;
}

std::string window_text(const AddressRange& r) {
    return fmt::format("[{}, {}) ({})", hex(r.first()), hex(r.last() + 1), human_size(r.size()));
}

}  // namespace

const char* to_string(OvmfTrust trust) {
    switch (trust) {
        case OvmfTrust::GuestPhysBits: return "the CPU reports GuestPhysBits";
        case OvmfTrust::Wide: return "41 bits or more";
        case OvmfTrust::IntelWidth: return "an Intel CPU with 36 or 39 bits";
        case OvmfTrust::AmdWidth: return "an AMD CPU with 40 bits";
        case OvmfTrust::NotTrustedBlankVendor:
            return "an Intel width, but this machine type leaves the vendor out of CPUID 0x80000000, where OVMF reads it";
        case OvmfTrust::NotTrusted: return "not a width OVMF trusts for this vendor";
    }
    return "";
}

const char* trust_key(OvmfTrust trust) {
    switch (trust) {
        case OvmfTrust::GuestPhysBits: return "guest-phys-bits";
        case OvmfTrust::Wide: return "wide";
        case OvmfTrust::IntelWidth: return "intel-36-39";
        case OvmfTrust::AmdWidth: return "amd-40";
        case OvmfTrust::NotTrustedBlankVendor: return "blank-vendor";
        case OvmfTrust::NotTrusted: return "not-trusted";
    }
    return "";
}

const char* to_string(Mmio64Choice choice) {
    switch (choice) {
        case Mmio64Choice::Dynamic: return "dynamic";
        case Mmio64Choice::Classic: return "classic";
        case Mmio64Choice::None: return "none";
    }
    return "classic";
}

std::optional<u64> parse_x_pci_mmio64_mb(const std::string& content) {
    std::string text = content;
    // QemuFwCfgGetAsString stops at an embedded NUL terminator; StripNewline drops one "\n" or "\r\n".
    if (const auto nul = text.find('\0'); nul != std::string::npos) text.resize(nul);
    if (!text.empty() && text.back() == '\n') text.pop_back();
    if (!text.empty() && text.back() == '\r') text.pop_back();
    std::size_t i = 0;
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;  // AsciiStrDecimalToUint64S
    if (i == text.size() || !std::isdigit(static_cast<unsigned char>(text[i]))) return std::nullopt;
    u64 value = 0;
    for (; i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])); ++i) {
        const auto next = checked_add(value * 10, static_cast<u64>(text[i] - '0'));
        if (value > u64{0xFFFF'FFFF} || !next) return std::nullopt;
        value = *next;
    }
    if (i != text.size() || value > 0xFFFF'FFFF) return std::nullopt;
    return value;
}

OvmfApertures ovmf_apertures(const Machine& machine, const OvmfRelease& release) {
    if (!machine.cpu.long_mode) {
        throw UnsupportedError("OVMF needs a 64-bit CPU (long mode); this -cpu has none, and aperture models only the X64 DXE of OVMF");
    }
    OvmfApertures out;
    const RamExtent ram = scan_e820(machine);
    const bool q35 = machine.type.family == MachineFamily::Q35;

    // PlatformMemMapInitialization, PlatformQemuUc32BaseInitialization
    const u64 uc32_base = 4 * GiB - power_of_two_floor(4 * GiB - ram.top_below_4g);
    if (q35) {
        out.ecam = AddressRange::from_start_and_size(release.pci_express_base_address, PCI_EXPRESS_SIZE);
        out.mem32 = release.q35_mmio32 == OvmfQ35Mmio32::AboveEcam
                        ? AddressRange::from_first_and_last(out.ecam->last() + 1, PCI_MMIO32_END - 1)
                        : AddressRange::from_first_and_last(uc32_base, release.pci_express_base_address - 1);
        out.io = AddressRange::from_start_and_size(Q35_PCI_IO_BASE, Q35_PCI_IO_SIZE);
    } else {
        out.mem32 = AddressRange::from_first_and_last(uc32_base, PCI_MMIO32_END - 1);
        out.io = AddressRange::from_start_and_size(I440FX_PCI_IO_BASE, I440FX_PCI_IO_SIZE);
    }

    // PlatformGetFirstNonAddress: the classic window.
    u64 size = DEFAULT_PCI_MMIO64_SIZE;
    u64 base = 0;
    if (const auto content = fw_cfg_content(machine, X_PCI_MMIO64_MB_FW_CFG)) {
        const auto mb = parse_x_pci_mmio64_mb(*content);
        if (mb && *mb <= MAX_X_PCI_MMIO64_MB) {
            out.x_pci_mmio64_mb = *mb;
            size = *mb * MiB;
        } else {
            out.notes.push_back(fmt::format("OVMF ignores {}={:?}: it takes a decimal number of MiB up to {} (16 TiB)", X_PCI_MMIO64_MB_FW_CFG,
                                            *content, MAX_X_PCI_MMIO64_MB));
        }
    }
    u64 first_non_address = ram.first_non_address;
    if (size != 0) {
        if (machine.memory.reserved_memory_end) first_non_address = *machine.memory.reserved_memory_end;
        base = align_up_or_throw(first_non_address, MMIO64_GRANULE, "OVMF 64-bit window");
        size = align_up_or_throw(size, MMIO64_GRANULE, "OVMF 64-bit window");
        base = align_up_or_throw(base, power_of_two_floor(size), "OVMF 64-bit window");
        first_non_address = add_or_throw(base, size, "OVMF 64-bit window");
    }

    // PlatformAddressWidthFromCpuid with the QEMU quirk.
    const GuestCpu& cpu = machine.cpu;
    out.cpuid_phys_bits = cpu.phys_bits;
    const bool reads_guest_phys_bits = release.phys_bits_trust == OvmfPhysBitsTrust::QemuQuirkOrGuestPhysBits;
    const unsigned guest_bits = reads_guest_phys_bits ? cpu.guest_phys_bits : 0;
    out.guest_phys_bits = guest_bits;
    unsigned bits = cpu.phys_bits;
    const std::string& signature = cpu.extended_leaf_vendor;
    if (guest_bits != 0) {
        out.trust = OvmfTrust::GuestPhysBits;
    } else if (bits >= ALWAYS_TRUSTED_PHYS_BITS) {
        out.trust = OvmfTrust::Wide;
    } else if (signature == "GenuineIntel" && (bits == 36 || bits == 39)) {
        out.trust = OvmfTrust::IntelWidth;
    } else if (signature == "AuthenticAMD" && bits == 40) {
        out.trust = OvmfTrust::AmdWidth;
    } else {
        out.trust = signature.empty() && cpu.vendor == "GenuineIntel" && (bits == 36 || bits == 39) ? OvmfTrust::NotTrustedBlankVendor
                                                                                                     : OvmfTrust::NotTrusted;
    }
    out.phys_bits_trusted = out.trust != OvmfTrust::NotTrusted && out.trust != OvmfTrust::NotTrustedBlankVendor;
    std::string clamp;
    if (guest_bits != 0 && bits > guest_bits) {
        clamp = fmt::format(" (capped at GuestPhysBits {})", guest_bits);
        bits = guest_bits;
    }
    if (out.phys_bits_trusted) {
        const unsigned cap = release.four_level_phys_bits_cap;
        if (bits > cap) {
            clamp = fmt::format(" (phys-bits {} capped at {} for 4-level paging)", bits, cap);
            bits = cap;
        }
        if (!cpu.pdpe1gb && bits > MAX_PHYS_BITS_WITHOUT_1G_PAGES) {
            clamp = fmt::format(" (phys-bits {} capped at {} because the CPU has no 1 GiB pages: add pdpe1gb=on to -cpu to use more)",
                                bits, MAX_PHYS_BITS_WITHOUT_1G_PAGES);
            bits = MAX_PHYS_BITS_WITHOUT_1G_PAGES;
        }
        out.address_width = bits;
    }

    const std::string distrust = out.trust == OvmfTrust::NotTrustedBlankVendor ? fmt::format(": {}", to_string(out.trust)) : "";
    const std::string x_text = out.x_pci_mmio64_mb ? fmt::format("X-PciMmio64Mb={}", *out.x_pci_mmio64_mb) : "";
    const bool override_wins = release.mmio64_override == OvmfMmio64Override::Unconditional && out.x_pci_mmio64_mb.has_value();
    if (out.phys_bits_trusted && override_wins) {
        // PlatformDynamicMmioWindow, 202505+: "using fwcfg override for mmio window".
        out.choice = size == 0 ? Mmio64Choice::None : Mmio64Choice::Classic;
        if (size != 0) out.mem64 = AddressRange::from_start_and_size(base, size);
        out.reason = fmt::format("OVMF {} trusts phys-bits {} ({}), but {} switches its dynamic window off: {}", release.identity.name,
                                 cpu.phys_bits, to_string(out.trust), x_text,
                                 size == 0 ? "there is no 64-bit window, so every BAR must fit below 4 GiB"
                                           : "the classic window " + window_text(*out.mem64) + ", aligned to its size above RAM and hotplug memory");
    } else if (out.phys_bits_trusted) {
        // PlatformDynamicMmioWindow
        const u64 addr_space = u64{1} << bits;
        const u64 mmio_space = u64{1} << (bits - DYNAMIC_WINDOW_SHIFT);
        const auto top = checked_add(base, mmio_space);
        if (size < mmio_space && top && *top < addr_space) {
            size = mmio_space;
            base = addr_space - mmio_space;
            std::string moved;
            if (release.dynamic_window_avoids_e820) {
                // PlatformReservationConflictCB, over etc/e820 in its order: any entry the window overlaps.
                for (const auto& e : machine.memory.qemu_e820) {
                    const u64 end = add_or_throw(e.start, e.size, "e820 entry");
                    if (std::max(e.start, base) >= std::min(end, base + size)) continue;
                    const u64 from = base;
                    if (e.start < size) {
                        throw UnsupportedError(fmt::format("OVMF would move its 64-bit window below the e820 entry at {}, "
                                                           "which is smaller than the window: edk2's arithmetic wraps (not modelled)",
                                                           hex(e.start)));
                    }
                    base = (e.start - size) & ~(size - 1);
                    moved += fmt::format("; it overlapped the e820 entry [{}, {}), so OVMF moved it down from {} to {}", hex(e.start),
                                         hex(end), hex(from), hex(base));
                }
            }
            out.choice = Mmio64Choice::Dynamic;
            out.mem64 = AddressRange::from_start_and_size(base, size);
            out.reason = fmt::format(
                "OVMF {} trusts phys-bits {} ({}){}, so it puts the 64-bit window in the top eighth of the "
                "{}-bit address space: {}{}{}",
                release.identity.name, cpu.phys_bits, to_string(out.trust), clamp, bits, window_text(*out.mem64), moved,
                out.x_pci_mmio64_mb ? fmt::format("; {} is smaller than that and is overridden", x_text) : "");
        } else {
            out.choice = Mmio64Choice::Classic;
            out.mem64 = AddressRange::from_start_and_size(base, size);
            out.reason = size >= mmio_space
                             ? fmt::format("{} asks for at least the top eighth of the {}-bit address space, so OVMF keeps the "
                                           "classic window {} above RAM and hotplug memory",
                                           x_text.empty() ? "the configured size" : x_text, bits, window_text(*out.mem64))
                             : fmt::format("the dynamic window ({} at the top of the {}-bit space) would not clear RAM and hotplug "
                                           "memory, so OVMF keeps the classic window {}",
                                           human_size(mmio_space), bits, window_text(*out.mem64));
        }
    } else if (size == 0) {
        out.choice = Mmio64Choice::None;
        out.reason = fmt::format("OVMF {} does not trust phys-bits {} on a {} CPU{} and {} disables the classic window: there is "
                                 "no 64-bit window, so every BAR must fit below 4 GiB",
                                 release.identity.name, cpu.phys_bits, cpu.vendor, distrust, x_text);
    } else {
        out.choice = Mmio64Choice::Classic;
        out.mem64 = AddressRange::from_start_and_size(base, size);
        out.reason = fmt::format(
            "OVMF {} does not trust phys-bits {} on a {} CPU{} (it trusts AMD 40, Intel 36 or 39, and 41 or more{}), so it uses "
            "the classic window: {}{}, aligned to its size above RAM and hotplug memory: {}",
            release.identity.name, cpu.phys_bits, cpu.vendor, distrust, reads_guest_phys_bits ? ", and any GuestPhysBits" : "",
            human_size(size), x_text.empty() ? "" : " from " + x_text, window_text(*out.mem64));
    }
    if (!out.phys_bits_trusted) {
        // PlatformAddressWidthInitialization: wide enough for the highest address PEI computed, at least 36.
        out.address_width = std::max(static_cast<unsigned>(std::bit_width(first_non_address - 1)), UNTRUSTED_MIN_ADDRESS_WIDTH);
    }
    out.mmio64_size = out.mem64 ? out.mem64->size() : 0;
    return out;
}

}  // namespace aperture
