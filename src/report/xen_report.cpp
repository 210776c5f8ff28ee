#include "report/xen_report.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/json_shapes.hpp"
#include "plan/plan_view.hpp"
#include "report/json_report.hpp"

namespace aperture {

namespace {

std::string bar_label(const HvmloaderBar& b) {
    if (b.kind == BarKind::Rom) return "ROM";
    return fmt::format("BAR {}", b.index);
}

std::string bar_kind(const HvmloaderBar& b) {
    if (b.kind == BarKind::Io) return "io";
    if (b.kind == BarKind::Rom) return "rom";
    return b.is64 ? "mem64" : "mem32";
}

}  // namespace

std::string render_xen_text(const XenPlan& plan) {
    std::string out = fmt::format("aperture plan: {} HVM guest{}\n", xen_model_summary(plan),
                                  plan.config.name.empty() ? "" : " '" + plan.config.name + "'");
    out += fmt::format("  {} ({})\n", kXenNotChecked, release_tag(plan.release));
    if (!plan.refusal.empty()) {
        out += fmt::format("\nOutcome: xl/libxl refuses the domain\n  libxl: error: {}\n", plan.refusal);
        return out;
    }
    const LibxlMemoryLayout& m = plan.memory;
    const HvmloaderDetails& d = plan.hvmloader->details;
    out += "\nMemory (libxl):\n";
    out += fmt::format("  guest RAM           {} (maxmem {} MiB - video RAM {} MiB)\n", human_size(m.ram_bytes), plan.config.max_memory_mib(), m.video_memkb / 1024);
    out += fmt::format("  RAM below 4 GiB     [0x100000, {})  {}\n", hex(d.low_mem_end), human_size(d.low_mem_end - 0x100000));
    if (d.high_mem_end) out += fmt::format("  RAM above 4 GiB     [0x100000000, {})  {}\n", hex(d.high_mem_end), human_size(d.high_mem_end - 4 * GiB));
    out += fmt::format("  mmio_hole           {}\n", m.mmio_hole_size ? fmt::format("{} (platform/mmio_hole_size; qemu max-ram-below-4g={})", human_size(*m.mmio_hole_size), m.max_ram_below_4g ? hex(*m.max_ram_below_4g) : "-") : "not set (default hole from 0xf0000000)");
    out += fmt::format("  RAM relocation      {}{}\n", d.memory_relocation_allowed ? "allowed" : "not allowed (allow-memory-relocate=0)",
                       d.relocated_bytes ? fmt::format(", {} moved above 4 GiB by hvmloader", human_size(d.relocated_bytes)) : "");
    out += fmt::format("  guest phys-bits     {} ({})\n", plan.phys_bits, plan.phys_bits_source);

    out += fmt::format("\nhvmloader pci_setup:\n");
    out += fmt::format("  BARs counted        {} (mmio_total)\n", human_size(d.mmio_total));
    out += fmt::format("  low hole            [{}, {})  {}{}\n", hex(d.pci_mem_start), hex(d.pci_mem_end), human_size(d.pci_mem_end - d.pci_mem_start), d.hole_from_mmio_hole ? " from mmio_hole" : "");
    out += fmt::format("  64-bit relocation   {}\n", d.bar64_relocate ? fmt::format("on: 64-bit BARs may go above RAM from {} up to 2^{}", hex(d.high_base), plan.phys_bits) : "off: every BAR fits the low hole");
    const CrsWindows crs = crs_windows(d);
    out += fmt::format("  _CRS windows        low {}{}\n", crs.low.to_string(), crs.high ? ", high " + crs.high->to_string() : ", no high window");
    out += fmt::format("  free after boot     low from {}, {} left\n", hex(d.low_free_start), human_size(d.pci_mem_end > d.low_free_start ? d.pci_mem_end - d.low_free_start : 0));
    if (d.igd_opregion) out += fmt::format("  IGD OpRegion        {} (3 pages, ACPI NVS)\n", hex(*d.igd_opregion));

    out += "\nPCI bus 0 (assignment order, largest first):\n";
    for (const auto& b : d.bars) {
        const PciNode& n = plan.bus.functions[b.function];
        const auto host = plan.bus.host_addresses.find(b.function);
        std::string owner = n.function.driver;
        if (host != plan.bus.host_addresses.end()) owner += fmt::format(" {}", host->second.substr(5));
        out += fmt::format("  {:02x}.{} {:<20} {:<6} {:<6} {:>9}  {}{}\n", n.devfn.device, n.devfn.function, owner, bar_label(b), bar_kind(b),
                           human_size(b.size), b.address ? hex(*b.address) : "unassigned: no space for resource!",
                           b.high ? " (above RAM)" : b.fixed_at_top ? " (top of the hole)" : "");
    }
    out += "\ne820 (hvmloader build_e820_table):\n";
    for (const auto& e : plan.hvmloader->firmware.e820) {
        out += fmt::format("  {:#018x}-{:#018x}  {:<8}  {}\n", e.start, e.start + e.size - 1, to_string(e.type), human_size(e.size));
    }
    out += "\nhvmloader prints (its BAR and memory lines):\n";
    for (const auto& line : d.log) out += "  " + line + "\n";
    std::vector<std::string> notes = plan.notes;
    notes.insert(notes.end(), plan.hvmloader->firmware.notes.begin(), plan.hvmloader->firmware.notes.end());
    notes.insert(notes.end(), plan.config.unmodelled.begin(), plan.config.unmodelled.end());
    if (!notes.empty()) {
        out += "\nNotes:\n";
        for (const auto& n : notes) out += "  - " + n + "\n";
    }
    const auto& unassigned = plan.hvmloader->firmware.unassigned;
    out += fmt::format("\nOutcome: {}\n", unassigned.empty() ? "every BAR assigned" : fmt::format("{} BAR(s) unassigned (aperture check --xl proposes a fix)", unassigned.size()));
    return out;
}

std::string render_xen_json(const XenPlan& plan) {
    using json_shape::put_address;
    using nlohmann::ordered_json;
    ordered_json j;
    j["schema"] = "aperture-xen-plan/2";
    j["platform"] = "xen-hvm";
    j["model"] = {{"xen", release_tag(plan.release)}, {"firmware", model_name(plan.release)}, {"device_model", to_string(plan.config.device_model)},
                  {"checked_against_running_system", false}, {"note", kXenNotChecked}};
    const PlanView view = view_of(plan);
    json_shape::put_outcome(j, {to_string(view.outcome), xen_plan_failed(plan), plan.refusal.empty() ? nullptr : "xl", plan.refusal});
    if (plan.hvmloader) {
        const LibxlMemoryLayout& m = plan.memory;
        const HvmloaderDetails& d = plan.hvmloader->details;
        j["memory"] = {{"ram_size", m.ram_bytes},
                       {"video_ram_size", m.video_memkb * 1024},
                       {"ram_below_4g", d.low_mem_end},
                       {"ram_above_4g", d.high_mem_end ? d.high_mem_end - 4 * GiB : 0},
                       {"mmio_hole_size", m.mmio_hole_size ? ordered_json(*m.mmio_hole_size) : ordered_json(nullptr)},
                       {"memory_relocation_allowed", d.memory_relocation_allowed},
                       {"relocated_size", d.relocated_bytes}};
        j["phys_bits"] = {{"bits", plan.phys_bits}, {"source", plan.phys_bits_source}};
        const CrsWindows crs = crs_windows(d);
        ordered_json h;
        h["mmio_total"] = d.mmio_total;
        // hvmloader's bounds are exclusive ends; a range names the last byte.
        h["low_hole"] = d.pci_mem_end > d.pci_mem_start ? json_shape::range(AddressRange::from_first_and_last(d.pci_mem_start, d.pci_mem_end - 1))
                                                        : ordered_json(nullptr);
        h["hole_from_mmio_hole"] = d.hole_from_mmio_hole;
        h["bar64_relocate"] = d.bar64_relocate;
        h["high_space"] = d.high_limit > d.high_base ? json_shape::range(AddressRange::from_first_and_last(d.high_base, d.high_limit - 1))
                                                     : ordered_json(nullptr);
        put_address(h, "low_free_start", d.low_free_start);
        h["crs"] = {{"low", json_shape::range(crs.low)}, {"high", json_shape::range(crs.high)}};
        put_address(h, "igd_opregion", d.igd_opregion);
        h["log"] = d.log;
        j["hvmloader"] = h;
        auto bars = ordered_json::array();
        for (const auto& b : d.bars) {
            const PciNode& n = plan.bus.functions[b.function];
            const auto host = plan.bus.host_addresses.find(b.function);
            ordered_json bar{{"pci_address", json_shape::pci_address(Bdf{0, n.devfn})},
                             {"driver", n.function.driver},
                             {"host_pci_address", host != plan.bus.host_addresses.end() ? ordered_json(json_shape::full_pci_address(host->second)) : ordered_json(nullptr)}};
            bar.update(json_shape::bar({b.index, json_shape::bar_json_kind(b.kind == BarKind::Io, b.kind == BarKind::Rom, b.is64), b.prefetchable, b.size, b.address}));
            bar["above_ram"] = b.high;
            bars.push_back(std::move(bar));
        }
        j["bars"] = bars;
        auto e820 = ordered_json::array();
        for (const auto& e : plan.hvmloader->firmware.e820) {
            ordered_json entry = json_shape::range(AddressRange::from_start_and_size(e.start, e.size));
            entry["type"] = to_string(e.type);
            e820.push_back(std::move(entry));
        }
        j["e820"] = e820;
        auto unassigned = ordered_json::array();
        for (const auto& u : plan.hvmloader->firmware.unassigned) unassigned.push_back(unassigned_json(u));
        j["unassigned"] = unassigned;
    }
    std::vector<std::string> notes = plan.notes;
    if (plan.hvmloader) notes.insert(notes.end(), plan.hvmloader->firmware.notes.begin(), plan.hvmloader->firmware.notes.end());
    notes.insert(notes.end(), plan.config.unmodelled.begin(), plan.config.unmodelled.end());
    j["notes"] = notes;
    return json_shape::document_text(j);
}

}  // namespace aperture
