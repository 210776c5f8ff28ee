#include "diagnostics/fix_syntax.hpp"

#include <fmt/format.h>
#include <stdexcept>

#include "diagnostics/fix_proof.hpp"
#include "firmware/ovmf/ovmf_layout.hpp"
#include "libvirt/qemu_namespace_uri.hpp"

namespace aperture {

using ovmf::X_PCI_MMIO64_MB_FW_CFG;

void set_x_pci_mmio64_mb(VmSpec& spec, u64 mb) {
    std::erase_if(spec.fw_cfg, [](const FwCfgSpec& f) { return f.name == X_PCI_MMIO64_MB_FW_CFG; });
    FwCfgSpec item;
    item.name = X_PCI_MMIO64_MB_FW_CFG;
    item.string_value = std::to_string(mb);
    item.where.text = "aperture's fix";
    spec.fw_cfg.push_back(std::move(item));
}

Fix x_pci_mmio64_mb_fix(u64 mb) {
    Fix fix;
    const std::string value = fmt::format("name={},string={}", X_PCI_MMIO64_MB_FW_CFG, mb);
    fix.summary = fmt::format("give OVMF a {} 64-bit PCI window (X-PciMmio64Mb={}, replacing any earlier value)", human_size(mb * MiB), mb);
    fix.qemu_args = {"-fw_cfg", value};
    fix.domain.x_pci_mmio64_mb = mb;
    fix.stability = FixStability::Experimental;
    fix.trade_off = "an X- knob OVMF may change or drop (a smaller value than its own is honoured only from edk2-stable202505); "
                    "libvirt needs <qemu:commandline>, which taints the domain and is not offered by OpenStack Nova or Proxmox";
    fix.apply = [mb](CheckSubject& s) { set_x_pci_mmio64_mb(s.spec, mb); };
    fix.libvirt_xml = fmt::format(
        "<domain type='kvm' xmlns:qemu='{}'>\n"
        "  ...\n"
        "  <qemu:commandline>\n"
        "    <qemu:arg value='-fw_cfg'/>\n"
        "    <qemu:arg value='{}'/>\n"
        "  </qemu:commandline>\n"
        "</domain>",
        kLibvirtQemuNamespace, value);
    return fix;
}

namespace {

// QEMU's size syntax for a power of two: "32G", "512M".
std::string qemu_size(u64 bytes) {
    for (const auto& [unit, scale] : {std::pair{"T", TiB}, {"G", GiB}, {"M", MiB}, {"K", KiB}}) {
        if (bytes >= scale && bytes % scale == 0) return fmt::format("{}{}", bytes / scale, unit);
    }
    return std::to_string(bytes);
}

void set_property(PropertyList& list, const std::string& key, const std::string& value) {
    std::erase_if(list.entries, [&](const auto& kv) { return kv.first == key; });
    list.entries.emplace_back(key, value);
}

}  // namespace

void set_pref64_reserve(VmSpec& spec, const std::string& port, u64 bytes) {
    for (auto& d : spec.devices) {
        if (d.id == port) set_property(d.properties, "pref64-reserve", qemu_size(bytes));
    }
}

Fix pref64_reserve_fix(const DeviceSpec& port, u64 bytes) {
    DeviceSpec changed = port;
    set_property(changed.properties, "pref64-reserve", qemu_size(bytes));
    const std::string arg = device_option(changed);
    Fix fix;
    fix.summary = fmt::format("reserve {} of 64-bit prefetchable space behind {} (pref64-reserve)", human_size(bytes), port.id);
    fix.trade_off = "the reservation takes 64-bit address space whether or not a device is ever attached";
    fix.qemu_args = {"-device", arg};
    if (!port.written.empty()) fix.qemu_replaces = {"-device", port.written};
    fix.apply = [id = port.id, bytes](CheckSubject& s) { set_pref64_reserve(s.spec, id, bytes); };
    // A port read from domain XML carries its libvirt alias as its id.
    fix.domain.overrides.push_back({port.id, "pref64-reserve", "unsigned", std::to_string(bytes)});
    // libvirt has no element for it: <qemu:override> sets the property on the port's device (libvirt 8.2+),
    // whose alias is the controller's ("pci.N", or "ua-<id>" for a user alias). A port read from domain XML
    // has it as its id; for a QEMU command line the user's controller index is not known.
    const bool libvirt_alias = port.id.starts_with("pci.") || port.id.starts_with("ua-");
    fix.libvirt_xml = fmt::format(
        "<domain type='kvm' xmlns:qemu='{}'>\n"
        "  ...\n"
        "  <qemu:override>\n"
        "{}"
        "    <qemu:device alias='{}'>\n"
        "      <qemu:frontend>\n"
        "        <qemu:property name='pref64-reserve' type='unsigned' value='{}'/>\n"
        "      </qemu:frontend>\n"
        "    </qemu:device>\n"
        "  </qemu:override>\n"
        "</domain>",
        kLibvirtQemuNamespace,
        libvirt_alias ? "" : fmt::format("    <!-- alias of the controller of port {}: pci.N, N its index -->\n", port.id),
        libvirt_alias ? port.id : "pci.N", bytes);
    return fix;
}

std::string device_option(const DeviceSpec& device) {
    std::string arg = device.driver;
    if (!device.id.empty()) arg += ",id=" + device.id;
    if (device.bus) arg += ",bus=" + *device.bus;
    if (device.addr) arg += ",addr=" + *device.addr;
    if (device.multifunction) arg += ",multifunction=on";
    for (const auto& [key, value] : device.properties.entries) arg += fmt::format(",{}={}", key, value);
    return arg;
}

void set_device_property(DeviceSpec& device, const std::string& key, const std::string& value) {
    set_property(device.properties, key, value);
}

std::string cpu_option(const CpuSpec& cpu) {
    std::string out = cpu.model.empty() ? "qemu64" : cpu.model;
    if (cpu.vendor) out += ",vendor=" + *cpu.vendor;
    for (const auto& [flag, on] : cpu.flags) out += fmt::format(",{}={}", flag, on ? "on" : "off");
    for (const auto& [key, value] : cpu.other.entries) out += fmt::format(",{}={}", key, value);
    if (cpu.host_phys_bits) out += fmt::format(",host-phys-bits={}", *cpu.host_phys_bits ? "on" : "off");
    if (cpu.host_phys_bits_limit) out += fmt::format(",host-phys-bits-limit={}", *cpu.host_phys_bits_limit);
    if (cpu.phys_bits) out += fmt::format(",phys-bits={}", *cpu.phys_bits);
    return out;
}

namespace {

bool copies_host_width(const CpuSpec& cpu) {
    // target/i386/host-cpu.c host_cpu_max_instance_init: host and max default to host-phys-bits=on under KVM.
    return cpu.host_phys_bits.value_or(cpu.model == "host" || cpu.model == "max");
}

void set_phys_bits(CpuSpec& cpu, unsigned bits) {
    cpu.phys_bits = bits;
    // With host-phys-bits on, QEMU ignores phys-bits= (host_cpu_realizefn copies the host's width over it).
    if (copies_host_width(cpu)) cpu.host_phys_bits = false; else cpu.host_phys_bits.reset();
    cpu.host_phys_bits_limit.reset();
}

}  // namespace

Fix phys_bits_fix(const CpuSpec& cpu, unsigned bits) {
    CpuSpec changed = cpu;
    set_phys_bits(changed, bits);
    Fix fix;
    fix.summary = fmt::format("give the guest {} physical address bits (phys-bits={})", bits, bits);
    fix.trade_off = fmt::format("the guest sees {} bits on every host, so it migrates to any host with at least {} bits", bits, bits);
    fix.qemu_args = {"-cpu", cpu_option(changed)};
    fix.libvirt_xml = fmt::format("<cpu>\n  <maxphysaddr mode='emulate' bits='{}'/>\n</cpu>", bits);
    fix.domain.maxphysaddr_bits = bits;
    fix.apply = [bits](CheckSubject& s) { set_phys_bits(s.spec.cpu, bits); };
    return fix;
}

Fix host_phys_bits_limit_fix(const CpuSpec& cpu, unsigned bits) {
    CpuSpec changed = cpu;
    changed.phys_bits.reset();
    if (!copies_host_width(changed)) changed.host_phys_bits = true;
    changed.host_phys_bits_limit = bits;
    Fix fix;
    fix.summary = fmt::format("keep the host's width, capped at {} bits (host-phys-bits-limit={})", bits, bits);
    // `aperture fix` does not write it: Debian 12's libvirt 9.0 schema rejects the limit attribute
    // (virt-xml-validate), and libvirt takes passthrough only in a host-passthrough <cpu>.
    fix.trade_off = fmt::format("the guest's width follows the host it boots on, at most {} bits: it migrates only between hosts "
                                "of at least {} bits; libvirt's limit= is newer than Debian 12's libvirt 9.0",
                                bits, bits);
    fix.scope = FixScope::HostSpecific;
    fix.qemu_args = {"-cpu", cpu_option(changed)};
    fix.libvirt_xml = fmt::format("<cpu mode='host-passthrough'>\n  <maxphysaddr mode='passthrough' limit='{}'/>\n</cpu>", bits);
    fix.apply = [changed](CheckSubject& s) {
        s.spec.cpu.phys_bits = changed.phys_bits;
        s.spec.cpu.host_phys_bits = changed.host_phys_bits;
        s.spec.cpu.host_phys_bits_limit = changed.host_phys_bits_limit;
    };
    return fix;
}

Fix host_phys_bits_fix(const CpuSpec& cpu) {
    CpuSpec changed = cpu;
    changed.phys_bits.reset();
    changed.host_phys_bits = true;
    changed.host_phys_bits_limit.reset();
    Fix fix;
    fix.summary = "give the guest the host's own width (host-phys-bits=on)";
    fix.trade_off = "the guest's width is whatever host it boots on: migrating it to a narrower host breaks it";
    fix.scope = FixScope::HostSpecific;
    fix.qemu_args = {"-cpu", cpu_option(changed)};
    fix.libvirt_xml = "<cpu mode='host-passthrough'>\n  <maxphysaddr mode='passthrough'/>\n</cpu>";
    fix.apply = [](CheckSubject& s) {
        s.spec.cpu.phys_bits.reset();
        s.spec.cpu.host_phys_bits = true;
        s.spec.cpu.host_phys_bits_limit.reset();
    };
    return fix;
}

namespace {

HostSnapshot& host_of(CheckSubject& s, std::optional<std::size_t> target) {
    if (target) return s.targets.at(*target).host;
    if (!s.host) throw std::logic_error("a host-side fix for a check without a host");
    return *s.host;
}

std::string on_which(std::optional<std::size_t> target) { return target ? "on the migration target" : "on this host"; }

}  // namespace

Fix disable_tdp_fix(const std::string& vendor, std::optional<std::size_t> target) {
    const bool amd = vendor == "AuthenticAMD";
    const char* module = amd ? "kvm_amd" : "kvm_intel";
    const char* option = amd ? "npt" : "ept";
    Fix fix;
    fix.summary = fmt::format("turn off two-dimensional paging {} ({} {}=0), so KVM maps guest addresses with shadow page tables",
                              on_which(target), module, option);
    fix.trade_off = "costly: every VM on that host loses EPT/NPT (page-fault-heavy workloads slow down several "
                    "times), and the module reloads only with no VM running";
    fix.scope = FixScope::HostSide;
    fix.host_steps = {fmt::format("echo 'options {} {}=0' > /etc/modprobe.d/aperture-{}.conf", module, option, option),
                      fmt::format("modprobe -r {} && modprobe {}", module, module)};
    fix.apply = [amd, target](CheckSubject& s) {
        HostSnapshot& host = host_of(s, target);
        (amd ? host.kvm.npt : host.kvm.ept) = false;
        // arch/x86/kvm/cpuid.c: GuestPhysBits is reported only with TDP enabled; without it KVM reports 0.
        if (host.kvm_guest_phys_bits) host.kvm_guest_phys_bits->bits = 0;
        if (!target && s.options.host.cpu && s.options.host.cpu->kvm_guest_phys_bits) s.options.host.cpu->kvm_guest_phys_bits = 0;
    };
    return fix;
}

Fix ulimit_fix(u64 kib, std::optional<std::size_t> target) {
    Fix fix;
    fix.summary = fmt::format("raise the locked-memory limit {} to {} KiB in the shell that starts QEMU", on_which(target), kib);
    fix.trade_off = "raising the hard limit needs root (limits.conf or the service's LimitMEMLOCK=); the pinned RAM "
                    "cannot be swapped or overcommitted";
    fix.scope = FixScope::HostSide;
    fix.host_steps = {fmt::format("ulimit -l {}", kib)};
    fix.apply = [kib, target](CheckSubject& s) {
        HostSnapshot& host = host_of(s, target);
        const u64 bytes = mul_or_throw(kib, KiB, "locked-memory limit");
        MemlockLimit limit = host.memlock.value_or(MemlockLimit{});
        // bash's ulimit without -S or -H sets both limits.
        limit.soft = bytes;
        limit.hard = bytes;
        host.memlock = limit;
    };
    return fix;
}

Fix hard_limit_fix(u64 kib) {
    Fix fix;
    fix.summary = fmt::format("set the domain's <hard_limit> to {} KiB: libvirt sets QEMU's locked-memory limit from it", kib);
    fix.trade_off = "<hard_limit> also caps all of the domain's memory (the cgroup's limit): QEMU is killed if it outgrows it";
    fix.libvirt_xml = fmt::format("<memtune>\n  <hard_limit unit='KiB'>{}</hard_limit>\n</memtune>", kib);
    fix.domain.hard_limit_kib = kib;
    fix.apply = [kib](CheckSubject& s) {
        if (s.libvirt) s.libvirt->domain.hard_limit_kib = kib;
    };
    return fix;
}

std::string qemu_size_text(u64 bytes) { return qemu_size(bytes); }

Fix max_ram_below_4g_fix(u64 bytes) {
    Fix fix;
    const std::string size = qemu_size(bytes);
    fix.summary = fmt::format("keep at most {} of RAM below 4 GiB (max-ram-below-4g={}), which widens the 32-bit PCI window", human_size(bytes), size);
    fix.trade_off = "the RAM moved above 4 GiB is lost to a 32-bit guest without PAE; libvirt has no element for it, so "
                    "<qemu:commandline> (a tainted domain)";
    fix.qemu_args = {"-machine", "max-ram-below-4g=" + size};
    fix.libvirt_xml = fmt::format(
        "<domain type='kvm' xmlns:qemu='{}'>\n"
        "  ...\n"
        "  <qemu:commandline>\n"
        "    <qemu:arg value='-machine'/>\n"
        "    <qemu:arg value='max-ram-below-4g={}'/>\n"
        "  </qemu:commandline>\n"
        "</domain>",
        kLibvirtQemuNamespace, size);
    fix.apply = [bytes](CheckSubject& s) { s.spec.machine.max_ram_below_4g = bytes; };
    return fix;
}

namespace {

// The host bridge that owns the hole, and libvirt's name for the root controller that sets it
// (qemuBuildGlobalControllerCommandLine: <pcihole64> on pci-root / pcie-root).
const char* pci_host_driver(MachineFamily family) { return family == MachineFamily::Q35 ? "q35-pcihost" : "i440FX-pcihost"; }
const char* root_controller_model(MachineFamily family) { return family == MachineFamily::Q35 ? "pcie-root" : "pci-root"; }

}  // namespace

void set_pci_hole64_size(VmSpec& spec, MachineFamily family, u64 bytes) {
    const std::string driver = pci_host_driver(family);
    std::erase_if(spec.globals, [&](const GlobalSpec& g) { return g.driver == driver && g.property == "pci-hole64-size"; });
    spec.globals.push_back({driver, "pci-hole64-size", qemu_size(bytes), SourceLocation{"aperture's fix"}});
}

Fix pci_hole64_size_fix(MachineFamily family, u64 bytes, u64 before, const std::string& why) {
    Fix fix;
    const std::string size = qemu_size(bytes);
    fix.summary = fmt::format("shrink QEMU's 64-bit PCI hole from {} to {} ({}.pci-hole64-size={}): {}", human_size(before), human_size(bytes),
                              pci_host_driver(family), size, why);
    fix.trade_off = fmt::format("SeaBIOS and OVMF place the BARs as before (neither reads the hole's size), but the guest's ACPI _CRS offers "
                                "only {} of 64-bit space beyond them for devices hot-plugged on the root bus or BARs the guest OS moves",
                                human_size(bytes));
    // A later -global of the same property wins (qdev's global list is applied in order).
    fix.qemu_args = {"-global", fmt::format("{}.pci-hole64-size={}", pci_host_driver(family), size)};
    fix.libvirt_xml = fmt::format("<controller type='pci' index='0' model='{}'>\n  <pcihole64 unit='KiB'>{}</pcihole64>\n</controller>",
                                  root_controller_model(family), bytes / KiB);
    fix.domain.pcihole64_kib = bytes / KiB;
    fix.apply = [family, bytes](CheckSubject& s) { set_pci_hole64_size(s.spec, family, bytes); };
    return fix;
}

Fix machine_type_fix(const std::string& type, const std::string& why) {
    Fix fix;
    fix.summary = fmt::format("use the machine type {}: {}", type, why);
    fix.trade_off = "a new machine type changes what the guest sees (devices, ACPI): boot it cold, and every migration target needs "
                    "a QEMU with that type";
    fix.qemu_args = {"-machine", type};
    fix.libvirt_xml = fmt::format("<os>\n  <type arch='x86_64' machine='{}'>hvm</type>\n</os>", type);
    fix.apply = [type](CheckSubject& s) {
        s.spec.machine.type = type;
        s.spec.machine.type_where = SourceLocation{"aperture's fix"};
    };
    return fix;
}

Fix memory_size_fix(u64 bytes, u64 before, const std::string& why) {
    Fix fix;
    const std::string size = qemu_size(bytes);
    fix.summary = fmt::format("give the guest {} of RAM instead of {} (-m {}): {}", human_size(bytes), human_size(before), size, why);
    fix.trade_off = fmt::format("the guest has {} less RAM", human_size(before - bytes));
    fix.qemu_args = {"-m", size};
    fix.libvirt_xml = fmt::format("<memory unit='KiB'>{}</memory>\n<currentMemory unit='KiB'>{}</currentMemory>", bytes / KiB, bytes / KiB);
    fix.apply = [bytes](CheckSubject& s) { s.spec.memory.size = bytes; };
    return fix;
}

Fix combined_fix(Fix first, const Fix& second) {
    Fix both = std::move(first);
    both.summary += "; and " + second.summary;
    both.trade_off = second.trade_off + "; " + both.trade_off;
    both.scope = std::max(both.scope, second.scope);
    both.stability = std::max(both.stability, second.stability);
    both.qemu_args.insert(both.qemu_args.end(), second.qemu_args.begin(), second.qemu_args.end());
    if (!second.libvirt_xml.empty()) both.libvirt_xml += (both.libvirt_xml.empty() ? "" : "\n") + second.libvirt_xml;
    both.host_steps.insert(both.host_steps.end(), second.host_steps.begin(), second.host_steps.end());
    both.apply = [a = both.apply, b = second.apply](CheckSubject& s) {
        a(s);
        b(s);
    };
    return both;
}

}  // namespace aperture
