#include "diagnostics/fix_syntax.hpp"

#include <fmt/format.h>

#include "firmware/ovmf/ovmf_layout.hpp"

namespace aperture {

using ovmf202211::X_PCI_MMIO64_MB_FW_CFG;

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
    fix.libvirt_xml = fmt::format(
        "<domain type='kvm' xmlns:qemu='{}'>\n"
        "  ...\n"
        "  <qemu:commandline>\n"
        "    <qemu:arg value='-fw_cfg'/>\n"
        "    <qemu:arg value='{}'/>\n"
        "  </qemu:commandline>\n"
        "</domain>",
        LIBVIRT_QEMU_NAMESPACE, value);
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
    return fix;
}

}  // namespace aperture
