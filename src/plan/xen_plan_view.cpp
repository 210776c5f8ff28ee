// A Xen HVM plan (libxl + qemu-xen + hvmloader) as a PlanView: hvmloader reports through FirmwareResult,
// so its windows, BARs and dropped BARs read as SeaBIOS's do; every function is on bus 0.

#include <algorithm>
#include <fmt/format.h>
#include <string_view>

#include "plan/firmware_result_view.hpp"
#include "plan/plan_view.hpp"
#include "plan/xen_plan.hpp"

namespace aperture {

PlanView view_of(const XenPlan& plan) {
    PlanView view;
    view.platform = PlanPlatform::XenHvm;
    const std::string release = release_tag(plan.release).substr(std::string_view("RELEASE-").size());
    view.stack.hypervisor = fmt::format("Xen {} (libxl, {})", release, to_string(plan.config.device_model));
    view.stack.hypervisor_model = "xen-" + release;
    view.stack.machine = "xenfv";
    view.stack.firmware_model = model_name(plan.release);
    view.stack.firmware = fmt::format("hvmloader {}", release);
    view.phys_bits = plan.phys_bits;
    if (plan.hvmloader) {
        const FirmwareResult& fw = plan.hvmloader->firmware;
        for (std::size_t i = 0; i < fw.e820.size(); ++i) {
            const E820Entry& e = fw.e820[i];
            if (e.size == 0) continue;
            const bool ram = e.type == E820Type::Ram;
            PlanRegion r;
            r.owner = MemoryOwner{ram ? MemoryUse::Ram : MemoryUse::Reserved, MemorySource::E820, i};
            r.range = AddressRange::from_start_and_size(e.start, e.size);
            r.description = ram ? "RAM" : "reserved";
            if (ram) view.highest_used_address = std::max(view.highest_used_address, r.range.last());
            view.regions.push_back(std::move(r));
        }
        plan_view_detail::add_firmware_result(view, fw, nullptr);
    }
    const bool unassigned = plan.hvmloader && !plan.hvmloader->firmware.unassigned.empty();
    view.outcome = plan_view_detail::predicted_outcome(!plan.refusal.empty(), false, unassigned, bar_beyond_phys_bits(view));
    switch (view.outcome) {
        case PredictedOutcome::Refused: view.outcome_text = fmt::format("xl refuses to create the domain: {}", plan.refusal); break;
        case PredictedOutcome::BarsUnassigned:
            view.outcome_text = fmt::format("{} BAR(s) left unassigned", plan.hvmloader->firmware.unassigned.size());
            break;
        case PredictedOutcome::BarsUnreachable:
            view.outcome_text = "every BAR assigned, but not every BAR is reachable within the guest's phys-bits";
            break;
        case PredictedOutcome::FirmwareFailed:
        case PredictedOutcome::Works: view.outcome_text = "every BAR assigned"; break;
    }
    view.notes.insert(view.notes.begin(), plan.notes.begin(), plan.notes.end());
    view.notes.push_back(fmt::format("guest phys-bits {}: {}", plan.phys_bits, plan.phys_bits_source));
    view.notes.push_back(kXenNotChecked);
    return view;
}

}  // namespace aperture
