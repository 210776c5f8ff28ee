#include "diagnostics/fix_syntax.hpp"

#include <fmt/format.h>

#include "libvirt/qemu_namespace_uri.hpp"

#include "firmware/ovmf/ovmf_layout.hpp"

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
    std::string arg = changed.driver;
    if (!changed.id.empty()) arg += ",id=" + changed.id;
    if (changed.bus) arg += ",bus=" + *changed.bus;
    if (changed.addr) arg += ",addr=" + *changed.addr;
    if (changed.multifunction) arg += ",multifunction=on";
    for (const auto& [key, value] : changed.properties.entries) arg += fmt::format(",{}={}", key, value);
    Fix fix;
    fix.summary = fmt::format("reserve {} of 64-bit prefetchable space behind {} (pref64-reserve)", human_size(bytes), port.id);
    fix.qemu_args = {"-device", arg};
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

Fix phys_bits_fix(const CpuSpec& cpu, unsigned bits) {
    CpuSpec changed = cpu;
    changed.phys_bits = bits;
    changed.host_phys_bits.reset();
    changed.host_phys_bits_limit.reset();
    Fix fix;
    fix.summary = fmt::format("give the guest the host's {} physical address bits", bits);
    fix.qemu_args = {"-cpu", cpu_option(changed)};
    fix.libvirt_xml = fmt::format("<cpu>\n  <maxphysaddr mode='emulate' bits='{}'/>\n</cpu>", bits);
    fix.domain.maxphysaddr_bits = bits;
    return fix;
}

}  // namespace aperture
