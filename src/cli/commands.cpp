#include "cli/commands.hpp"
#include "cli/xen_command.hpp"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdio>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <fstream>
#include <sstream>

#include "cli/memlock_command.hpp"
#include "cli/spapr_command.hpp"
#include "core/error.hpp"
#include "core/size_parse.hpp"
#include "devices/device_model.hpp"
#include "devices/nvlink2_catalog.hpp"
#include "devices/passthrough_catalog.hpp"
#include "diagnostics/checks.hpp"
#include "diagnostics/domain_fixes.hpp"
#include "host/cpuinfo.hpp"
#include "host/host_context.hpp"
#include "host/host_snapshot.hpp"
#include "host/host_snapshot_json.hpp"
#include "host/host_text.hpp"
#include "input/libvirt_xml/domain.hpp"
#include "input/qemu_command_line.hpp"
#include "libvirt/domain_fix.hpp"
#include "libvirt/domain_memlock_input.hpp"
#include "machine/spapr/qemu_release.hpp"
#include "plan/plan.hpp"
#include "plan/stack_request.hpp"
#include "report/check_report.hpp"
#include "report/html_map.hpp"
#include "report/json_report.hpp"
#include "report/svg_map.hpp"
#include "report/text_report.hpp"

namespace aperture::cli {

namespace {

struct PlanCommand {
    std::string format = "text";
    std::string firmware;
    std::string host_cpu_vendor;
    unsigned host_phys_bits = 0;
    std::string host_file;                 // --host FILE: a saved snapshot instead of the live host
    std::string migrate_to;                // check only: the snapshot of the host it may migrate to
    std::vector<std::string> will_attach;  // check only: PORT=SIZE, a device to hot-plug later
    std::vector<std::string> passthrough;  // HOST=CATALOG-NAME
    std::vector<std::string> qemu_args;
    std::string arch;          // --arch: x86_64 or ppc64; empty: from the command line
    std::string qemu_release;  // --qemu: the QEMU release modelled (plan/stack_request.hpp; pseries: cli/spapr_command.hpp)
    std::string xml_file;      // --xml FILE: a libvirt domain instead of a QEMU command line
    std::string libvirt_version = "9.0.0";  // the libvirt that starts an --xml domain (Debian 12's)
    std::string output;                      // fix only: write the fixed domain here instead of stdout
    XenCommand xen;  // --xl FILE: a Xen HVM guest instead of a QEMU command line (cli/xen_command.hpp)
};

// A ppc64 pseries command line goes to the spapr model (cli/spapr_command.cpp).
SpaprCommand spapr_command(const PlanCommand& cmd) {
    return SpaprCommand{cmd.format, cmd.qemu_release, cmd.passthrough, cmd.host_file, cmd.qemu_args};
}

struct HostCommand {
    std::string format = "text";
    std::string root = "/";
    std::string save;
};

bool uses_vfio(const VmSpec& spec) {
    return std::any_of(spec.devices.begin(), spec.devices.end(), [](const DeviceSpec& d) { return d.driver == "vfio-pci"; });
}

// What every planning command needs: the VM, the options, and the host (saved, or probed live when the VM
// passes devices through and needs their BARs, or when the caller always wants one).
struct Prepared {
    VmSpec spec;
    PlanOptions options;
    std::optional<HostSnapshot> host;
    std::optional<LibvirtDomain> domain;  // --xml: the domain as read
};

Prepared prepare(const PlanCommand& cmd, bool want_host) {
    if (!cmd.xml_file.empty() && !cmd.qemu_args.empty()) {
        throw InputError("give either --xml FILE or a QEMU command line, not both");
    }
    if (cmd.xml_file.empty() && cmd.qemu_args.empty()) {
        throw InputError("a QEMU command line is needed after --, or @FILE holding one, or --xml FILE");
    }
    PlanOptions requested;
    if (!cmd.qemu_release.empty()) request_qemu_release(requested, cmd.qemu_release);
    if (!cmd.firmware.empty()) request_firmware(requested, cmd.firmware);
    Prepared p;
    p.options = requested;
    if (cmd.xml_file.empty()) {
        p.spec = read_qemu_command_line(cmd.qemu_args);
    } else {
        p.domain = read_libvirt_domain_file(cmd.xml_file);
        p.spec = p.domain->spec;
    }
    if (!cmd.host_file.empty()) p.host = load_host_snapshot(cmd.host_file);
    else if (want_host || (uses_vfio(p.spec) && cmd.passthrough.empty())) p.host = probe_host("/");
    if (p.host) p.options.host = host_context(*p.host);
    if (!cmd.host_cpu_vendor.empty()) {
        p.options.host.cpu = HostCpu{cmd.host_cpu_vendor, cmd.host_phys_bits};
    } else if (!p.options.host.cpu && p.spec.machine.accel == "kvm") {
        p.options.host.cpu = read_host_cpu();
    }
    for (const auto& mapping : cmd.passthrough) {
        const auto eq = mapping.find('=');
        if (eq == std::string::npos || eq == 0) {
            throw InputError(fmt::format("--passthrough {}: expected HOST=DEVICE, e.g. 0000:41:00.0=h100", mapping));
        }
        const std::string name = mapping.substr(eq + 1);
        auto device = find_passthrough_device(name);
        if (!device) {
            throw InputError(fmt::format("--passthrough {}: '{}' is not in the passthrough catalog ({})", mapping, name,
                                         fmt::join(passthrough_device_names(), ", ")));
        }
        p.options.host.passthrough[normalize_host_pci_address(mapping.substr(0, eq))] = device->function;
    }
    return p;
}

int run_plan(const PlanCommand& cmd, std::ostream& out) {
    if (is_ppc64_invocation(cmd.qemu_args, cmd.arch)) return run_spapr_plan(spapr_command(cmd), out);
    const Prepared p = prepare(cmd, false);
    const Plan plan = make_plan(p.spec, p.options);
    // Render fully before writing anything, so an error never leaves half a report.
    const AddressMapInput map{plan, p.host ? &*p.host : nullptr};
    const std::string text = cmd.format == "json" ? render_json(plan)
                             : cmd.format == "svg" ? render_svg(map)
                             : cmd.format == "html" ? render_html(map, render_text(plan))
                                                    : render_text(plan);
    out << text;
    const bool failed = plan.outcome != Outcome::Ok || (plan.firmware && !plan.firmware->unassigned.empty()) || bar_beyond_phys_bits(plan);
    return failed ? EXIT_PREDICTED_FAILURE : EXIT_OK;
}

std::string host_name(const HostSnapshot& host) {
    if (host.cpu && host.cpu->model_name) return *host.cpu->model_name;
    return "host " + host.root;
}

bool host_dependent(const Finding& f) { return f.id.starts_with("host.") || f.id.starts_with("iommu."); }

std::vector<PlannedHotplug> planned_hotplug(const PlanCommand& cmd) {
    std::vector<PlannedHotplug> hotplug;
    for (const auto& item : cmd.will_attach) {
        const auto eq = item.find('=');
        const auto size = eq == std::string::npos ? std::nullopt : parse_size(item.substr(eq + 1));
        if (eq == std::string::npos || eq == 0 || !size || *size == 0 || !is_power_of_two(*size)) {
            throw InputError(fmt::format("--will-attach {}: expected PORT=SIZE, the port's id and the largest BAR (a power of two, "
                                         "e.g. rp3=32G)",
                                         item));
        }
        hotplug.push_back({item.substr(0, eq), *size});
    }
    return hotplug;
}

// For a domain read from XML: what libvirt sets the locked-memory limit from, and which libvirt.
std::optional<LibvirtMemlockContext> libvirt_context(const PlanCommand& cmd, const Prepared& p) {
    if (!p.domain) return std::nullopt;
    return LibvirtMemlockContext{libvirt_memlock_input(*p.domain), parse_libvirt_version(cmd.libvirt_version)};
}

int run_check(const PlanCommand& cmd, std::ostream& out) {
    if (is_ppc64_invocation(cmd.qemu_args, cmd.arch)) return run_spapr_check(spapr_command(cmd), out);
    const Prepared p = prepare(cmd, true);
    const Plan plan = make_plan(p.spec, p.options);
    CheckReport report;
    report.subject = fmt::format("{} {} with {} on {}", plan.stack.qemu->display_name, plan.machine.type.name, plan.firmware_model,
                                 host_name(*p.host));
    const std::vector<PlannedHotplug> hotplug = planned_hotplug(cmd);
    const auto libvirt = libvirt_context(cmd, p);
    report.findings = run_checks({p.spec, p.options, plan, &*p.host, hotplug, libvirt});
    if (!cmd.migrate_to.empty()) {
        const HostSnapshot target = load_host_snapshot(cmd.migrate_to);
        report.migration_target = host_name(target);
        for (auto& f : run_checks({p.spec, p.options, plan, &target, hotplug, libvirt})) {
            if (host_dependent(f)) report.migration_findings.push_back(std::move(f));
        }
    }
    const AddressMapInput map{plan, &*p.host, &report.findings};
    const std::string text = cmd.format == "json" ? render_check_json(report)
                             : cmd.format == "svg" ? render_svg(map)
                             : cmd.format == "html" ? render_html(map, render_check_text(report) + "\n" + render_text(plan))
                                                    : render_check_text(report);
    out << text;
    return any_failure(report) ? EXIT_PREDICTED_FAILURE : EXIT_OK;
}

// Writes `text` to `path` through a temporary file in the same directory, so a failure leaves nothing half-written.
void write_file_atomically(const std::string& option, const std::string& path, const std::string& text) {
    const std::string temporary = path + ".tmp";
    {
        std::ofstream file(temporary, std::ios::binary | std::ios::trunc);
        if (!file) throw InputError(fmt::format("{} {}: cannot write there", option, path));
        file << text;
        file.close();
        if (!file) {
            std::remove(temporary.c_str());
            throw InputError(fmt::format("{} {}: writing failed", option, path));
        }
    }
    if (std::rename(temporary.c_str(), path.c_str()) != 0) {
        std::remove(temporary.c_str());
        throw InputError(fmt::format("{} {}: cannot replace the file", option, path));
    }
}

std::string read_whole_file(const std::string& path) {
    std::ifstream file(path, std::ios::binary);
    if (!file) throw InputError(fmt::format("--xml {}: cannot read the file", path));
    std::ostringstream text;
    text << file.rdbuf();
    return text.str();
}

// The findings for a domain read from XML, against the prepared host.
std::vector<Finding> domain_findings(const PlanCommand& cmd, const Prepared& p, const std::vector<PlannedHotplug>& hotplug) {
    const Plan plan = make_plan(p.spec, p.options);
    return run_checks({p.spec, p.options, plan, &*p.host, hotplug, libvirt_context(cmd, p)});
}

// `aperture fix --xml FILE`: the domain with every proven FAIL fix written in, then read, planned and
// checked again from the written XML itself; what still fails is said on stderr and in the exit status.
int run_fix(const PlanCommand& cmd, std::ostream& out, std::ostream& err) {
    if (cmd.xml_file.empty()) throw InputError("aperture fix needs --xml FILE: it writes fixes into a libvirt domain");
    const Prepared p = prepare(cmd, true);
    const std::vector<PlannedHotplug> hotplug = planned_hotplug(cmd);
    const CombinedDomainFix combined = combine_domain_fixes(domain_findings(cmd, p, hotplug));
    const std::string fixed_text = apply_domain_fix(read_whole_file(cmd.xml_file), cmd.xml_file, combined.edit);

    PlanCommand again = cmd;
    Prepared after = p;
    after.domain = read_libvirt_domain(fixed_text, cmd.xml_file + " (fixed)");
    after.spec = after.domain->spec;
    std::vector<std::string> still_failing;
    for (const auto& f : domain_findings(again, after, hotplug)) {
        if (f.verdict == Verdict::Fail) still_failing.push_back(fmt::format("{}: {}", f.id, f.evidence));
    }

    if (cmd.output.empty()) out << fixed_text;
    else write_file_atomically("--output", cmd.output, fixed_text);
    for (const auto& line : combined.applied) err << "aperture fix: applied " << line << "\n";
    if (combined.applied.empty()) err << "aperture fix: nothing to change\n";
    for (const auto& line : combined.not_applied) err << "aperture fix: not applied " << line << "\n";
    for (const auto& line : still_failing) err << "aperture fix: still FAIL after the fix " << line << "\n";
    return still_failing.empty() ? EXIT_OK : EXIT_PREDICTED_FAILURE;
}

int run_host(const HostCommand& cmd, std::ostream& out) {
    const HostSnapshot host = probe_host(cmd.root);
    const std::string json = host_snapshot_json(host);
    if (!cmd.save.empty()) write_file_atomically("--save", cmd.save, json);
    out << (cmd.format == "json" ? json : render_host_text(host));
    return EXIT_OK;
}

}  // namespace

int run(int argc, char** argv, std::ostream& out, std::ostream& err) {
    CLI::App app{"aperture: predicts the guest-physical address map QEMU and its firmware will build"};
    app.require_subcommand(1);
    app.set_version_flag("--version", fmt::format("aperture 0.1.0 (models {}, {}, OVMF {})", default_qemu_release().display_name,
                                                  default_seabios_release().identity.display_name, default_ovmf_release().identity.tag));

    const std::string qemu_option_help =
        fmt::format("QEMU release to model: for x86 {} (default {}); for ppc64 pseries {} (default {})",
                    fmt::join(qemu_release_names(), ", "), default_qemu_release().name, fmt::join(spapr::release_names(), ", "),
                    spapr::release_info(spapr::DEFAULT_RELEASE).name);
    const std::string firmware_option_help =
        fmt::format("Override the firmware the command line selects, optionally naming its release: {}", fmt::join(firmware_choices(), ", "));
    PlanCommand plan_cmd;
    auto* plan = app.add_subcommand("plan", "Predict the address map for a QEMU command line (after --, or @FILE)");
    plan->add_option("--format", plan_cmd.format, "Output format: text, json, or the address map as svg or html")
        ->check(CLI::IsMember({"text", "json", "svg", "html"}));
    plan->add_option("--firmware", plan_cmd.firmware, firmware_option_help)
        ->check(CLI::IsMember(firmware_choices()));
    plan->add_option("--host-cpu-vendor", plan_cmd.host_cpu_vendor,
                     "Host CPU vendor (GenuineIntel/AuthenticAMD) for KVM guests; default: this host's /proc/cpuinfo");
    plan->add_option("--host-phys-bits", plan_cmd.host_phys_bits, "Host physical address width for KVM guests")
        ->check(CLI::Range(32u, 64u));
    plan->add_option("--passthrough", plan_cmd.passthrough,
                     "HOST=DEVICE: the vfio-pci device at host address HOST is the catalog's DEVICE (aperture devices)")
        ->expected(1)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    plan->add_option("--xml", plan_cmd.xml_file, "A libvirt domain XML (virsh dumpxml) instead of a QEMU command line");
    plan->add_option("args-file", plan_cmd.qemu_args, "@FILE holding the QEMU command line (or give it after --)");

    plan->add_option("--host", plan_cmd.host_file, "A host snapshot (aperture host --save) instead of probing this host");
    plan->add_option("--arch", plan_cmd.arch, "Guest architecture when the command line does not name the qemu binary")
        ->check(CLI::IsMember({"x86_64", "ppc64"}));
    plan->add_option("--qemu", plan_cmd.qemu_release, qemu_option_help);
    add_xen_options(*plan, plan_cmd.xen);

    PlanCommand check_cmd;
    auto* check = app.add_subcommand("check", "Plan the VM and report PASS/WARN/FAIL findings against the host, with fixes");
    check->add_option("--format", check_cmd.format, "Output format: text, json, or the address map with the findings as svg or html")
        ->check(CLI::IsMember({"text", "json", "svg", "html"}));
    check->add_option("--firmware", check_cmd.firmware, firmware_option_help)
        ->check(CLI::IsMember(firmware_choices()));
    check->add_option("--host", check_cmd.host_file, "A host snapshot (aperture host --save) instead of probing this host");
    check->add_option("--migrate-to", check_cmd.migrate_to, "A snapshot of a host the VM may migrate to: its host checks too");
    check->add_option("--will-attach", check_cmd.will_attach,
                      "PORT=SIZE: a device with a SIZE BAR will be hot-plugged behind port id PORT later (repeatable)")
        ->expected(1)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    check->add_option("--passthrough", check_cmd.passthrough, "HOST=DEVICE from the passthrough catalog")
        ->expected(1)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    check->add_option("--arch", check_cmd.arch, "Guest architecture when the command line does not name the qemu binary")
        ->check(CLI::IsMember({"x86_64", "ppc64"}));
    check->add_option("--qemu", check_cmd.qemu_release, qemu_option_help);
    check->add_option("--xml", check_cmd.xml_file, "A libvirt domain XML (virsh dumpxml) instead of a QEMU command line");
    check->add_option("args-file", check_cmd.qemu_args, "@FILE holding the QEMU command line (or give it after --)");
    check->add_option("--libvirt-version", check_cmd.libvirt_version,
                      "The libvirt release that starts an --xml domain (its memlock formula; default 9.0.0, Debian 12's)");

    PlanCommand fix_cmd;
    auto* fix = app.add_subcommand("fix", "Write a libvirt domain with every proven fix for its FAIL findings applied");
    fix->add_option("--xml", fix_cmd.xml_file, "The libvirt domain XML (virsh dumpxml) to fix")->required();
    fix->add_option("--host", fix_cmd.host_file, "A host snapshot (aperture host --save) instead of probing this host");
    fix->add_option("--firmware", fix_cmd.firmware, "Override the firmware the domain selects")
        ->check(CLI::IsMember(firmware_choices()));
    fix->add_option("--will-attach", fix_cmd.will_attach,
                    "PORT=SIZE: a device with a SIZE BAR will be hot-plugged behind the controller alias PORT later")
        ->expected(1)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    fix->add_option("--libvirt-version", fix_cmd.libvirt_version, "The libvirt release that starts the domain (default 9.0.0)");
    fix->add_option("--output", fix_cmd.output, "Write the fixed domain here (replaced whole, never half-written) instead of stdout");
    add_xen_options(*check, check_cmd.xen);

    HostCommand host_cmd;
    auto* host = app.add_subcommand("host", "Probe this host read-only (CPU, KVM paging, IOMMU, PCI devices, memlock)");
    host->add_option("--format", host_cmd.format, "Output format")->check(CLI::IsMember({"text", "json"}));
    host->add_option("--root", host_cmd.root, "Read a copied /proc and /sys tree under this directory instead of /");
    host->add_option("--save", host_cmd.save, "Also write the snapshot (JSON) to this file, for --host");

    MemlockCommand memlock_cmd;
    auto* memlock = add_memlock_subcommand(app, memlock_cmd);

    auto* devices = app.add_subcommand("devices", "List the QEMU device models aperture knows");

    // Everything after the first "--" is the QEMU command line, verbatim: QEMU's options must never be
    // mistaken for aperture's.
    std::vector<std::string> own;
    std::vector<std::string> qemu;
    bool after_separator = false;
    for (int i = 1; i < argc; ++i) {
        const std::string word = argv[i];
        if (!after_separator && word == "--") after_separator = true;
        else (after_separator ? qemu : own).push_back(word);
    }
    std::reverse(own.begin(), own.end());  // CLI11 parses a vector from its back
    try {
        app.parse(own);
        if (after_separator) {
            auto& target = *check ? check_cmd.qemu_args : plan_cmd.qemu_args;
            target.insert(target.end(), qemu.begin(), qemu.end());
        }
    } catch (const CLI::ParseError& e) {
        const int code = app.exit(e, out, err);
        return code == 0 ? EXIT_OK : EXIT_BAD_INPUT;
    }

    try {
        const auto& p = plan_cmd, &c = check_cmd;
        // The address map is drawn for QEMU x86 plans; the Xen and pseries models print text or JSON.
        for (const PlanCommand* cmd : {&p, &c}) {
            const bool other_platform = !cmd->xen.xl_file.empty() || is_ppc64_invocation(cmd->qemu_args, cmd->arch);
            if (other_platform && (cmd->format == "svg" || cmd->format == "html")) {
                throw InputError(fmt::format("--format {}: the address map is drawn for QEMU x86 plans only; Xen and "
                                             "pseries plans come as text or json",
                                             cmd->format));
            }
        }
        if (*plan && !p.xen.xl_file.empty()) return run_xen_plan(with_shared(p.xen, p.format, p.host_file, p.passthrough, {}), out);
        if (*check && !c.xen.xl_file.empty()) return run_xen_check(with_shared(c.xen, c.format, c.host_file, c.passthrough, c.will_attach), out);
        if (*plan) return run_plan(plan_cmd, out);
        if (*check) return run_check(check_cmd, out);
        if (*fix) return run_fix(fix_cmd, out, err);
        if (*host) return run_host(host_cmd, out);
        if (*memlock) return run_memlock(memlock_cmd, out);
        if (*devices) {
            out << fmt::format("{} device models:\n", default_qemu_release().display_name);
            for (const auto& name : device_model_names()) out << "  " << name << "\n";
            out << "Passthrough catalog (--passthrough HOST=NAME with -device vfio-pci,host=HOST):\n";
            for (const auto& name : passthrough_device_names()) {
                out << fmt::format("  {:<20} {}\n", name, find_passthrough_device(name)->description);
            }
            out << "NVLink2 devices for ppc64 pseries (--passthrough HOST=NAME, a link as HOST=NAME@GPUHOST):\n";
            for (const auto& name : nvlink2_device_names()) {
                out << fmt::format("  {:<22} {}\n", name, find_nvlink2_device(name)->description);
            }
            return EXIT_OK;
        }
    } catch (const InputError& e) {
        err << "aperture: error: " << e.what() << "\n";
        return EXIT_BAD_INPUT;
    } catch (const UnsupportedError& e) {
        err << "aperture: not modelled: " << e.what() << "\n";
        return EXIT_BAD_INPUT;
    } catch (const ArithmeticError& e) {
        err << "aperture: error: " << e.what() << "\n";
        return EXIT_BAD_INPUT;
    }
    return EXIT_OK;
}

}  // namespace aperture::cli
