#include "app/qemu_x86_vm.hpp"

#include <algorithm>
#include <filesystem>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "app/passthrough_option.hpp"
#include "app/requested_host.hpp"
#include "app/will_attach_option.hpp"
#include "core/error.hpp"
#include "devices/option_rom.hpp"
#include "host/host_context.hpp"
#include "host/host_snapshot_json.hpp"
#include "input/proxmox/qm_showcmd.hpp"
#include "input/qemu_command_line.hpp"
#include "libvirt/domain_memlock_input.hpp"
#include "libvirt/libvirt_version.hpp"
#include "plan/stack_detection.hpp"
#include "plan/stack_request.hpp"
#include "report/json_report.hpp"
#include "report/text_report.hpp"

namespace aperture::app {

namespace {

// romfile= files of the user's own (an IGD's video BIOS, as `aperture check` proposes): their size, when
// the file is on this machine (QEMU reads the same path on the host it runs on). QEMU's own ROM files are
// known by name (devices/option_rom.hpp); a file not here is left to the device model's error.
void add_user_rom_files(const VmSpec& spec, HostContext& host) {
    for (const auto& d : spec.devices) {
        const std::string* rom = d.properties.find("romfile");
        if (!rom || rom->empty() || debian12_rom_file_size(*rom)) continue;
        std::error_code error;
        if (!std::filesystem::is_regular_file(*rom, error) || error) continue;
        const auto size = std::filesystem::file_size(*rom, error);
        if (!error) host.rom_files[*rom] = size;
    }
}

bool uses_vfio(const VmSpec& spec) {
    return std::any_of(spec.devices.begin(), spec.devices.end(), [](const DeviceSpec& d) { return d.driver == "vfio-pci"; });
}

// Proxmox VE's machine type names the release that runs it when it is versioned ("pc-q35-9.2+pve0": QEMU
// 9.2 or later): unless a flag or the host chose, the oldest modelled release that offers it, with a note.
// An unversioned one ("q35+pve0") is the newest type of whatever pve-qemu-kvm the host has, which the
// command line does not say: returns the refusal to make if nothing else names the release.
std::optional<std::string> choose_qemu_for_proxmox(PlanOptions& options, const ProxmoxCommandLine& command, VmSpec& spec) {
    if (!command.machine || options.qemu_choice.source != StackChoiceSource::Default) return std::nullopt;
    const std::string& upstream = command.machine->upstream;
    if (upstream == "q35" || upstream == "pc") {
        return fmt::format("{}: '{}' is the newest {} machine type of the pve-qemu-kvm on the Proxmox VE host, which the command "
                           "line does not name: give the release with --qemu (Proxmox VE 8.4 runs QEMU 9.2, 9.0 runs 10.0, 9.1 runs "
                           "10.1; aperture models {}), or a --host snapshot of the Proxmox VE host",
                           command.machine_where, upstream, upstream, fmt::join(qemu_release_names(), ", "));
    }
    const QemuRelease* release = oldest_release_offering(upstream);
    if (!release) return std::nullopt;  // a type no modelled release offers: the machine model refuses it by name
    options.qemu = release;
    options.qemu_choice = StackChoice{StackChoiceSource::CommandLine, command.machine_where, {}};
    spec.notes.push_back({fmt::format("{} is the oldest release aperture models that offers {}; a versioned machine type keeps "
                                      "its release's guest-visible layout in every later one (--qemu names another)",
                                      release->display_name, upstream),
                          SourceLocation{command.machine_where}});
    return std::nullopt;
}

// The VmSpec (and the domain) for the QEMU release the options name. For Proxmox VE, what to refuse
// unless a release is named before planning (choose_qemu_for_proxmox).
std::optional<std::string> read_description(QemuX86Vm& vm, const VmSource& source, const std::string& libvirt_version) {
    if (!source.proxmox_cmd.empty()) {
        ProxmoxCommandLine command = read_qm_showcmd_file(source.proxmox_cmd);
        VmSpec chosen;  // the note on the release chosen, after the reader's own notes
        std::optional<std::string> unnamed_release = choose_qemu_for_proxmox(vm.options, command, chosen);
        vm.spec = read_qemu_command_line_located(std::move(command.args), *vm.options.qemu);
        command.notes.insert(command.notes.end(), chosen.notes.begin(), chosen.notes.end());
        vm.spec.notes.insert(vm.spec.notes.begin(), command.notes.begin(), command.notes.end());
        return unnamed_release;
    }
    if (source.libvirt_xml.empty()) {
        vm.spec = read_qemu_command_line(source.qemu_args, *vm.options.qemu);
        return std::nullopt;
    }
    LibvirtReadOptions read_options;
    read_options.qemu = vm.options.qemu;
    read_options.libvirt = parse_libvirt_version(libvirt_version);
    vm.domain = read_libvirt_domain_file(source.libvirt_xml, read_options);
    vm.spec = vm.domain->spec;
    return std::nullopt;
}

// CPUID 0x80000008 EAX[23:16] holds a byte, and QEMU compares it with phys-bits, which stop at 64 bits
// (target/i386/cpu.c x86_cpu_realizefn); KVM reports 0 when it reports none.
constexpr unsigned kMaxGuestPhysBits = 64;

void check_host_guest_phys_bits(const std::optional<unsigned>& bits) {
    if (bits && *bits > kMaxGuestPhysBits) {
        throw InputError(fmt::format("--host-guest-phys-bits {}: expected 0 (KVM reports none) or a width up to {} bits", *bits,
                                     kMaxGuestPhysBits));
    }
}

}  // namespace

QemuX86Vm prepare_qemu_x86_vm(const VmRequest& request, HostNeed need) {
    const VmSource& source = request.source;
    const int descriptions = !source.libvirt_xml.empty() + !source.qemu_args.empty() + !source.proxmox_cmd.empty();
    if (descriptions > 1) {
        throw InputError(source.proxmox_cmd.empty() ? "give either --xml FILE or a QEMU command line, not both"
                                                    : "give one of --proxmox-cmd FILE, --xml FILE or a QEMU command line, not several");
    }
    if (descriptions == 0) {
        throw InputError("a QEMU command line is needed after --, or @FILE holding one, or --xml FILE, or --proxmox-cmd FILE");
    }
    check_host_guest_phys_bits(request.host_guest_phys_bits);
    QemuX86Vm vm;
    if (!request.qemu_release.empty()) request_qemu_release(vm.options, request.qemu_release);
    if (!request.firmware.empty()) request_firmware(vm.options, request.firmware);
    // A saved host first: its QEMU is the release the description is read for.
    vm.host = requested_host(request);
    if (vm.host) choose_qemu_from_host(vm.options, *vm.host);
    std::optional<std::string> unnamed_release = read_description(vm, source, request.libvirt_version);
    if (!vm.host && (need == HostNeed::Always || (uses_vfio(vm.spec) && request.passthrough.empty()))) {
        vm.host = std::make_shared<const HostSnapshot>(probe_host("/"));
        const QemuRelease* read_for = vm.options.qemu;
        choose_qemu_from_host(vm.options, *vm.host);
        if (vm.options.qemu != read_for) unnamed_release = read_description(vm, source, request.libvirt_version);  // this host's QEMU reads it differently
    }
    // This host's QEMU may have named the release an unversioned Proxmox machine type needs.
    if (unnamed_release && vm.options.qemu_choice.source == StackChoiceSource::Default) throw InputError(*unnamed_release);
    choose_firmware_release(vm.options, vm.spec, vm.host.get());
    if (vm.host) vm.options.host = host_context(*vm.host);
    if (!request.host_cpu_vendor.empty()) {
        vm.options.host.cpu = HostCpu{request.host_cpu_vendor, request.host_phys_bits, std::nullopt};
    } else if (!vm.options.host.cpu && vm.spec.machine.accel == "kvm") {
        vm.options.host.cpu = live_host_cpu();
    }
    // Without a host CPU there is nothing to give them to: a TCG guest never reads them, and a KVM guest without
    // one is refused for want of the host's vendor.
    if (request.host_phys_bits != 0 && vm.options.host.cpu) vm.options.host.cpu->phys_bits = request.host_phys_bits;
    if (request.host_guest_phys_bits && vm.options.host.cpu) vm.options.host.cpu->kvm_guest_phys_bits = *request.host_guest_phys_bits;
    for (auto& [address, function] : passthrough_functions(request.passthrough)) vm.options.host.passthrough[address] = std::move(function);
    add_user_rom_files(vm.spec, vm.options.host);
    return vm;
}

QemuX86Vm with_domain(QemuX86Vm vm, LibvirtDomain domain) {
    vm.spec = domain.spec;
    vm.domain = std::move(domain);
    return vm;
}

std::vector<PlannedHotplug> planned_hotplug(const std::vector<std::string>& will_attach, const QemuX86Vm& vm) {
    std::map<std::string, std::string> not_passable;
    if (vm.host) {
        for (const auto& device : vm.host->pci) {
            std::string why_not;
            if (!vm.options.host.passthrough.contains(device.address) && !passthrough_function(device, why_not)) not_passable[device.address] = why_not;
        }
    }
    const KnownHostDevices known{vm.options.host.passthrough, not_passable};
    std::vector<PlannedHotplug> hotplug;
    for (const auto& item : will_attach) {
        PortAttachment attachment = parse_port_attachment(item, known);
        AttachedDevice& device = attachment.device;
        switch (device.kind) {
            case AttachedKind::LargestBar:  // one BAR, and the report names the device by it
                hotplug.push_back(PlannedHotplug::largest_bar(attachment.port, device.function.bars.front().size));
                continue;
            case AttachedKind::HostDevice: device.what = "host device " + *device.host_address; break;
            case AttachedKind::BarList: device.what = "device with " + device.what; break;
            case AttachedKind::Catalog: break;
        }
        hotplug.push_back({std::move(attachment.port), std::move(device.what), std::move(device.function)});
    }
    return hotplug;
}

void require_hotplug_ports(const Plan& plan, const std::vector<std::string>& will_attach) {
    if (!plan.firmware) return;  // refused before the firmware ran: the refusal is the report
    std::vector<std::string> ports;
    for (const auto& f : plan.firmware->functions) {
        if (f.bridge && !f.node->id.empty()) ports.push_back(f.node->id);
    }
    for (const auto& option : will_attach) {
        const std::string port = option.substr(0, option.find('='));
        if (std::find(ports.begin(), ports.end(), port) != ports.end()) continue;
        throw InputError(fmt::format("--will-attach {}: this VM has no PCI port or bridge with id '{}'; it has: {}", option, port,
                                     ports.empty() ? "none (add a pcie-root-port with an id)" : fmt::format("{}", fmt::join(ports, ", "))));
    }
}

std::optional<LibvirtMemlockContext> libvirt_context(const QemuX86Vm& vm, const std::string& libvirt_version) {
    if (!vm.domain) return std::nullopt;
    return LibvirtMemlockContext{libvirt_memlock_input(*vm.domain), parse_libvirt_version(libvirt_version)};
}

CheckSubject check_subject(const QemuX86Vm& vm, std::vector<PlannedHotplug> hotplug, const std::string& libvirt_version,
                           const std::vector<std::string>& migrate_to) {
    CheckSubject subject{vm.spec, vm.options, vm.host ? std::optional<HostSnapshot>(*vm.host) : std::nullopt, {}, std::move(hotplug), libvirt_context(vm, libvirt_version)};
    for (const auto& file : migrate_to) {
        HostSnapshot target = load_host_snapshot(file);
        std::string name = host_name(target);
        subject.targets.push_back({std::move(name), std::move(target)});
    }
    return subject;
}

CheckReport check_report(const QemuX86Vm& vm, const CheckSubject& subject, const CheckedVm& checked) {
    const Plan& plan = checked.plan;
    CheckReport report;
    // Named as plan's header names it: "QEMU 7.2 pc-q35-7.2 with SeaBIOS 1.16.2" (the JSON's stack has the model ids).
    report.subject = fmt::format("{} {} with {} on {}", plan.stack.qemu->display_name, plan.machine.type.name, plan.stack.firmware_release->display_name,
                                 vm.host ? host_name(*vm.host) : "no host");
    report.stack_text = render_stack_text(plan);
    report.stack_json = render_stack_json(plan);
    report.findings = checked.findings;
    for (std::size_t t = 0; t < subject.targets.size(); ++t) {
        report.migrations.push_back({subject.targets[t].name, checked.target_findings[t]});
    }
    return report;
}

std::string host_name(const HostSnapshot& host) {
    if (host.cpu && host.cpu->model_name) return *host.cpu->model_name;
    return "host " + host.root;
}

}  // namespace aperture::app
