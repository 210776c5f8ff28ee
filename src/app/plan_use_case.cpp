// `aperture plan`: the VM's address map, on the platform that models it.

#include <fmt/format.h>

#include "app/map_names.hpp"
#include "app/pseries_vm.hpp"
#include "app/qemu_x86_vm.hpp"
#include "app/use_cases.hpp"
#include "app/xen_vm.hpp"
#include "report/html_map.hpp"
#include "report/json_report.hpp"
#include "report/spapr_report.hpp"
#include "report/svg_map.hpp"
#include "report/text_report.hpp"
#include "report/xen_report.hpp"

namespace aperture::app {

namespace {

// Xen and pseries: the map from the plan's view, text and JSON from the platform's own report.
template <typename RenderJson>
std::string render_platform_plan(OutputFormat format, const PlanView& view, std::string text, RenderJson render_json_of) {
    switch (format) {
        case OutputFormat::Json: return render_json_of();
        case OutputFormat::Svg: return render_svg({view, nullptr, nullptr, &machine_pci_ids()});
        case OutputFormat::Html: return render_html({view, nullptr, nullptr, &machine_pci_ids()}, text);
        case OutputFormat::Text: break;
    }
    return text;
}

PlanResult plan_qemu_x86(const PlanRequest& request) {
    const QemuX86Vm vm = prepare_qemu_x86_vm(request.vm, HostNeed::WhenPassingThrough);
    Plan plan = make_plan(vm.spec, vm.options);
    const PlanView view = view_of(plan);
    PlanResult result;
    switch (request.format) {
        case OutputFormat::Json: result.output = render_json(plan); break;
        case OutputFormat::Svg: result.output = render_svg({view, vm.host.get(), nullptr, &machine_pci_ids()}); break;
        case OutputFormat::Html: result.output = render_html({view, vm.host.get(), nullptr, &machine_pci_ids()}, render_text(plan)); break;
        case OutputFormat::Text: result.output = render_text(plan); break;
    }
    const bool failed = plan.outcome != Outcome::Ok || (plan.firmware && !plan.firmware->unassigned.empty()) || bar_beyond_phys_bits(plan);
    result.prediction = failed ? Prediction::Fails : Prediction::Works;
    result.plan = std::move(plan);
    return result;
}

PlanResult plan_xen(const PlanRequest& request) {
    const XenVm vm = prepare_xen_vm(request.vm);
    XenPlan plan = make_xen_plan(vm.config, vm.options);
    // Say when another modelled release would build a different map (the releases differ in pci.c).
    for (const auto release : {HvmloaderRelease::Xen4_17_0, HvmloaderRelease::Xen4_17_7, HvmloaderRelease::Xen4_22_0}) {
        if (release == plan.release) continue;
        if (auto difference = compare_with_release(plan, vm.config, vm.options, release); !difference.empty()) plan.notes.push_back(difference);
    }
    PlanResult result;
    result.output = render_platform_plan(request.format, view_of(plan), render_xen_text(plan), [&] { return render_xen_json(plan); });
    result.prediction = xen_plan_failed(plan) ? Prediction::Fails : Prediction::Works;
    result.plan = std::move(plan);
    return result;
}

PlanResult plan_pseries(const PlanRequest& request) {
    const PseriesVm vm = prepare_pseries_vm(request.vm);
    SpaprPlan plan = make_spapr_plan(vm.spec, vm.release, vm.host);
    PlanResult result;
    result.output = render_platform_plan(request.format, view_of(plan), render_spapr_text(plan), [&] { return render_spapr_json(plan); });
    result.prediction = plan.outcome == Outcome::Ok && plan.all_bars_fit() ? Prediction::Works : Prediction::Fails;
    result.plan = std::move(plan);
    return result;
}

}  // namespace

PlanResult plan(const PlanRequest& request) {
    switch (platform_of(request.vm)) {
        case Platform::XenHvm: return plan_xen(request);
        case Platform::QemuPseries: return plan_pseries(request);
        case Platform::QemuX86: break;
    }
    return plan_qemu_x86(request);
}

PlanView view(const PlanResult& result) {
    return std::visit([](const auto& plan) { return view_of(plan); }, result.plan);
}

}  // namespace aperture::app
