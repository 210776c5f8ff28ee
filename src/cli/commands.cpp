#include "cli/commands.hpp"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <fmt/format.h>

#include "core/error.hpp"
#include "core/size_parse.hpp"
#include "devices/device_model.hpp"
#include "devices/passthrough_catalog.hpp"
#include <fmt/ranges.h>
#include "diagnostics/checks.hpp"
#include "host/cpuinfo.hpp"
#include "host/host_context.hpp"
#include "host/host_snapshot.hpp"
#include "host/host_snapshot_json.hpp"
#include "host/host_text.hpp"
#include "report/check_report.hpp"
#include <cstdio>
#include <fstream>
#include "input/qemu_command_line.hpp"
#include "plan/plan.hpp"
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
};

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
};

Prepared prepare(const PlanCommand& cmd, bool want_host) {
    if (cmd.qemu_args.empty()) throw InputError("a QEMU command line is needed after --, or @FILE holding one");
    Prepared p{read_qemu_command_line(cmd.qemu_args), {}, std::nullopt};
    if (cmd.firmware == "seabios") p.options.firmware = FirmwareKind::SeaBios;
    else if (cmd.firmware == "ovmf") p.options.firmware = FirmwareKind::Ovmf;
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

int run_check(const PlanCommand& cmd, std::ostream& out) {
    const Prepared p = prepare(cmd, true);
    const Plan plan = make_plan(p.spec, p.options);
    CheckReport report;
    report.subject = fmt::format("QEMU 7.2 {} with {} on {}", plan.machine.type.name, plan.firmware_model, host_name(*p.host));
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
    report.findings = run_checks({p.spec, p.options, plan, &*p.host, hotplug});
    if (!cmd.migrate_to.empty()) {
        const HostSnapshot target = load_host_snapshot(cmd.migrate_to);
        report.migration_target = host_name(target);
        for (auto& f : run_checks({p.spec, p.options, plan, &target, hotplug})) {
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
void write_file_atomically(const std::string& path, const std::string& text) {
    const std::string temporary = path + ".tmp";
    {
        std::ofstream file(temporary, std::ios::binary | std::ios::trunc);
        if (!file) throw InputError(fmt::format("--save {}: cannot write there", path));
        file << text;
        file.close();
        if (!file) {
            std::remove(temporary.c_str());
            throw InputError(fmt::format("--save {}: writing failed", path));
        }
    }
    if (std::rename(temporary.c_str(), path.c_str()) != 0) {
        std::remove(temporary.c_str());
        throw InputError(fmt::format("--save {}: cannot replace the file", path));
    }
}

int run_host(const HostCommand& cmd, std::ostream& out) {
    const HostSnapshot host = probe_host(cmd.root);
    const std::string json = host_snapshot_json(host);
    if (!cmd.save.empty()) write_file_atomically(cmd.save, json);
    out << (cmd.format == "json" ? json : render_host_text(host));
    return EXIT_OK;
}

}  // namespace

int run(int argc, char** argv, std::ostream& out, std::ostream& err) {
    CLI::App app{"aperture: predicts the guest-physical address map QEMU and its firmware will build"};
    app.require_subcommand(1);
    app.set_version_flag("--version", "aperture 0.1.0 (models QEMU 7.2, SeaBIOS 1.16.2, OVMF edk2-stable202211)");

    PlanCommand plan_cmd;
    auto* plan = app.add_subcommand("plan", "Predict the address map for a QEMU command line (after --, or @FILE)");
    plan->add_option("--format", plan_cmd.format, "Output format: text, json, or the address map as svg or html")
        ->check(CLI::IsMember({"text", "json", "svg", "html"}));
    plan->add_option("--firmware", plan_cmd.firmware, "Override the firmware the command line selects")
        ->check(CLI::IsMember({"seabios", "ovmf"}));
    plan->add_option("--host-cpu-vendor", plan_cmd.host_cpu_vendor,
                     "Host CPU vendor (GenuineIntel/AuthenticAMD) for KVM guests; default: this host's /proc/cpuinfo");
    plan->add_option("--host-phys-bits", plan_cmd.host_phys_bits, "Host physical address width for KVM guests")
        ->check(CLI::Range(32u, 64u));
    plan->add_option("--passthrough", plan_cmd.passthrough,
                     "HOST=DEVICE: the vfio-pci device at host address HOST is the catalog's DEVICE (aperture devices)")
        ->expected(1)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    plan->add_option("args-file", plan_cmd.qemu_args, "@FILE holding the QEMU command line (or give it after --)");

    plan->add_option("--host", plan_cmd.host_file, "A host snapshot (aperture host --save) instead of probing this host");

    PlanCommand check_cmd;
    auto* check = app.add_subcommand("check", "Plan the VM and report PASS/WARN/FAIL findings against the host, with fixes");
    check->add_option("--format", check_cmd.format, "Output format: text, json, or the address map with the findings as svg or html")
        ->check(CLI::IsMember({"text", "json", "svg", "html"}));
    check->add_option("--firmware", check_cmd.firmware, "Override the firmware the command line selects")
        ->check(CLI::IsMember({"seabios", "ovmf"}));
    check->add_option("--host", check_cmd.host_file, "A host snapshot (aperture host --save) instead of probing this host");
    check->add_option("--migrate-to", check_cmd.migrate_to, "A snapshot of a host the VM may migrate to: its host checks too");
    check->add_option("--will-attach", check_cmd.will_attach,
                      "PORT=SIZE: a device with a SIZE BAR will be hot-plugged behind port id PORT later (repeatable)")
        ->expected(1)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    check->add_option("--passthrough", check_cmd.passthrough, "HOST=DEVICE from the passthrough catalog")
        ->expected(1)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    check->add_option("args-file", check_cmd.qemu_args, "@FILE holding the QEMU command line (or give it after --)");

    HostCommand host_cmd;
    auto* host = app.add_subcommand("host", "Probe this host read-only (CPU, KVM paging, IOMMU, PCI devices, memlock)");
    host->add_option("--format", host_cmd.format, "Output format")->check(CLI::IsMember({"text", "json"}));
    host->add_option("--root", host_cmd.root, "Read a copied /proc and /sys tree under this directory instead of /");
    host->add_option("--save", host_cmd.save, "Also write the snapshot (JSON) to this file, for --host");

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
        if (*plan) return run_plan(plan_cmd, out);
        if (*check) return run_check(check_cmd, out);
        if (*host) return run_host(host_cmd, out);
        if (*devices) {
            out << "QEMU 7.2 device models:\n";
            for (const auto& name : device_model_names()) out << "  " << name << "\n";
            out << "Passthrough catalog (--passthrough HOST=NAME with -device vfio-pci,host=HOST):\n";
            for (const auto& name : passthrough_device_names()) {
                out << fmt::format("  {:<20} {}\n", name, find_passthrough_device(name)->description);
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
