// A pseries plan (QEMU's PHBs + SLOF's BAR assignment) as a PlanView. Every PHB is a root bus with its
// own windows; its I/O window, like the rest, is guest-physical MMIO (ppc64 has no port I/O), so every
// region is in the memory space. SLOF never checks a window's end: a BAR it programs past one is dropped
// here, needing the window it was meant for.

#include <fmt/format.h>

#include "machine/spapr/verification.hpp"
#include "plan/firmware_result_view.hpp"
#include "plan/plan_view.hpp"
#include "plan/spapr_plan.hpp"
#include "report/labels.hpp"

namespace aperture {

namespace {

// Every region of this platform's own is memory-space.
void add_region(PlanView& view, RegionOwner owner, AddressRange range, std::string description) {
    plan_view_detail::add_region(view, owner, AddressSpace::Memory, range, std::move(description));
}

RootWindowRole window_of(slof::Pool pool) {
    switch (pool) {
        case slof::Pool::Io: return RootWindowRole::Io;
        case slof::Pool::Mmio32:
        case slof::Pool::Prefetch32: return RootWindowRole::Mem32;
        case slof::Pool::Mem64: return RootWindowRole::Mem64;
    }
    return RootWindowRole::Mem32;
}

const BarSpec* bar_spec(const spapr::SpaprFunction& f, int index) {
    for (const auto& bar : f.function.bars) {
        if (bar.index == index) return &bar;
    }
    return nullptr;
}

void add_phb(PlanView& view, const spapr::SpaprPhb& phb, const slof::PhbAssignment& slof) {
    const unsigned root = phb.index;
    add_region(view, RootWindowOwner{root, RootWindowRole::Io}, phb.windows.io.cpu, fmt::format("PHB {} I/O window (MMIO)", root));
    add_region(view, RootWindowOwner{root, RootWindowRole::Mem32}, phb.windows.mem32.cpu, fmt::format("PHB {} 32-bit window", root));
    if (phb.windows.mem64) add_region(view, RootWindowOwner{root, RootWindowRole::Mem64}, phb.windows.mem64->cpu, fmt::format("PHB {} 64-bit window", root));
    for (std::size_t i = 0; i < phb.functions.size(); ++i) {
        const spapr::SpaprFunction& f = phb.functions[i];
        const std::size_t fi = view.functions.size();
        PlanFunction function;
        function.root = root;
        function.bdf = Bdf{static_cast<std::uint8_t>(f.bus), f.devfn};
        function.id = f.id;
        function.driver = f.function.driver;
        function.vendor_id = f.function.vendor_id;
        function.device_id = f.function.device_id;
        view.functions.push_back(std::move(function));
        if (i >= slof.functions.size()) continue;
        for (const auto& b : slof.functions[i].bars) {
            const BarSpec* spec = bar_spec(f, b.index);
            if (b.size == 0 || !spec) continue;
            const auto last = b.cpu_address ? checked_add(*b.cpu_address, b.size - 1) : std::nullopt;
            if (b.fits && last) {
                add_region(view, PciBarOwner{fi, b.index}, AddressRange::from_first_and_last(*b.cpu_address, *last), bar_kind_label(*spec));
                view.regions.back().bar = *spec;
                continue;
            }
            DroppedResource d;
            d.bar = PciBarOwner{fi, b.index};
            d.bdf = Bdf{static_cast<std::uint8_t>(f.bus), f.devfn};
            d.what = fmt::format("{} {}", b.kind == BarKind::Rom ? std::string("ROM") : fmt::format("BAR{}", b.index), bar_kind_label(*spec));
            d.size = b.size;
            d.reason = fmt::format("SLOF programs it at PCI address {:#x}, outside PHB {}'s {} window: the CPU cannot reach it", b.bus_address, root,
                                   slof::to_string(b.pool));
            d.needed = RootWindowOwner{root, window_of(b.pool)};
            view.dropped.push_back(std::move(d));
        }
    }
}

}  // namespace

PlanView view_of(const SpaprPlan& plan) {
    const spapr::SpaprMachine& m = plan.machine;
    PlanView view;
    view.platform = PlanPlatform::QemuPseries;
    view.stack.hypervisor_model = plan.hypervisor_model;
    view.stack.hypervisor = plan_view_detail::qemu_display_name(plan.hypervisor_model);
    view.stack.machine = m.type.name;
    view.stack.firmware_model = plan.firmware_model;
    view.stack.firmware = "SLOF 20220719";
    view.highest_used_address = m.memory_top > 0 ? m.memory_top - 1 : 0;
    if (m.ram_size > 0) add_region(view, MemoryOwner{MemoryUse::Ram, MemorySource::Whole, 0}, AddressRange::from_start_and_size(0, m.ram_size), "RAM");
    if (m.device_memory && m.device_memory->size() > 0) {
        add_region(view, MemoryOwner{MemoryUse::HotplugMemory, MemorySource::Whole, 0}, *m.device_memory, "device memory (maxmem)");
    }
    if (plan.outcome != Outcome::Refused) {
        for (std::size_t i = 0; i < m.phbs.size() && i < plan.slof.size(); ++i) add_phb(view, m.phbs[i], plan.slof[i]);
    }
    view.outcome = plan_view_detail::predicted_outcome(plan.outcome == Outcome::Refused, false, !view.dropped.empty(), false);
    switch (view.outcome) {
        case PredictedOutcome::Refused: view.outcome_text = fmt::format("QEMU refuses to start: {}", plan.refusal); break;
        case PredictedOutcome::BarsUnassigned:
            view.outcome_text = fmt::format("{} BAR(s) outside their PHB's window", view.dropped.size());
            break;
        case PredictedOutcome::FirmwareFailed:
        case PredictedOutcome::BarsUnreachable:
        case PredictedOutcome::Works: view.outcome_text = "every BAR inside its PHB's window"; break;
    }
    for (const auto& phb : m.phbs) {
        if (!phb.nvlink2.gpus.empty()) {
            view.notes.push_back(fmt::format("PHB {}: NVLink2 GPU RAM and ATSD windows are not drawn (see the text report)", phb.index));
        }
    }
    view.notes.insert(view.notes.end(), m.notes.begin(), m.notes.end());
    view.notes.push_back("pseries: no guest phys-bits limit is modelled; " + spapr::verification_text(m.type.release));
    return view;
}

}  // namespace aperture
