#include "cli/spapr_command.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "cli/commands.hpp"
#include "core/error.hpp"
#include "devices/nvlink2_catalog.hpp"
#include "devices/passthrough_catalog.hpp"
#include "diagnostics/spapr_checks.hpp"
#include "host/host_context.hpp"
#include "host/host_snapshot.hpp"
#include "host/host_snapshot_json.hpp"
#include "input/ppc64_command_line.hpp"
#include "machine/machine.hpp"
#include "plan/spapr_plan.hpp"
#include "report/check_report.hpp"
#include "report/spapr_report.hpp"

namespace aperture::cli {

namespace {

spapr::QemuRelease release_of(const SpaprCommand& cmd) {
    if (cmd.qemu_release.empty()) return spapr::DEFAULT_RELEASE;
    auto r = spapr::parse_release(cmd.qemu_release);
    if (!r) {
        throw InputError(fmt::format("--qemu {}: the pseries model knows QEMU {}", cmd.qemu_release, fmt::join(spapr::release_names(), ", ")));
    }
    return *r;
}

spapr::SpaprHost host_of(const SpaprCommand& cmd) {
    spapr::SpaprHost host;
    if (!cmd.host_file.empty()) {
        const HostContext context = host_context(load_host_snapshot(cmd.host_file));
        for (const auto& [address, function] : context.passthrough) host.passthrough[address] = {function, std::nullopt};
    }
    std::map<std::string, u64> gpu_tgts;  // each GPU's NVLink2 target: any distinct non-zero value identifies it
    auto tgt_of = [&](const std::string& gpu) {
        auto [it, inserted] = gpu_tgts.emplace(gpu, gpu_tgts.size() + 1);
        return it->second;
    };
    for (const auto& mapping : cmd.passthrough) {
        const auto eq = mapping.find('=');
        if (eq == std::string::npos || eq == 0) {
            throw InputError(fmt::format("--passthrough {}: expected HOST=DEVICE, e.g. 0004:04:00.0=v100-sxm2-16g-nvlink2", mapping));
        }
        const std::string address = normalize_host_pci_address(mapping.substr(0, eq));
        std::string name = mapping.substr(eq + 1);
        std::string wired_to;
        if (const auto at = name.find('@'); at != std::string::npos) {
            wired_to = normalize_host_pci_address(name.substr(at + 1));
            name = name.substr(0, at);
        }
        if (auto nv = find_nvlink2_device(name)) {
            if (!nv->is_gpu && wired_to.empty()) {
                throw InputError(fmt::format("--passthrough {}: an NVLink bridge names its GPU: {}@GPUHOST", mapping, name));
            }
            if (nv->is_gpu && !wired_to.empty()) throw InputError(fmt::format("--passthrough {}: only an NVLink bridge takes @GPUHOST", mapping));
            spapr::Nvlink2Identity id{nv->is_gpu ? spapr::Nvlink2Role::Gpu : spapr::Nvlink2Role::NpuLink,
                                      tgt_of(nv->is_gpu ? address : wired_to), nv->ram_size};
            host.passthrough[address] = {nv->function, id};
            continue;
        }
        if (!wired_to.empty()) throw InputError(fmt::format("--passthrough {}: only an NVLink bridge takes @GPUHOST", mapping));
        auto device = find_passthrough_device(name);
        if (!device) {
            std::vector<std::string> names = passthrough_device_names();
            for (auto& n : nvlink2_device_names()) names.push_back(n);
            throw InputError(fmt::format("--passthrough {}: '{}' is not in the passthrough catalog ({})", mapping, name, fmt::join(names, ", ")));
        }
        host.passthrough[address] = {device->function, std::nullopt};
    }
    return host;
}

void require_args(const SpaprCommand& cmd) {
    if (cmd.qemu_args.empty()) throw InputError("a QEMU command line is needed after --, or @FILE holding one");
}

}  // namespace

bool is_ppc64_invocation(const std::vector<std::string>& qemu_args, const std::string& arch) {
    if (arch == "ppc64") return true;
    if (!arch.empty()) return false;
    return looks_like_ppc64_command_line(qemu_args);
}

int run_spapr_plan(const SpaprCommand& cmd, std::ostream& out) {
    require_args(cmd);
    const auto release = release_of(cmd);
    const VmSpec spec = read_ppc64_command_line(cmd.qemu_args);
    const spapr::SpaprHost host = host_of(cmd);
    const SpaprPlan plan = make_spapr_plan(spec, release, host);
    out << (cmd.format == "json" ? render_spapr_json(plan) : render_spapr_text(plan));
    return plan.outcome == Outcome::Ok && plan.all_bars_fit() ? EXIT_OK : EXIT_PREDICTED_FAILURE;
}

int run_spapr_check(const SpaprCommand& cmd, std::ostream& out) {
    require_args(cmd);
    const auto release = release_of(cmd);
    const VmSpec spec = read_ppc64_command_line(cmd.qemu_args);
    const spapr::SpaprHost host = host_of(cmd);
    const SpaprPlan plan = make_spapr_plan(spec, release, host);
    CheckReport report;
    report.subject = fmt::format("QEMU {} {} with SLOF 20220719 (modelled from source; not checked against a running system)",
                                 spapr::release_info(release).name, plan.machine.type.name);
    report.findings = run_spapr_checks({spec, release, host, plan});
    out << (cmd.format == "json" ? render_check_json(report) : render_check_text(report));
    return any_failure(report) ? EXIT_PREDICTED_FAILURE : EXIT_OK;
}

}  // namespace aperture::cli
