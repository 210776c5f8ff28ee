#include "cli/commands.hpp"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <fmt/format.h>

#include "core/error.hpp"
#include "devices/device_model.hpp"
#include "devices/passthrough_catalog.hpp"
#include <fmt/ranges.h>
#include "host/cpuinfo.hpp"
#include "input/qemu_command_line.hpp"
#include "plan/plan.hpp"
#include "report/json_report.hpp"
#include "report/text_report.hpp"

namespace aperture::cli {

namespace {

struct PlanCommand {
    std::string format = "text";
    std::string firmware;
    std::string host_cpu_vendor;
    unsigned host_phys_bits = 0;
    std::vector<std::string> passthrough;  // HOST=CATALOG-NAME
    std::vector<std::string> qemu_args;
};

int run_plan(const PlanCommand& cmd, std::ostream& out) {
    if (cmd.qemu_args.empty()) throw InputError("plan needs a QEMU command line after --, or @FILE holding one");
    const VmSpec spec = read_qemu_command_line(cmd.qemu_args);
    PlanOptions options;
    if (cmd.firmware == "seabios") options.firmware = FirmwareKind::SeaBios;
    else if (cmd.firmware == "ovmf") options.firmware = FirmwareKind::Ovmf;
    if (!cmd.host_cpu_vendor.empty()) {
        options.host.cpu = HostCpu{cmd.host_cpu_vendor, cmd.host_phys_bits};
    } else if (spec.machine.accel == "kvm") {
        options.host.cpu = read_host_cpu();
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
        options.host.passthrough[normalize_host_pci_address(mapping.substr(0, eq))] = device->function;
    }
    const Plan plan = make_plan(spec, options);
    // Render fully before writing anything, so an error never leaves half a report.
    const std::string text = cmd.format == "json" ? render_json(plan) : render_text(plan);
    out << text;
    const bool failed = plan.outcome != Outcome::Ok || (plan.firmware && !plan.firmware->unassigned.empty()) || bar_beyond_phys_bits(plan);
    return failed ? EXIT_PREDICTED_FAILURE : EXIT_OK;
}

}  // namespace

int run(int argc, char** argv, std::ostream& out, std::ostream& err) {
    CLI::App app{"aperture: predicts the guest-physical address map QEMU and its firmware will build"};
    app.require_subcommand(1);
    app.set_version_flag("--version", "aperture 0.1.0 (models QEMU 7.2, SeaBIOS 1.16.2, OVMF edk2-stable202211)");

    PlanCommand plan_cmd;
    auto* plan = app.add_subcommand("plan", "Predict the address map for a QEMU command line (after --, or @FILE)");
    plan->add_option("--format", plan_cmd.format, "Output format")->check(CLI::IsMember({"text", "json"}));
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
        if (after_separator) plan_cmd.qemu_args.insert(plan_cmd.qemu_args.end(), qemu.begin(), qemu.end());
    } catch (const CLI::ParseError& e) {
        const int code = app.exit(e, out, err);
        return code == 0 ? EXIT_OK : EXIT_BAD_INPUT;
    }

    try {
        if (*plan) return run_plan(plan_cmd, out);
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
