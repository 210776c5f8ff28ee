#include "report/spapr_report.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/json_shapes.hpp"
#include "machine/spapr/verification.hpp"
#include "plan/plan_view.hpp"

namespace aperture {

namespace {

using nlohmann::ordered_json;
using spapr::SpaprPhb;


std::string span(const AddressRange& r) { return fmt::format("{:#x}-{:#x}", r.first(), r.last()); }

const char* bar_kind_name(const BarSpec& b) {
    if (b.kind == BarKind::Io) return "io";
    if (b.kind == BarKind::Rom) return "rom";
    if (b.is64) return b.prefetchable ? "mem64 pref" : "mem64";
    return b.prefetchable ? "mem32 pref" : "mem32";
}

const BarSpec* bar_spec(const spapr::SpaprFunction& f, int index) {
    for (const auto& b : f.function.bars) {
        if (b.index == index) return &b;
    }
    return nullptr;
}

// "SS.F" on the PHB's root bus, "BB:SS.F" behind a bridge (as the pseries oracle names them).
std::string slot_name(const spapr::SpaprFunction& f) {
    if (f.bus == 0) return fmt::format("{:02x}.{}", f.devfn.device, f.devfn.function);
    return fmt::format("{:02x}:{:02x}.{}", f.bus, f.devfn.device, f.devfn.function);
}

std::string bridge_window_text(const slof::BridgeWindow& w) {
    return w.open() ? fmt::format("{:#x}-{:#x}", w.base, w.limit) : fmt::format("closed (base {:#x}, limit {:#x})", w.base, w.limit);
}

std::string bridge_line(const slof::BridgeWindows& w) {
    return fmt::format("          bridge to bus {:02x}-{:02x}: io {}, mem {}, {}-bit pref {}\n", w.secondary, w.subordinate,
                       bridge_window_text(w.io), bridge_window_text(w.mem), w.pref_is_64 ? 64 : 32, bridge_window_text(w.pref));
}

std::string page_name(unsigned shift) {
    if (shift >= 30) return fmt::format("{}G", u64{1} << (shift - 30));
    if (shift >= 20) return fmt::format("{}M", u64{1} << (shift - 20));
    return fmt::format("{}K", u64{1} << (shift - 10));
}

std::string release_line(const SpaprPlan& plan) {
    const auto& m = plan.machine;
    return fmt::format("aperture plan: QEMU {} {} with SLOF 20220719; {}", plan.hypervisor_model.substr(5), m.type.name,
                       spapr::verification_text(m.type.release));
}

ordered_json verification_json(spapr::QemuRelease release) {
    const spapr::SpaprVerification v = spapr::spapr_verification(release);
    const auto keys = [](const std::vector<spapr::SpaprPart>& parts) {
        ordered_json out = ordered_json::array();
        for (const auto part : parts) out.push_back(std::string(spapr::part_key(part)));
        return out;
    };
    return {{"checked_against", v.stack.empty() ? ordered_json(nullptr) : ordered_json(std::string(v.stack))},
            {"checked", keys(v.checked)},
            {"source_only", keys(v.source_only)},
            {"record", v.record.empty() ? ordered_json(nullptr) : ordered_json(std::string(v.record))}};
}

void text_phb(std::string& out, const SpaprPhb& phb, const slof::PhbAssignment* slof) {
    out += fmt::format("\nPHB index {} ({}bus {}), BUID {:#x}, LIOBNs {:#x} {:#x}\n", phb.index,
                       phb.is_default ? "default, " : (phb.id.empty() ? "" : "id " + phb.id + ", "), phb.bus_name, phb.placement.buid,
                       phb.placement.liobns[0], phb.placement.liobns[1]);
    out += fmt::format("  io      {:<31} {:>9}  PCI {:#x}\n", span(phb.windows.io.cpu), human_size(phb.windows.io.cpu.size()),
                       phb.windows.io.pci_address);
    out += fmt::format("  mem32   {:<31} {:>9}  PCI {:#x}\n", span(phb.windows.mem32.cpu), human_size(phb.windows.mem32.cpu.size()),
                       phb.windows.mem32.pci_address);
    if (phb.windows.mem64) {
        out += fmt::format("  mem64   {:<31} {:>9}  PCI {:#x}\n", span(phb.windows.mem64->cpu), human_size(phb.windows.mem64->cpu.size()),
                           phb.windows.mem64->pci_address);
    } else {
        out += "  mem64   none\n";
    }
    const auto& d = phb.dma;
    out += fmt::format("  DMA     default window {} ({}): {} TCEs of 4K, table {}\n", span(d.default_window), human_size(d.default_window.size()),
                       d.default_table.entries, human_size(d.default_table.table_bytes()));
    if (d.ddw) {
        std::string pages;
        for (unsigned s : d.ddw_page_shifts) {
            if (!pages.empty()) pages += ' ';
            pages += page_name(s);
        }
        out += fmt::format("  DDW     2 windows, pages {}, second window at {:#x}\n", pages, d.dma64_win_addr);
        for (const auto& t : d.ddw_for_all_memory) {
            out += fmt::format("          a window mapping all memory ({}) in {} pages: {} TCEs, table {}{}\n", human_size(t.window_size),
                               page_name(t.page_shift), t.entries, human_size(t.table_bytes()),
                               t.truncated ? " (QEMU's 32-bit count wrapped)" : "");
        }
    } else {
        out += "  DDW     off (only the default window)\n";
    }
    if (phb.placement.nv2_gpa) {
        out += fmt::format("  NVLink2 GPU RAM from {:#x}, ATSD from {:#x}\n", phb.placement.nv2_gpa, phb.placement.nv2_atsd);
        for (const auto& g : phb.nvlink2.gpus) {
            out += fmt::format("          {}: RAM {} ({})", g.name, span(g.ram), human_size(g.ram.size()));
            for (const auto& a : g.atsd) out += fmt::format(", ATSD {:#x}", a.first());
            out += "\n";
        }
        if (!phb.nvlink2.error.empty()) out += fmt::format("          QEMU: {} (no NVLink2 window is mapped on this PHB)\n", phb.nvlink2.error);
    }
    if (phb.functions.empty()) {
        out += "  no PCI functions\n";
        return;
    }
    out += "  slot  id         driver             BAR  kind               size  window      PCI address         guest-physical\n";
    for (std::size_t i = 0; i < phb.functions.size(); ++i) {
        const auto& f = phb.functions[i];
        const std::string slot = slot_name(f);
        const slof::AssignedFunction* a = slof && i < slof->functions.size() ? &slof->functions[i] : nullptr;
        if (!a || a->bars.empty()) {
            out += fmt::format("  {:<5} {:<10} {}\n", slot, f.id.empty() ? "-" : f.id, f.function.driver);
            if (a && a->bridge) out += bridge_line(*a->bridge);
            continue;
        }
        bool first = true;
        for (const auto& b : a->bars) {
            const BarSpec* spec = bar_spec(f, b.index);
            out += fmt::format("  {:<5} {:<10} {:<18} {:>3}  {:<10} {:>12}  {:<10}  {:<18}  {}\n", first ? slot : "",
                               first ? (f.id.empty() ? "-" : f.id) : "", first ? f.function.driver : "", b.index,
                               spec ? bar_kind_name(*spec) : "?", human_size(b.size), slof::to_string(b.pool), hex(b.bus_address),
                               b.cpu_address ? hex(*b.cpu_address) : std::string("OUTSIDE THE WINDOW"));
            first = false;
        }
        if (a->bridge) out += bridge_line(*a->bridge);
    }
}

}  // namespace

std::string render_spapr_text(const SpaprPlan& plan) {
    const auto& m = plan.machine;
    std::string out = release_line(plan) + "\n";
    if (plan.outcome == Outcome::Refused) {
        out += fmt::format("QEMU refuses: qemu-system-ppc64: {}\n", plan.refusal);
        return out;
    }
    out += fmt::format("RAM       {} at 0x0", human_size(m.ram_size));
    if (m.device_memory) out += fmt::format("; hotplug memory {} ({})", span(*m.device_memory), human_size(m.device_memory->size()));
    out += "\n";
    out += fmt::format("PHBs      {} ({} placement); for libvirt's memlock: nPHB {}, NVLink2 {}\n", m.phbs.size(),
                       m.type.defaults.placement == spapr::PhbPlacementStyle::Legacy ? "legacy pseries-2.7" : "pseries-2.8+",
                       plan.memlock.phb_count, plan.memlock.nvlink2 ? "present" : "absent");
    for (const auto& note : m.notes) out += "Note      " + note + "\n";
    for (std::size_t i = 0; i < m.phbs.size(); ++i) text_phb(out, m.phbs[i], i < plan.slof.size() ? &plan.slof[i] : nullptr);
    if (!plan.all_bars_fit()) out += "\nSLOF places some BARs outside their PHB's window: the guest cannot reach them.\n";
    return out;
}

std::string render_spapr_json(const SpaprPlan& plan) {
    using json_shape::put_address;
    const auto& m = plan.machine;
    ordered_json j;
    j["schema"] = "aperture-pseries-plan/2";
    j["model"] = {{"hypervisor", plan.hypervisor_model}, {"machine", m.type.name}, {"firmware", plan.firmware_model},
                  {"checked_against_running_system", false}, {"note", spapr::verification_text(m.type.release)},
                  {"verification", verification_json(m.type.release)}};
    const PlanView view = view_of(plan);
    json_shape::put_outcome(j, {to_string(view.outcome), view.failed(), plan.outcome == Outcome::Refused ? "qemu" : nullptr, plan.refusal});
    j["memlock_inputs"] = {{"phb_count", plan.memlock.phb_count},   {"nvlink2", plan.memlock.nvlink2},
                           {"nvlink2_gpus", plan.memlock.nvlink2_gpus}, {"vfio", plan.memlock.vfio},
                           {"ram_size", plan.memlock.ram_size},     {"max_memory", plan.memlock.max_memory}};
    j["ram"] = {{"size", m.ram_size}, {"hotplug", json_shape::range(m.device_memory)}};
    j["notes"] = m.notes;
    j["placement"] = m.type.defaults.placement == spapr::PhbPlacementStyle::Legacy ? "legacy" : "new-style";
    ordered_json phbs = ordered_json::array();
    for (std::size_t i = 0; i < m.phbs.size(); ++i) {
        const SpaprPhb& phb = m.phbs[i];
        // The window as the CPU sees it, and where it starts on the PHB's PCI bus.
        auto window = [](const spapr::PhbWindow& w) {
            ordered_json out = json_shape::range(w.cpu);
            put_address(out, "pci_base", w.pci_address);
            return out;
        };
        ordered_json p;
        p["index"] = phb.index;
        p["id"] = phb.id.empty() ? ordered_json(nullptr) : ordered_json(phb.id);
        p["bus"] = phb.bus_name;
        p["default"] = phb.is_default;
        p["buid"] = hex(phb.placement.buid);
        p["liobns"] = {hex(phb.placement.liobns[0]), hex(phb.placement.liobns[1])};
        p["io"] = window(phb.windows.io);
        p["mem32"] = window(phb.windows.mem32);
        p["mem64"] = phb.windows.mem64 ? window(*phb.windows.mem64) : ordered_json(nullptr);
        ordered_json ddw = ordered_json::array();
        for (const auto& t : phb.dma.ddw_for_all_memory) {
            ddw.push_back({{"page_size", u64{1} << t.page_shift}, {"window_size", t.window_size}, {"tces", t.entries},
                           {"table_size", t.table_bytes()}, {"truncated", t.truncated}});
        }
        ordered_json dma = {{"default_window", json_shape::range(phb.dma.default_window)},
                            {"default_tces", phb.dma.default_table.entries},
                            {"default_table_size", phb.dma.default_table.table_bytes()},
                            {"ddw", phb.dma.ddw}};
        put_address(dma, "dma64_window_base", phb.dma.dma64_win_addr);
        dma["ddw_for_all_memory"] = ddw;
        p["dma"] = dma;
        ordered_json nv = nullptr;
        if (phb.placement.nv2_gpa) {
            ordered_json gpus = ordered_json::array();
            for (const auto& g : phb.nvlink2.gpus) {
                ordered_json atsd = ordered_json::array();
                for (const auto& a : g.atsd) atsd.push_back(json_shape::range(a));
                gpus.push_back({{"name", g.name}, {"ram", json_shape::range(g.ram)}, {"atsd", atsd}});
            }
            nv = ordered_json::object();
            put_address(nv, "gpa", phb.placement.nv2_gpa);
            put_address(nv, "atsd", phb.placement.nv2_atsd);
            nv["gpus"] = gpus;
            nv["error"] = phb.nvlink2.error.empty() ? ordered_json(nullptr) : ordered_json(phb.nvlink2.error);
        }
        p["nvlink2"] = nv;
        ordered_json functions = ordered_json::array();
        const slof::PhbAssignment* a = i < plan.slof.size() ? &plan.slof[i] : nullptr;
        for (std::size_t k = 0; k < phb.functions.size(); ++k) {
            const auto& f = phb.functions[k];
            ordered_json fj;
            fj["slot"] = slot_name(f);
            fj["id"] = f.id.empty() ? ordered_json(nullptr) : ordered_json(f.id);
            fj["driver"] = f.function.driver;
            fj["host_pci_address"] = f.host.empty() ? ordered_json(nullptr) : ordered_json(json_shape::full_pci_address(f.host));
            ordered_json bars = ordered_json::array();
            if (a && k < a->functions.size()) {
                for (const auto& b : a->functions[k].bars) {
                    const BarSpec* spec = bar_spec(f, b.index);
                    const auto kind = spec ? json_shape::bar_json_kind(spec->kind == BarKind::Io, spec->kind == BarKind::Rom, spec->is64)
                                           : json_shape::BarJsonKind::Mem32;
                    ordered_json bar = json_shape::bar({b.index, kind, spec && spec->prefetchable, b.size, b.cpu_address});
                    bar["window"] = slof::to_string(b.pool);
                    put_address(bar, "pci_base", b.bus_address);
                    put_address(bar, "programmed", b.programmed);
                    bar["fits"] = b.fits;
                    bars.push_back(std::move(bar));
                }
            }
            fj["bars"] = bars;
            if (a && k < a->functions.size() && a->functions[k].bridge) {
                const slof::BridgeWindows& w = *a->functions[k].bridge;
                const auto bridge_window = [](const slof::BridgeWindow& bw) {
                    return bw.open() ? json_shape::range(AddressRange::from_first_and_last(bw.base, bw.limit)) : ordered_json(nullptr);
                };
                fj["bridge"] = {{"secondary", w.secondary}, {"subordinate", w.subordinate}, {"io", bridge_window(w.io)},
                                {"mem", bridge_window(w.mem)}, {"pref", bridge_window(w.pref)}};
            }
            functions.push_back(fj);
        }
        p["functions"] = functions;
        phbs.push_back(p);
    }
    j["phbs"] = phbs;
    return json_shape::document_text(j);
}

}  // namespace aperture
