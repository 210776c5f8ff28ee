// `aperture check`: the plan's findings against the host, on the platform that models the VM.

#include <fmt/format.h>

#include "app/map_names.hpp"
#include "app/pseries_vm.hpp"
#include "app/qemu_x86_vm.hpp"
#include "app/use_cases.hpp"
#include "app/xen_vm.hpp"
#include "diagnostics/fix_proof.hpp"
#include "diagnostics/spapr_checks.hpp"
#include "diagnostics/xen_checks.hpp"
#include "host/host_snapshot_json.hpp"
#include "machine/spapr/verification.hpp"
#include "report/html_map.hpp"
#include "report/json_report.hpp"
#include "report/spapr_report.hpp"
#include "report/svg_map.hpp"
#include "report/text_report.hpp"
#include "report/xen_report.hpp"

namespace aperture::app {

namespace {

// The findings as text or JSON, or drawn on the plan's map (the text report, then the plan's, under it).
std::string render_report(const CheckReport& report, OutputFormat format, const PlanView& view, const HostSnapshot* host,
                          const std::string& plan_text) {
    switch (format) {
        case OutputFormat::Svg: return render_svg({view, host, &report.findings, &machine_pci_ids()});
        case OutputFormat::Html: return render_html({view, host, &report.findings, &machine_pci_ids()}, render_check_text(report) + "\n" + plan_text);
        case OutputFormat::Json: return render_check_json(report);
        case OutputFormat::Text: break;
    }
    return render_check_text(report);
}

CheckResult finish(CheckReport report, std::string output) {
    const Prediction prediction = any_failure(report) ? Prediction::Fails : Prediction::Works;
    return CheckResult{std::move(report), std::move(output), prediction};
}

CheckResult check_qemu_x86(const CheckRequest& request) {
    const QemuX86Vm vm = prepare_qemu_x86_vm(request.vm, HostNeed::Always);
    const CheckSubject subject = check_subject(vm, planned_hotplug(request.will_attach, vm), request.vm.libvirt_version, request.migrate_to);
    const CheckedVm checked = check_vm(subject);
    const Plan& plan = checked.plan;
    require_hotplug_ports(plan, request.will_attach);
    CheckReport report = check_report(vm, subject, checked);
    if (request.format == OutputFormat::Json) report.plan_json = render_json(plan);
    std::string output = render_report(report, request.format, view_of(plan), &*vm.host, render_text(plan));
    return finish(std::move(report), std::move(output));
}

CheckResult check_xen(const CheckRequest& request) {
    const XenVm vm = prepare_xen_vm(request.vm);
    const XenPlan plan = make_xen_plan(vm.config, vm.options);
    XenCheckInput input{vm.config, vm.options, plan};
    for (const auto& item : request.will_attach) input.hotplug.push_back(xen_hotplug_request(item, vm.options));
    CheckReport report;
    report.subject = fmt::format("{} HVM guest {} ({})", xen_model_summary(plan), request.vm.source.xl_cfg, kXenNotChecked);
    report.findings = run_xen_checks(input);
    std::string output = render_report(report, request.format, view_of(plan), nullptr, render_xen_text(plan));
    return finish(std::move(report), std::move(output));
}

CheckResult check_pseries(const CheckRequest& request) {
    const PseriesVm vm = prepare_pseries_vm(request.vm);
    const SpaprPlan plan = make_spapr_plan(vm.spec, vm.release, vm.host);
    CheckReport report;
    report.subject = fmt::format("QEMU {} {} with SLOF 20220719; {}", spapr::release_info(vm.release).name, plan.machine.type.name,
                                 spapr::verification_text(vm.release));
    SpaprCheckInput input{vm.spec, vm.release, vm.host, plan};
    if (vm.libvirt) {
        report.subject += fmt::format(", domain {} started by libvirt {}", vm.libvirt->file, to_string(vm.libvirt->version));
        input.libvirt_memlock = &vm.libvirt->domain.memlock_input.input;
        input.libvirt_version = vm.libvirt->version;
    }
    report.findings = run_spapr_checks(input);
    std::string output = render_report(report, request.format, view_of(plan), nullptr, render_spapr_text(plan));
    return finish(std::move(report), std::move(output));
}

}  // namespace

CheckResult check(const CheckRequest& request) {
    switch (platform_of(request.vm)) {
        case Platform::XenHvm: return check_xen(request);
        case Platform::QemuPseries: return check_pseries(request);
        case Platform::QemuX86: break;
    }
    return check_qemu_x86(request);
}

}  // namespace aperture::app
