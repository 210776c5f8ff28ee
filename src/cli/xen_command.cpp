#include "cli/xen_command.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "cli/commands.hpp"
#include "core/error.hpp"
#include "core/size_parse.hpp"
#include "devices/passthrough_catalog.hpp"
#include "diagnostics/xen_checks.hpp"
#include "host/host_context.hpp"
#include "host/host_snapshot_json.hpp"
#include "machine/machine.hpp"
#include "report/check_report.hpp"
#include "report/xen_report.hpp"

namespace aperture::cli {

namespace {

struct PreparedXen {
    XlDomainConfig config;
    XenPlanOptions options;
};

PreparedXen prepare(const XenCommand& cmd) {
    PreparedXen p{load_xl_domain_config(cmd.xl_file), {}};
    if (!cmd.release.empty()) {
        auto release = parse_hvmloader_release(cmd.release);
        if (!release) throw InputError(fmt::format("--xen {}: expected one of {}", cmd.release, fmt::join(hvmloader_release_names(), ", ")));
        p.options.release = *release;
    }
    if (!cmd.host_file.empty()) {
        const HostSnapshot host = load_host_snapshot(cmd.host_file);
        p.options.passthrough = host_context(host).passthrough;
        for (const auto& device : host.pci) {
            std::string why_not;
            if (!passthrough_function(device, why_not)) p.options.not_passable[device.address] = why_not;
        }
        if (host.cpu && host.cpu->phys_bits) {
            p.options.phys_bits = *host.cpu->phys_bits;
            p.options.phys_bits_source = "the host's, from " + cmd.host_file + " (Xen passes it to HVM guests)";
        }
    }
    for (const auto& mapping : cmd.passthrough) {
        const auto eq = mapping.find('=');
        auto device = eq == std::string::npos ? std::nullopt : find_passthrough_device(mapping.substr(eq + 1));
        if (eq == std::string::npos || eq == 0 || !device) {
            throw InputError(fmt::format("--passthrough {}: expected HOST=DEVICE with DEVICE one of {}", mapping, fmt::join(passthrough_device_names(), ", ")));
        }
        p.options.passthrough[normalize_host_pci_address(mapping.substr(0, eq))] = device->function;
    }
    if (cmd.phys_bits) {
        p.options.phys_bits = cmd.phys_bits;
        p.options.phys_bits_source = "--phys-bits";
    }
    return p;
}

// --will-attach: a host BDF (from --host / --passthrough), a catalog name, or mem32=SIZE,mem64=SIZE.
XenHotplugRequest hotplug_request(const std::string& text, const XenPlanOptions& options) {
    XenHotplugRequest r;
    r.what = text;
    if (auto device = find_passthrough_device(text)) {
        r.device = device->function;
        return r;
    }
    if (text.find('=') != std::string::npos) {
        int index = 0;
        std::size_t start = 0;
        while (start <= text.size()) {
            const auto comma = text.find(',', start);
            const std::string part = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
            const auto eq = part.find('=');
            const std::string kind = eq == std::string::npos ? "" : part.substr(0, eq);
            const auto size = eq == std::string::npos ? std::nullopt : parse_size(part.substr(eq + 1));
            if ((kind != "mem32" && kind != "mem64") || !size || *size == 0 || !is_power_of_two(*size)) {
                throw InputError(fmt::format("--will-attach {}: expected a host BDF, a catalog device ({}) or mem32=SIZE,mem64=SIZE "
                                             "(powers of two, e.g. mem32=16M,mem64=256M)",
                                             text, fmt::join(passthrough_device_names(), ", ")));
            }
            r.device.bars.push_back(kind == "mem32" ? BarSpec::memory32(index, *size, Prefetchable::No) : BarSpec::memory64(index, *size, Prefetchable::Yes));
            index += kind == "mem64" ? 2 : 1;
            if (index > 6) throw InputError(fmt::format("--will-attach {}: more BARs than a PCI function has", text));
            if (comma == std::string::npos) break;
            start = comma + 1;
        }
        return r;
    }
    const XlPciDevice device = parse_pci_spec(text, "--will-attach");
    auto it = options.passthrough.find(device.host_address);
    if (it == options.passthrough.end()) {
        throw InputError(fmt::format("--will-attach {}: host device {} is not known: give --host FILE or --passthrough {}=h100", text, device.host_address, device.host_address));
    }
    r.device = it->second;
    r.host_address = device.host_address;
    return r;
}

}  // namespace

XenCommand with_shared(XenCommand command, const std::string& format, const std::string& host_file,
                       const std::vector<std::string>& passthrough, const std::vector<std::string>& will_attach) {
    command.format = format;
    command.host_file = host_file;
    command.passthrough = passthrough;
    command.will_attach = will_attach;
    return command;
}

int run_xen_plan(const XenCommand& cmd, std::ostream& out) {
    const PreparedXen p = prepare(cmd);
    XenPlan plan = make_xen_plan(p.config, p.options);
    // Say when another modelled release would build a different map (the releases differ in pci.c).
    for (const auto release : {HvmloaderRelease::Xen4_17_0, HvmloaderRelease::Xen4_17_7, HvmloaderRelease::Xen4_22_0}) {
        if (release == plan.release) continue;
        if (auto difference = compare_with_release(plan, p.config, p.options, release); !difference.empty()) plan.notes.push_back(difference);
    }
    out << (cmd.format == "json" ? render_xen_json(plan) : render_xen_text(plan));
    return xen_plan_failed(plan) ? EXIT_PREDICTED_FAILURE : EXIT_OK;
}

int run_xen_check(const XenCommand& cmd, std::ostream& out) {
    const PreparedXen p = prepare(cmd);
    const XenPlan plan = make_xen_plan(p.config, p.options);
    XenCheckInput input{p.config, p.options, plan};
    for (const auto& item : cmd.will_attach) input.hotplug.push_back(hotplug_request(item, p.options));
    CheckReport report;
    report.subject = fmt::format("{} HVM guest {} ({})", xen_model_summary(plan), cmd.xl_file, kXenNotChecked);
    report.findings = run_xen_checks(input);
    out << (cmd.format == "json" ? render_check_json(report) : render_check_text(report));
    return any_failure(report) ? EXIT_PREDICTED_FAILURE : EXIT_OK;
}

}  // namespace aperture::cli

#include <CLI/CLI.hpp>

namespace aperture::cli {

void add_xen_options(CLI::App& app, XenCommand& command) {
    app.add_option("--xl", command.xl_file, "An xl.cfg of a Xen HVM guest: plan libxl + qemu-xen + hvmloader instead of QEMU");
    app.add_option("--xen", command.release, "With --xl: the Xen release (4.17.0 ... 4.22.0; models 4.17.0, 4.17.7 = Debian 12, 4.22.0); default 4.17.7");
    app.add_option("--phys-bits", command.phys_bits, "With --xl: the guest's physical address width (default: the --host snapshot's CPU)")
        ->check(CLI::Range(32u, 64u));
}

}  // namespace aperture::cli
