#include "report/xen_report.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

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
    nlohmann::ordered_json j;
    j["schema"] = "aperture-xen-plan/1";
    j["platform"] = "xen-hvm";
    j["model"] = {{"xen", release_tag(plan.release)}, {"firmware", model_name(plan.release)}, {"device_model", to_string(plan.config.device_model)},
                  {"checked_against_running_system", false}, {"note", kXenNotChecked}};
    j["refused"] = plan.refusal.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(plan.refusal);
    if (plan.hvmloader) {
        const LibxlMemoryLayout& m = plan.memory;
        const HvmloaderDetails& d = plan.hvmloader->details;
        j["memory"] = {{"ram_bytes", m.ram_bytes},
                       {"video_ram_bytes", m.video_memkb * 1024},
                       {"low_ram_end", hex(d.low_mem_end)},
                       {"high_ram_end", d.high_mem_end ? nlohmann::ordered_json(hex(d.high_mem_end)) : nlohmann::ordered_json(nullptr)},
                       {"mmio_hole_size", m.mmio_hole_size ? nlohmann::ordered_json(*m.mmio_hole_size) : nlohmann::ordered_json(nullptr)},
                       {"memory_relocation_allowed", d.memory_relocation_allowed},
                       {"relocated_bytes", d.relocated_bytes}};
        j["phys_bits"] = {{"bits", plan.phys_bits}, {"source", plan.phys_bits_source}};
        const CrsWindows crs = crs_windows(d);
        j["hvmloader"] = {{"mmio_total", d.mmio_total},
                          {"pci_mem_start", hex(d.pci_mem_start)},
                          {"pci_mem_end", hex(d.pci_mem_end)},
                          {"hole_from_mmio_hole", d.hole_from_mmio_hole},
                          {"bar64_relocate", d.bar64_relocate},
                          {"high_base", hex(d.high_base)},
                          {"high_limit", hex(d.high_limit)},
                          {"low_free_start", hex(d.low_free_start)},
                          {"crs", {{"low", {{"first", hex(crs.low.first())}, {"last", hex(crs.low.last())}}},
                                   {"high", crs.high ? nlohmann::ordered_json({{"first", hex(crs.high->first())}, {"last", hex(crs.high->last())}}) : nlohmann::ordered_json(nullptr)}}},
                          {"igd_opregion", d.igd_opregion ? nlohmann::ordered_json(hex(*d.igd_opregion)) : nlohmann::ordered_json(nullptr)},
                          {"log", d.log}};
        auto bars = nlohmann::ordered_json::array();
        for (const auto& b : d.bars) {
            const PciNode& n = plan.bus.functions[b.function];
            const auto host = plan.bus.host_addresses.find(b.function);
            bars.push_back({{"slot", fmt::format("{:02x}.{}", n.devfn.device, n.devfn.function)},
                            {"device", n.function.driver},
                            {"host", host != plan.bus.host_addresses.end() ? nlohmann::ordered_json(host->second) : nlohmann::ordered_json(nullptr)},
                            {"bar", b.index},
                            {"kind", bar_kind(b)},
                            {"size", b.size},
                            {"address", b.address ? nlohmann::ordered_json(hex(*b.address)) : nlohmann::ordered_json(nullptr)},
                            {"above_ram", b.high}});
        }
        j["bars"] = bars;
        auto e820 = nlohmann::ordered_json::array();
        for (const auto& e : plan.hvmloader->firmware.e820) e820.push_back({{"start", hex(e.start)}, {"size", e.size}, {"type", to_string(e.type)}});
        j["e820"] = e820;
        j["unassigned"] = plan.hvmloader->firmware.unassigned.size();
    }
    std::vector<std::string> notes = plan.notes;
    if (plan.hvmloader) notes.insert(notes.end(), plan.hvmloader->firmware.notes.begin(), plan.hvmloader->firmware.notes.end());
    notes.insert(notes.end(), plan.config.unmodelled.begin(), plan.config.unmodelled.end());
    j["notes"] = notes;
    j["failed"] = xen_plan_failed(plan);
    return j.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

}  // namespace aperture
