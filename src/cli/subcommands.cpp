#include "cli/subcommands.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <map>

#include "machine/qemu_release.hpp"
#include "machine/spapr/qemu_release.hpp"
#include "plan/stack_request.hpp"

namespace aperture::cli {

namespace {

app::OutputFormat output_format(const std::string& word) {
    if (word == "json") return app::OutputFormat::Json;
    if (word == "svg") return app::OutputFormat::Svg;
    if (word == "html") return app::OutputFormat::Html;
    return app::OutputFormat::Text;
}

std::string qemu_option_help() {
    return fmt::format("QEMU release to model: for x86 {} (default {}); for ppc64 pseries {} (default {})",
                       fmt::join(qemu_release_names(), ", "), default_qemu_release().name, fmt::join(spapr::release_names(), ", "),
                       spapr::release_info(spapr::DEFAULT_RELEASE).name);
}

std::string firmware_option_help(const char* what) {
    return fmt::format("Override the firmware {}, optionally naming its release: {}", what, fmt::join(firmware_choices(), ", "));
}

// --xl, --xen and --phys-bits on `plan` and `check`.
void add_xen_options(CLI::App& command, app::VmRequest& vm) {
    command.add_option("--xl", vm.source.xl_cfg, "An xl.cfg of a Xen HVM guest: plan libxl + qemu-xen + hvmloader instead of QEMU");
    command.add_option("--xen", vm.xen_release, "With --xl: the Xen release (4.17.0 ... 4.22.0; models 4.17.0, 4.17.7 = Debian 12, 4.22.0); default 4.17.7");
    command.add_option("--phys-bits", vm.xen_phys_bits, "With --xl: the guest's physical address width (default: the --host snapshot's CPU)")
        ->check(CLI::Range(32u, 64u));
}

// The host CPU a KVM guest copies, on every subcommand that plans a VM.
void add_host_cpu_options(CLI::App& command, app::VmRequest& vm) {
    // The vendor strings CPUID gives; "intel" and "amd" in any case are read as them.
    const std::map<std::string, std::string> vendors{{"intel", "GenuineIntel"}, {"amd", "AuthenticAMD"}};
    command.add_option("--host-cpu-vendor", vm.host_cpu_vendor,
                       "Host CPU vendor (GenuineIntel/AuthenticAMD, or intel/amd) for KVM guests; default: the --host "
                       "snapshot's, or this host's /proc/cpuinfo")
        ->transform(CLI::CheckedTransformer(vendors, CLI::ignore_case));
    command.add_option("--host-phys-bits", vm.host_phys_bits,
                       "Host physical address width for KVM guests; default: the --host snapshot's, or this host's")
        ->check(CLI::Range(32u, 64u));
    command.add_option_function<unsigned>(
            "--host-guest-phys-bits", [&vm](const unsigned& bits) { vm.host_guest_phys_bits = bits; },
            "GuestPhysBits the host's KVM reports (0 to 64; Linux 6.10+ with EPT/NPT), which QEMU 9.1+ machine types "
            "give KVM guests; default: the --host snapshot's, or this host's /dev/kvm or kernel release");
}

// What `check` reads besides the VM's description, and `fix` reads the same way: the stack, the host and
// migration targets, the devices passed through and those to be hot-plugged. Declared once so the two
// subcommands cannot drift apart.
void add_check_input_options(CLI::App& command, app::VmRequest& vm, std::vector<std::string>& migrate_to,
                             std::vector<std::string>& will_attach) {
    add_host_cpu_options(command, vm);
    command.add_option("--firmware", vm.firmware, firmware_option_help("the VM selects"))->check(CLI::IsMember(firmware_choices()));
    command.add_option("--host", vm.host_file, "A host snapshot (aperture host --save) instead of probing this host");
    command.add_option("--migrate-to", migrate_to,
                       "A snapshot of a host the VM may migrate to (repeatable): its host checks too, and every fix is proven there")
        ->allow_extra_args(false);
    command.add_option("--will-attach", will_attach,
                       "PORT=DEVICE (Xen: DEVICE): a device will be hot-plugged behind the port (or controller alias) PORT later; "
                       "DEVICE is the size of its largest 64-bit prefetchable BAR (32G), a passthrough catalog name (aperture "
                       "devices), a host BDF of the --host snapshot (every BAR checked), or mem32=SIZE,mem64=SIZE (repeatable)")
        ->expected(1)
        ->allow_extra_args(false)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    command.add_option("--passthrough", vm.passthrough, "HOST=DEVICE: the vfio-pci device at host address HOST is the catalog's DEVICE")
        ->expected(1)
        ->allow_extra_args(false)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    command.add_option("--arch", vm.arch, "Guest architecture when the command line does not name the qemu binary")
        ->check(CLI::IsMember({"x86_64", "ppc64"}));
    command.add_option("--qemu", vm.qemu_release, qemu_option_help());
    command.add_option("--libvirt-version", vm.libvirt_version,
                       "The libvirt release that starts an --xml domain (how it reads, its memlock formula; default 9.0.0, Debian 12's)");
}

}  // namespace

app::PlanRequest PlanCommand::parsed() const {
    app::PlanRequest r = request;
    r.format = output_format(format);
    return r;
}

app::CheckRequest CheckCommand::parsed() const {
    app::CheckRequest r = request;
    r.format = output_format(format);
    return r;
}

app::FixRequest FixCommand::parsed() const {
    app::FixRequest r = request;
    r.format = output_format(format);
    return r;
}

app::MemlockRequest MemlockCommand::parsed() const {
    app::MemlockRequest r = request;
    r.format = output_format(format);
    return r;
}

CLI::App* add_plan_subcommand(CLI::App& app, PlanCommand& command) {
    app::VmRequest& vm = command.request.vm;
    auto* plan = app.add_subcommand("plan", "Predict the address map for a QEMU command line (after --, or @FILE)");
    plan->add_option("-o,--output", command.output, "Write the report to FILE (replaced whole, never half-written) instead of standard output");
    plan->add_option("--format", command.format, "Output format: text, json, or the address map as svg or html")
        ->check(CLI::IsMember({"text", "json", "svg", "html"}));
    plan->add_option("--firmware", vm.firmware, firmware_option_help("the command line selects"))
        ->check(CLI::IsMember(firmware_choices()));
    add_host_cpu_options(*plan, vm);
    plan->add_option("--passthrough", vm.passthrough,
                     "HOST=DEVICE: the vfio-pci device at host address HOST is the catalog's DEVICE (aperture devices)")
        ->expected(1)
        ->allow_extra_args(false)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    plan->add_option("--xml", vm.source.libvirt_xml, "A libvirt domain XML (virsh dumpxml; - reads it from standard input) instead of a QEMU command line");
    plan->add_option("--libvirt-version", vm.libvirt_version,
                     "With --xml: the libvirt release that starts the domain (default 9.0.0, Debian 12's; 10.7.0 reads as libvirt 10.7)");
    plan->add_option("--proxmox-cmd", vm.source.proxmox_cmd,
                     "Proxmox VE's command line of a VM (qm showcmd VMID [--pretty] > FILE) instead of a QEMU command line");
    plan->add_option("args-file", vm.source.qemu_args, "@FILE holding the QEMU command line (or give it after --)");

    plan->add_option("--host", vm.host_file, "A host snapshot (aperture host --save) instead of probing this host");
    plan->add_option("--arch", vm.arch, "Guest architecture when the command line does not name the qemu binary")
        ->check(CLI::IsMember({"x86_64", "ppc64"}));
    plan->add_option("--qemu", vm.qemu_release, qemu_option_help());
    add_xen_options(*plan, vm);
    return plan;
}

CLI::App* add_check_subcommand(CLI::App& app, CheckCommand& command) {
    app::CheckRequest& request = command.request;
    app::VmRequest& vm = request.vm;
    auto* check = app.add_subcommand("check", "Plan the VM and report PASS/WARN/FAIL findings against the host, with fixes");
    check->add_option("-o,--output", command.output, "Write the report to FILE (replaced whole, never half-written) instead of standard output");
    check->add_option("--format", command.format, "Output format: text, json, or the address map with the findings as svg or html")
        ->check(CLI::IsMember({"text", "json", "svg", "html"}));
    add_check_input_options(*check, vm, request.migrate_to, request.will_attach);
    check->add_option("--color", command.colour,
                      "PASS/WARN/FAIL in colour: auto (on a terminal, unless NO_COLOR is set), always or never")
        ->check(CLI::IsMember({"auto", "always", "never"}));
    check->add_option("--xml", vm.source.libvirt_xml, "A libvirt domain XML (virsh dumpxml; - reads it from standard input) instead of a QEMU command line");
    check->add_option("--proxmox-cmd", vm.source.proxmox_cmd,
                      "Proxmox VE's command line of a VM (qm showcmd VMID [--pretty] > FILE) instead of a QEMU command line");
    check->add_option("args-file", vm.source.qemu_args, "@FILE holding the QEMU command line (or give it after --)");
    add_xen_options(*check, vm);
    return check;
}

CLI::App* add_fix_subcommand(CLI::App& app, FixCommand& command) {
    app::FixRequest& request = command.request;
    auto* fix = app.add_subcommand("fix", "Write a libvirt domain with every proven fix for its FAIL findings applied");
    fix->add_option("--format", command.format, "Output format: text (the fixed domain) or json (aperture-fix/2: the fixes, what was "
                                                "applied, the fixed domain and its check)")
        ->check(CLI::IsMember({"text", "json"}));
    fix->add_option("--xml", request.vm.source.libvirt_xml, "The libvirt domain XML (virsh dumpxml; - reads standard input) to fix")->required();
    add_check_input_options(*fix, request.vm, request.migrate_to, request.will_attach);
    fix->add_option("-o,--output", command.output, "Write the fixed domain here (replaced whole, never half-written) instead of stdout");
    return fix;
}

CLI::App* add_host_subcommand(CLI::App& app, HostCommand& command) {
    auto* host = app.add_subcommand("host", "Probe this host read-only (CPU, KVM paging, IOMMU, PCI devices, memlock)");
    host->add_option("-o,--output", command.output, "Write the report to FILE (replaced whole, never half-written) instead of standard output");
    host->add_option("--format", command.format, "Output format")->check(CLI::IsMember({"text", "json"}));
    host->add_option("--root", command.request.root, "Read a copied /proc and /sys tree under this directory instead of /");
    host->add_option("--save", command.save, "Also write the snapshot (JSON) to this file, for --host");
    return host;
}

CLI::App* add_memlock_subcommand(CLI::App& app, MemlockCommand& command) {
    app::MemlockRequest& request = command.request;
    auto* memlock = app.add_subcommand("memlock", "The locked-memory limit libvirt sets for a domain XML (any architecture)");
    memlock->add_option("--xml", request.xml_file, "The libvirt domain XML (virsh dumpxml; - reads standard input)")->required();
    memlock->add_option("--libvirt-version", request.libvirt_version, "The libvirt release that starts the domain (default 9.0.0, Debian 12's)");
    memlock->add_option("--host", request.host_file, "A host snapshot (aperture host --save): the PCI hostdevs' IOMMU groups (ppc64 PHBs)");
    memlock->add_option("--nvlink2", request.nvlink2, "HOSTBDF: a PCI hostdev that is an NVLink2 GPU (ppc64; repeatable)")
        ->expected(1)
        ->allow_extra_args(false)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    memlock->add_option("-o,--output", command.output, "Write the report to FILE (replaced whole, never half-written) instead of standard output");
    memlock->add_option("--format", command.format, "Output format")->check(CLI::IsMember({"text", "json"}));
    return memlock;
}

}  // namespace aperture::cli
