// `aperture fix`: a libvirt domain with every proven fix for its FAIL findings written in, then read,
// planned and checked again from the written XML itself. The inputs are check's (the host, migration
// targets, --passthrough, --will-attach, the stack), read the same way.

#include <fmt/format.h>
#include <fstream>
#include <sstream>

#include "app/pseries_vm.hpp"
#include "app/qemu_x86_vm.hpp"
#include "app/use_cases.hpp"
#include "core/error.hpp"
#include "core/input_file.hpp"
#include "diagnostics/domain_fixes.hpp"
#include "diagnostics/fix_proof.hpp"
#include "diagnostics/spapr_checks.hpp"
#include "libvirt/domain_fix.hpp"
#include "report/fix_report.hpp"
#include "report/labels.hpp"
#include "report/stack_words.hpp"

namespace aperture::app {

namespace {

// The stack modelled, where each part came from, and the notes on it.
std::vector<std::string> stack_lines(const Plan& plan) {
    std::vector<std::string> lines{fmt::format("{} ({})", stack_title(plan), stack_origins(plan))};
    for (const auto& entry : stack_entries(plan)) {
        for (const auto& note : entry.notes) lines.push_back("note: " + note);
    }
    return lines;
}

// "target.host.phys-bits: evidence" for each FAIL, on the source host and on every migration target.
std::vector<std::string> failing(const CheckedVm& checked) {
    std::vector<std::string> lines;
    const std::size_t targets = checked.target_findings.size();
    auto add = [&](const Finding& f, std::optional<std::size_t> target) {
        if (f.verdict == Verdict::Fail) lines.push_back(fmt::format("{}: {}", finding_key(f, target, targets), f.evidence));
    };
    for (const auto& f : checked.findings) add(f, std::nullopt);
    for (std::size_t t = 0; t < targets; ++t) {
        for (const auto& f : checked.target_findings[t]) add(f, t);
    }
    return lines;
}

struct DomainFindings {
    std::vector<Finding> findings;
    std::vector<std::string> stack;  // the stack modelled, then notes
};

// The findings for a pSeries domain: the spapr checks with libvirt's memlock limit.
DomainFindings pseries_findings(const PseriesVm& vm) {
    const SpaprPlan plan = make_spapr_plan(vm.spec, vm.release, vm.host);
    SpaprCheckInput input{vm.spec, vm.release, vm.host, plan};
    input.libvirt_memlock = &vm.libvirt->domain.memlock_input.input;
    input.libvirt_version = vm.libvirt->version;
    DomainFindings result{run_spapr_checks(input), {}};
    result.stack.push_back(fmt::format("QEMU {} {} with SLOF 20220719 (modelled from source), libvirt {}", spapr::release_info(vm.release).name,
                                       plan.machine.type.name, to_string(vm.libvirt->version)));
    for (const auto& note : vm.libvirt->domain.notes) result.stack.push_back("note: " + note);
    return result;
}

FixResult fix_pseries(const FixRequest& request) {
    const std::string& xml_file = request.vm.source.libvirt_xml;
    if (!request.will_attach.empty()) throw InputError("--will-attach: hotplug is not modelled for pSeries domains");
    const PseriesVm vm = prepare_pseries_vm(request.vm);
    DomainFindings before = pseries_findings(vm);
    CombinedDomainFix combined = combine_domain_fixes(before.findings);

    FixResult result;
    result.fixed_xml = apply_domain_fix(read_input_file(xml_file, kDomainXmlKind), input_display_name(xml_file), combined.edit);
    // Proven on what was written: the fixed text is read, planned and checked like any domain.
    const PseriesVm fixed = with_pseries_domain(vm, result.fixed_xml, input_display_name(xml_file) + " (fixed)", request.vm);
    for (const auto& f : pseries_findings(fixed).findings) {
        if (f.verdict == Verdict::Fail) result.still_failing.push_back(fmt::format("{}: {}", to_string(f.kind), f.evidence));
    }
    result.stack = std::move(before.stack);
    result.applied = std::move(combined.applied);
    result.not_applied = std::move(combined.not_applied);
    result.prediction = result.still_failing.empty() ? Prediction::Works : Prediction::Fails;
    return result;
}

}  // namespace

FixResult fix(const FixRequest& request) {
    const std::string& xml_file = request.vm.source.libvirt_xml;
    if (xml_file.empty() || !request.vm.source.qemu_args.empty() || !request.vm.source.proxmox_cmd.empty() || !request.vm.source.xl_cfg.empty()) {
        throw InputError("aperture fix needs --xml FILE and no other VM description: it writes fixes into a libvirt domain "
                         "(`aperture check --format json` gives the fixes for a QEMU command line, a Proxmox VM or an xl.cfg)");
    }
    // A domain XML is x86 or pSeries (platform_of reads its <os><type arch>): ask once, as that reads the file.
    if (platform_of(request.vm) == Platform::QemuPseries) {
        if (request.format == OutputFormat::Json) throw InputError("aperture fix --format json: not available for pSeries domains yet (text only)");
        if (!request.migrate_to.empty()) throw InputError("--migrate-to: migration targets are not checked for pSeries domains");
        return fix_pseries(request);
    }
    const QemuX86Vm vm = prepare_qemu_x86_vm(request.vm, HostNeed::Always);
    const CheckSubject subject = check_subject(vm, planned_hotplug(request.will_attach, vm), request.vm.libvirt_version, request.migrate_to);
    const CheckedVm before = check_vm(subject);
    require_hotplug_ports(before.plan, request.will_attach);
    CombinedDomainFix combined = combine_domain_fixes(before.findings);

    FixReport report;
    report.domain_file = input_display_name(xml_file);
    report.before = check_report(vm, subject, before);
    report.fixed_xml = apply_domain_fix(read_input_file(xml_file, kDomainXmlKind), input_display_name(xml_file), combined.edit);
    // Proven on what was written, not on the edit's intent: the fixed text is read like any domain.
    LibvirtReadOptions read_options;
    read_options.qemu = vm.options.qemu;
    read_options.libvirt = parse_libvirt_version(request.vm.libvirt_version);
    const QemuX86Vm fixed = with_domain(vm, read_libvirt_domain(report.fixed_xml, input_display_name(xml_file) + " (fixed)", read_options));
    CheckSubject fixed_subject = subject;
    fixed_subject.spec = fixed.spec;
    fixed_subject.libvirt = libvirt_context(fixed, request.vm.libvirt_version);
    const CheckedVm after = check_vm(fixed_subject);
    report.after = check_report(fixed, fixed_subject, after);
    report.applied = combined.applied;
    report.not_applied = combined.not_applied;

    FixResult result;
    result.fixed_xml = report.fixed_xml;
    result.stack = stack_lines(before.plan);
    result.applied = std::move(combined.applied);
    result.not_applied = std::move(combined.not_applied);
    result.still_failing = failing(after);
    result.prediction = result.still_failing.empty() ? Prediction::Works : Prediction::Fails;
    if (request.format == OutputFormat::Json) result.json = render_fix_json(report);
    return result;
}

}  // namespace aperture::app
