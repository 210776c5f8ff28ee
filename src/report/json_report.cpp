#include "report/json_report.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/json_shapes.hpp"
#include "plan/plan_view.hpp"
#include "report/labels.hpp"
#include "report/stack_words.hpp"

namespace aperture {

namespace {

using nlohmann::ordered_json;

using json_shape::put_address;

ordered_json ranges_json(const std::vector<AddressRange>& ranges) {
    ordered_json out = ordered_json::array();
    for (const AddressRange& r : ranges) out.push_back(json_shape::range(r));
    return out;
}

// A bridge window as QMP query-pci reports its registers: a range when open; closed, the registers' base
// and last as they are (base above last) and size 0, so the oracle compares them too.
ordered_json bridge_window_json(const WindowView& w) {
    if (w.open()) {
        ordered_json j = json_shape::range(AddressRange::from_first_and_last(w.base, w.limit));
        j["open"] = true;
        return j;
    }
    ordered_json j;
    put_address(j, "base", w.base);
    j["size"] = 0;
    put_address(j, "last", w.limit);
    j["open"] = false;
    return j;
}

// An expander's root bus and the windows QEMU's ACPI _CRS gives it.
ordered_json root_bus_json(const RootBusWindows& w) {
    return {{"bus_nr", w.bus_nr},
            {"last_bus", w.last_bus},
            {"expander", w.expander_driver},
            {"id", w.expander_id},
            {"numa_node", w.numa_node ? ordered_json(*w.numa_node) : ordered_json(nullptr)},
            {"io", ranges_json(w.io)},
            {"mem32", ranges_json(w.mem32)},
            {"mem64", ranges_json(w.mem64)}};
}

ordered_json bar_json(const BarSpec& spec, const BarAssignment* assignment) {
    ordered_json bar = json_shape::bar({spec.index, json_shape::bar_json_kind(spec.kind == BarKind::Io, spec.kind == BarKind::Rom, spec.is64),
                                        spec.prefetchable, spec.size, assignment ? assignment->address : std::nullopt});
    bar["decoding"] = assignment ? assignment->decoding : false;
    return bar;
}

ordered_json function_json(const FunctionResult& f) {
    const PciFunctionSpec& spec = f.node->function;
    ordered_json j;
    j["pci_address"] = json_shape::pci_address(f.bdf);
    j["id"] = f.node->id.empty() ? ordered_json(nullptr) : ordered_json(f.node->id);
    j["driver"] = spec.driver;
    j["vendor_id"] = fmt::format("{:#06x}", spec.vendor_id);
    j["device_id"] = fmt::format("{:#06x}", spec.device_id);
    j["class"] = fmt::format("{:#06x}", spec.class_code);
    j["reachable"] = f.reachable;
    ordered_json bars = ordered_json::array();
    for (std::size_t i = 0; i < spec.bars.size(); ++i) bars.push_back(bar_json(spec.bars[i], i < f.bars.size() ? &f.bars[i] : nullptr));
    j["bars"] = bars;
    if (f.bridge) {
        j["bridge"] = {{"secondary_bus", f.bridge->secondary_bus},
                       {"subordinate_bus", f.bridge->subordinate_bus},
                       {"io", bridge_window_json(f.bridge->io)},
                       {"memory", bridge_window_json(f.bridge->memory)},
                       {"prefetchable", bridge_window_json(f.bridge->prefetchable)}};
    } else {
        j["bridge"] = nullptr;
    }
    return j;
}

const char* evidence_key(ReleaseEvidence evidence) {
    switch (evidence) {
        case ReleaseEvidence::RealBinary: return "real-binary";
        case ReleaseEvidence::UpstreamSource: return "upstream-source";
    }
    return "";
}

const char* firmware_key(FirmwareKind kind) { return kind == FirmwareKind::Ovmf ? "ovmf" : "seabios"; }

// One part of the stack: what was chosen (fields of its own), where it came from and the caveats.
ordered_json stack_part_json(const StackEntry& e, ordered_json chosen) {
    const StackChoice& choice = *e.choice;
    chosen["source"] = to_string(choice.source);
    chosen["detail"] = choice.detail.empty() ? ordered_json(nullptr) : ordered_json(choice.detail);
    chosen["origin"] = e.origin;
    ordered_json caveats = ordered_json::array();
    for (std::size_t i = 0; i < choice.caveats.size(); ++i) {
        const StackCaveat& c = choice.caveats[i];
        const ordered_json detail = c.detail.empty() ? ordered_json(nullptr) : ordered_json(c.detail);
        caveats.push_back({{"kind", to_string(c.kind)}, {"subject", c.subject}, {"detail", detail}, {"message", e.notes[i]}});
    }
    chosen["caveats"] = caveats;
    return chosen;
}

ordered_json stack_json(const Plan& plan) {
    const Stack& stack = plan.stack;
    ordered_json j;
    for (const auto& e : stack_entries(plan)) {
        switch (e.part) {
            case StackPart::Qemu:
                j["qemu"] = stack_part_json(e, {{"release", std::string(stack.qemu->name)},
                                                {"name", e.chosen},
                                                {"model", std::string(stack.qemu->model_name)},
                                                {"evidence", evidence_key(stack.qemu->evidence)},
                                                {"evidence_text", evidence_text(*stack.qemu)}});
                break;
            case StackPart::Machine: j["machine"] = stack_part_json(e, {{"type", e.chosen}}); break;
            case StackPart::Firmware: j["firmware"] = stack_part_json(e, {{"kind", firmware_key(stack.firmware)}}); break;
            case StackPart::FirmwareRelease:
                j["firmware_release"] = stack_part_json(e, {{"release", std::string(stack.firmware_release->name)},
                                                            {"name", e.chosen},
                                                            {"model", std::string(stack.firmware_release->model_name)},
                                                            {"evidence", evidence_key(stack.firmware_release->evidence)},
                                                            {"evidence_text", evidence_text(*stack.firmware_release)}});
                break;
        }
    }
    return j;
}

// An e820 entry: its range, type and (where the model knows it) which part of the firmware wrote it.
ordered_json e820_json(const E820Entry& e, bool with_origin) {
    ordered_json entry = json_shape::range(AddressRange::from_start_and_size(e.start, e.size));
    entry["type"] = to_string(e.type);
    if (with_origin && e.origin != E820Origin::Unspecified) entry["origin"] = to_string(e.origin);
    return entry;
}

}  // namespace

ordered_json unassigned_json(const UnassignedResource& u) {
    return {{"pci_address", json_shape::pci_address(u.bdf)},
            {"index", u.bar >= 0 ? ordered_json(u.bar) : ordered_json(nullptr)},
            {"what", u.what},
            {"size", u.size},
            {"reason", u.reason}};
}

std::string render_stack_json(const Plan& plan) { return stack_json(plan).dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace); }

std::string render_json(const Plan& plan) {
    const Machine& m = plan.machine;
    const PlanView view = view_of(plan);
    ordered_json j;
    j["schema"] = "aperture-plan/2";
    j["model"] = {{"hypervisor", plan.hypervisor_model}, {"machine", m.type.name}, {"firmware", plan.firmware_model}};
    j["stack"] = stack_json(plan);
    const bool refused = plan.outcome == Outcome::Refused;
    const bool firmware_failed = plan.outcome == Outcome::FirmwareFailed;
    json_shape::put_outcome(j, {to_string(view.outcome), view.failed(), refused ? "qemu" : firmware_failed ? "firmware" : nullptr,
                                refused ? plan.refusal : firmware_failed ? plan.firmware->failure_message : std::string()});
    j["cpu"] = {{"model", m.cpu.model}, {"vendor", m.cpu.vendor}, {"phys_bits", m.cpu.phys_bits}};
    if (reports_guest_phys_bits(m.cpu)) {
        j["cpu"]["guest_phys_bits"] = m.cpu.guest_phys_bits;
        j["cpu"]["guest_phys_bits_origin"] = m.cpu.guest_phys_bits_origin;
    }
    const MemoryLayout& mem = m.memory;
    ordered_json memory;
    memory["ram_size"] = mem.ram_size;
    memory["ram_below_4g"] = mem.below_4g;
    memory["ram_above_4g"] = mem.above_4g;
    put_address(memory, "above_4g_start", mem.above_4g_start);
    memory["device_memory"] = mem.device_memory ? json_shape::range(AddressRange::from_start_and_size(mem.device_memory->base, mem.device_memory->size))
                                                : ordered_json(nullptr);
    put_address(memory, "reserved_memory_end", mem.reserved_memory_end);
    memory["pci_hole64"] = mem.pci_hole64_size ? json_shape::range(AddressRange::from_start_and_size(mem.pci_hole64_start, mem.pci_hole64_size))
                                               : ordered_json(nullptr);
    put_address(memory, "max_used_gpa", mem.max_used_gpa);
    j["memory"] = memory;

    ordered_json e820 = ordered_json::array();
    ordered_json e820_alternatives = ordered_json::array();
    ordered_json functions = ordered_json::array();
    ordered_json unassigned = ordered_json::array();
    ordered_json windows = nullptr;
    ordered_json notes = ordered_json::array();
    for (const auto& note : m.notes) notes.push_back(note);
    if (plan.firmware) {
        const FirmwareResult& fw = *plan.firmware;
        for (const auto& e : fw.e820) e820.push_back(e820_json(e, true));
        for (const auto& table : fw.e820_alternatives) {
            ordered_json alt = ordered_json::array();
            for (const auto& e : table) alt.push_back(e820_json(e, false));
            e820_alternatives.push_back(alt);
        }
        windows = {{"io", json_shape::range(fw.windows.io)}, {"mem32", json_shape::range(fw.windows.mem32)}, {"mem64", json_shape::range(fw.windows.mem64)}};
        for (const auto& f : fw.functions) functions.push_back(function_json(f));
        for (const auto& u : fw.unassigned) unassigned.push_back(unassigned_json(u));
        for (const auto& note : fw.notes) notes.push_back(note);
    }
    if (plan.firmware && !plan.firmware->e820_modelled) j["e820"] = nullptr;
    else j["e820"] = e820;
    if (!e820_alternatives.empty()) j["e820_alternatives"] = e820_alternatives;
    j["windows"] = windows;
    if (!plan.root_buses.empty()) {
        ordered_json roots = ordered_json::array();
        for (const auto& w : plan.root_buses) roots.push_back(root_bus_json(w));
        j["extra_root_buses"] = roots;
    }
    if (plan.firmware && plan.firmware->mmio64_choice) {
        j["mmio64_choice"] = {{"kind", plan.firmware->mmio64_choice->kind},
                              {"phys_bits_trust", plan.firmware->mmio64_choice->trust},
                              {"reason", plan.firmware->mmio64_choice->reason}};
    }
    if (plan.firmware && plan.firmware->shortfall) {
        const WindowShortfall& s = *plan.firmware->shortfall;
        j["shortfall"] = {{"mem64_needed", s.needed}, {"mem64_alignment", s.needed_alignment},
                          {"fitting_x_pci_mmio64_mb", s.fitting_x_pci_mmio64_mb ? ordered_json(*s.fitting_x_pci_mmio64_mb) : ordered_json(nullptr)}};
    }
    if (m.igd) {
        const IgdAssignment& igd = *m.igd;
        const IgdPlacement* placed = plan.firmware && plan.firmware->igd ? &*plan.firmware->igd : nullptr;
        const auto size = [](const std::optional<u64>& s) { return s ? ordered_json(*s) : ordered_json(nullptr); };
        ordered_json problems = ordered_json::array();
        if (placed) {
            for (const auto& p : placed->problems) problems.push_back(p);
            for (const auto& n : placed->notes) notes.push_back(n);
        }
        ordered_json out = {{"host_pci_address", json_shape::full_pci_address(igd.host)},
                            {"legacy_mode", igd.legacy},
                            {"legacy_refusal", igd.legacy ? ordered_json(nullptr) : ordered_json(igd.legacy_refusal)},
                            {"opregion_size", size(igd.opregion_size)}};
        put_address(out, "opregion", placed ? placed->opregion : std::nullopt);
        out["bdsm_size"] = size(igd.bdsm_size);
        put_address(out, "bdsm", placed ? placed->bdsm : std::nullopt);
        out["problems"] = problems;
        j["igd"] = out;
    }
    j["functions"] = functions;
    j["unassigned"] = unassigned;
    j["notes"] = notes;
    return json_shape::document_text(j);
}

}  // namespace aperture
