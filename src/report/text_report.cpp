#include "report/text_report.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <bit>

#include "report/labels.hpp"
#include "report/stack_words.hpp"

namespace aperture {

namespace {

std::string window_text(const WindowView& w) {
    if (!w.open()) return "closed";
    return fmt::format("{:#x}-{:#x}", w.base, w.limit);
}

std::string space_end(unsigned phys_bits) {
    return fmt::format("{:#x} ({})", (u64{1} << phys_bits) - 1, human_size(u64{1} << phys_bits));
}

}  // namespace

// Each part of the stack, where it came from, and what had a say but could not choose.
std::string render_stack_text(const Plan& plan) {
    std::string out;
    const auto entries = stack_entries(plan);
    std::size_t width = 0;
    for (const auto& e : entries) width = std::max(width, e.chosen.size());
    const char* label = "Stack";
    for (const auto& e : entries) {
        out += fmt::format("{:<10}{:<{}}  {}\n", label, e.chosen, width, e.origin);
        label = "";
        for (const auto& note : e.notes) out += fmt::format("{:<10}note: {}\n", "", note);
    }
    return out;
}

namespace {

void machine_section(std::string& out, const Plan& plan) {
    const Machine& m = plan.machine;
    out += fmt::format("aperture plan: {}\n", stack_title(plan));
    out += render_stack_text(plan);
    out += fmt::format("CPU       {} ({}), phys-bits {} ({}): guest-physical space ends at {}\n", m.cpu.model, m.cpu.vendor,
                       m.cpu.phys_bits, m.cpu.phys_bits_origin, space_end(m.cpu.phys_bits));
    if (reports_guest_phys_bits(m.cpu)) {
        out += fmt::format("          guest-phys-bits {} ({})\n", m.cpu.guest_phys_bits, m.cpu.guest_phys_bits_origin);
    }
    const MemoryLayout& mem = m.memory;
    if (mem.ram_size == 0) return;
    out += fmt::format("RAM       {}: {} below 4 GiB", human_size(mem.ram_size), human_size(mem.below_4g));
    if (mem.above_4g > 0) out += fmt::format(", {} at {:#x}", human_size(mem.above_4g), mem.above_4g_start);
    out += "\n";
    if (mem.relocated_above_1tib) {
        out += "          QEMU moved RAM above 4 GiB to 1 TiB: this AMD guest's addresses reach the HyperTransport hole 0xfd00000000-0xffffffffff\n";
    }
    if (mem.device_memory) {
        out += fmt::format("Hotplug   device memory {:#x}-{:#x} ({}), etc/reserved-memory-end {:#x}\n", mem.device_memory->base,
                           mem.device_memory->base + mem.device_memory->size - 1, human_size(mem.device_memory->size),
                           mem.reserved_memory_end.value_or(0));
    }
    out += fmt::format("64-bit    pci-hole64 starts at {:#x}, size {}; highest address QEMU checks: {:#x}\n", mem.pci_hole64_start,
                       human_size(mem.pci_hole64_size), mem.max_used_gpa);
}

void e820_section(std::string& out, const FirmwareResult& fw) {
    if (!fw.e820_modelled) {
        out += "\nMemory map: not predicted for OVMF (the OS builds it from the UEFI memory map); RAM is as above\n";
        return;
    }
    if (fw.e820.empty()) return;
    out += "\nMemory map handed to the OS (e820)\n";
    bool firmware_area = false;
    for (const auto& e : fw.e820) {
        std::string line = fmt::format("  {:#018x}-{:#018x}  {:<8}  {}", e.start, e.start + e.size - 1, to_string(e.type), human_size(e.size));
        if (e.origin != E820Origin::Unspecified) line += fmt::format("  ({})", to_string(e.origin));
        out += line + "\n";
        firmware_area = firmware_area || e.type == E820Type::FirmwareArea;
    }
    if (firmware_area) {
        out += "  firmware-area: usable RAM except the firmware's runtime code and data, ACPI tables and NVS, whose\n"
               "  exact pages vary with the boot; everything outside it is exact\n";
    }
}

void windows_section(std::string& out, const FirmwareResult& fw) {
    out += "\nPCI windows the firmware allocated from\n";
    auto line = [&](const char* name, const std::optional<AddressRange>& r) {
        if (r) out += fmt::format("  {:<7} {:#x}-{:#x} ({})\n", name, r->first(), r->last(), human_size(r->size()));
        else out += fmt::format("  {:<7} none\n", name);
    };
    line("io", fw.windows.io);
    line("32-bit", fw.windows.mem32);
    line("64-bit", fw.windows.mem64);
    if (fw.mmio64_choice) out += fmt::format("  64-bit window choice: {}. {}\n", fw.mmio64_choice->kind, fw.mmio64_choice->reason);
}

// The expanders' root buses: the firmware allocates them from the windows above, and QEMU's ACPI tables hand each
// its share (_CRS), which is what the guest OS uses for that root bus.
void root_buses_section(std::string& out, const std::vector<RootBusWindows>& roots) {
    if (roots.empty()) return;
    out += "\nExtra root buses (QEMU's ACPI _CRS for each, from what the firmware programmed)\n";
    for (const RootBusWindows& w : roots) {
        out += fmt::format("  bus {:02x}-{:02x}  {}{}{}\n", w.bus_nr, w.last_bus, w.expander_driver,
                           w.expander_id.empty() ? std::string() : " '" + w.expander_id + "'",
                           w.numa_node ? fmt::format(", NUMA node {}", *w.numa_node) : std::string());
        auto list = [&](const char* name, const std::vector<AddressRange>& ranges) {
            if (ranges.empty()) {
                out += fmt::format("    {:<7} none\n", name);
                return;
            }
            for (const AddressRange& r : ranges) out += fmt::format("    {:<7} {:#x}-{:#x} ({})\n", name, r.first(), r.last(), human_size(r.size()));
        };
        list("io", w.io);
        list("32-bit", w.mem32);
        list("64-bit", w.mem64);
    }
}

void shortfall_section(std::string& out, const FirmwareResult& fw) {
    if (!fw.shortfall) return;
    const WindowShortfall& s = *fw.shortfall;
    out += fmt::format("\nThe firmware dropped BARs: the root bus asked for a 64-bit window of {} ({:#x} bytes, aligned to {})", human_size(s.needed),
                       s.needed, human_size(s.needed_alignment));
    if (fw.windows.mem64) out += fmt::format(", and the window is {}", human_size(fw.windows.mem64->size()));
    out += ".\n";
    for (const auto& u : fw.unassigned) out += fmt::format("  unassigned: {} {} ({})\n", u.bdf.to_string(), u.what, human_size(u.size));
    if (s.fitting_x_pci_mmio64_mb) {
        out += fmt::format("  The first window that holds everything: -fw_cfg name=opt/ovmf/X-PciMmio64Mb,string={} ({}).\n",
                           *s.fitting_x_pci_mmio64_mb, human_size(*s.fitting_x_pci_mmio64_mb * MiB));
    } else {
        out += "  No X-PciMmio64Mb up to 16 TiB holds everything inside the guest's phys-bits.\n";
    }
}

void functions_section(std::string& out, const FirmwareResult& fw) {
    out += "\nPCI functions\n";
    out += fmt::format("  {:<8} {:<10} {:<18} {:>3}  {:<13} {:>9}  {}\n", "BDF", "id", "driver", "BAR", "kind", "size", "address");
    for (const auto& f : fw.functions) {
        const auto& spec = f.node->function;
        const std::string id = f.node->id.empty() ? "-" : f.node->id;
        if (!f.reachable) out += fmt::format("  {:<8} (the bus numbers the firmware set leave no path to the next function)\n", "");
        if (spec.bars.empty()) out += fmt::format("  {:<8} {:<10} {:<18}\n", f.bdf.to_string(), id, spec.driver);
        for (std::size_t i = 0; i < spec.bars.size(); ++i) {
            const BarSpec& bar = spec.bars[i];
            const BarAssignment& a = f.bars[i];
            std::string address = a.address ? fmt::format("{:#x}", *a.address) : "UNASSIGNED";
            if (a.address && bar.kind == BarKind::Rom) address += " (ROM, not enabled)";
            const bool first = i == 0;
            out += fmt::format("  {:<8} {:<10} {:<18} {:>3}  {:<13} {:>9}  {}\n", first ? f.bdf.to_string() : "",
                               first ? id : "", first ? spec.driver : "", bar.kind == BarKind::Rom ? std::string("rom") : std::to_string(bar.index),
                               bar_kind_label(bar), human_size(bar.size), address);
        }
        if (f.bridge) {
            out += fmt::format("  {:<8} bridge to bus {}-{}: io {}, mem {}, pref {}\n", "", f.bridge->secondary_bus, f.bridge->subordinate_bus,
                               window_text(f.bridge->io), window_text(f.bridge->memory), window_text(f.bridge->prefetchable));
        }
    }
}

void checks_section(std::string& out, const Plan& plan) {
    const FirmwareResult& fw = *plan.firmware;
    const unsigned phys_bits = plan.machine.cpu.phys_bits;
    const auto highest = highest_assigned_bar(fw);
    if (!highest) return;
    const std::string owner = fmt::format("{} BAR{}", highest->bdf.to_string(), highest->index);
    if (bar_beyond_phys_bits(plan)) {
        out += fmt::format("\nWarning: {} ends at {:#x}, beyond the guest's {} physical address bits; {} does "
                           "not check this, and the guest cannot reach it (it needs phys-bits >= {}).\n",
                           owner, highest->last, phys_bits, plan.stack.firmware == FirmwareKind::Ovmf ? "OVMF" : "SeaBIOS", address_bits(highest->last));
    } else {
        out += fmt::format("\nHighest BAR address: {:#x} ({}); it needs phys-bits >= {}, the guest has {}.\n", highest->last,
                           owner, address_bits(highest->last), phys_bits);
    }
}

}  // namespace

// The Intel IGD: QEMU's legacy-mode decision and where the firmware put the stolen memory and OpRegion.
void igd_section(std::string& out, const Plan& plan) {
    if (!plan.machine.igd) return;
    const IgdAssignment& igd = *plan.machine.igd;
    out += fmt::format("\nIntel IGD (host {})\n", igd.host);
    out += igd.legacy ? "  legacy mode  on: QEMU asks the firmware for stolen memory and the OpRegion\n"
                      : fmt::format("  legacy mode  off: {}\n", igd.legacy_refusal);
    const IgdPlacement* placed = plan.firmware && plan.firmware->igd ? &*plan.firmware->igd : nullptr;
    const auto where = [](const std::optional<u64>& address) {
        return address ? fmt::format("at {:#010x}", *address) : std::string("not placed");
    };
    if (igd.opregion_size) {
        out += fmt::format("  OpRegion     {} (etc/igd-opregion), {}\n", human_size(*igd.opregion_size),
                           placed ? where(placed->opregion) : std::string("not placed"));
    }
    if (igd.legacy && !igd.bdsm_size) {
        out += "  stolen mem   size unknown: the host's GMCH register was not read (run `aperture host` as root)\n";
    } else if (igd.bdsm_size) {
        out += fmt::format("  stolen mem   {} (etc/igd-bdsm-size), {}\n", human_size(*igd.bdsm_size),
                           placed ? where(placed->bdsm) : std::string("not placed"));
    }
    if (placed) {
        for (const auto& problem : placed->problems) out += fmt::format("  problem      {}\n", problem);
        for (const auto& note : placed->notes) out += fmt::format("  note         {}\n", note);
    }
}

std::string render_text(const Plan& plan) {
    std::string out;
    machine_section(out, plan);
    for (const auto& note : plan.machine.notes) out += fmt::format("Note      {}\n", note);
    if (plan.outcome == Outcome::Refused) {
        out += fmt::format("\nQEMU refuses to start:\n  {}\n", plan.refusal);
        const u64 max_used = plan.machine.memory.max_used_gpa;
        if (plan.refusal.find("phys-bits too low") != std::string::npos && max_used != 0) {
            out += fmt::format("  The highest address this VM uses is {:#x}; it needs phys-bits >= {}.\n", max_used, address_bits(max_used));
        }
        return out;
    }
    const FirmwareResult& fw = *plan.firmware;
    e820_section(out, fw);
    windows_section(out, fw);
    root_buses_section(out, plan.root_buses);
    functions_section(out, fw);
    shortfall_section(out, fw);
    igd_section(out, plan);
    for (const auto& note : fw.notes) out += fmt::format("\nNote: {}\n", note);
    if (!fw.failed) checks_section(out, plan);
    out += fmt::format("\nOutcome: {}\n", outcome_summary(plan));
    return out;
}

}  // namespace aperture
