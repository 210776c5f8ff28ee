#include "host/host_text.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace aperture {

namespace {

std::string unknown_or(const std::optional<unsigned>& value) { return value ? std::to_string(*value) : "unknown"; }

void cpu_section(std::string& out, const HostSnapshot& snapshot) {
    if (!snapshot.cpu) {
        out += "CPU       unknown (/proc/cpuinfo could not be read)\n";
        return;
    }
    const HostCpuDetails& cpu = *snapshot.cpu;
    out +=
        fmt::format("CPU       {} {}: phys-bits {}, virt-bits {}\n", cpu.vendor.value_or("unknown vendor"),
                    cpu.model_name.value_or("(no model name)"), unknown_or(cpu.phys_bits), unknown_or(cpu.virt_bits));
    const HostCpuFlags& f = cpu.flags;
    std::string virtualization = "no VT-x or AMD-V";
    if (f.vmx) virtualization = f.ept ? "VT-x with EPT" : "VT-x without EPT";
    if (f.svm) virtualization = f.npt ? "AMD-V with NPT" : "AMD-V without NPT";
    out += fmt::format("          {}, {}-level paging, {}\n", f.pdpe1gb ? "1 GiB pages" : "no 1 GiB pages",
                       f.la57 ? 5 : 4, virtualization);
}

// Why KVM's GuestPhysBits is what the snapshot says, for the basis it records.
std::string guest_phys_bits_reason(const KvmGuestPhysBits& guest_phys_bits, const HostSnapshot& snapshot) {
    const std::string kernel = snapshot.software && snapshot.software->kernel_release ? *snapshot.software->kernel_release : "";
    switch (guest_phys_bits.basis) {
        case GuestPhysBitsBasis::KvmReported: return "measured: KVM_GET_SUPPORTED_CPUID on /dev/kvm";
        case GuestPhysBitsBasis::KernelBefore610:
            return fmt::format("inferred: kernel {} predates 6.10, the first to report it", kernel);
        case GuestPhysBitsBasis::TdpOff: return "inferred: KVM runs without EPT/NPT, so the kernel reports none";
        case GuestPhysBitsBasis::HostPhysBits: return "inferred: kernel 6.10 or later with EPT/NPT reports the host's MAXPHYADDR";
        case GuestPhysBitsBasis::FourLevelTdpCap:
            return fmt::format("inferred: kernel 6.10 or later caps the host's {}-bit MAXPHYADDR at {} for 4-level EPT/NPT",
                               unknown_or(snapshot.cpu ? snapshot.cpu->phys_bits : std::nullopt), kFourLevelTdpGuestPhysBits);
        case GuestPhysBitsBasis::KernelReleaseUnknown: return "the kernel release is unknown";
        case GuestPhysBitsBasis::TdpUnknown: return "neither kvm_intel nor kvm_amd is loaded";
        case GuestPhysBitsBasis::HostPhysBitsUnknown: return "the host's physical address width is unknown";
    }
    return "";
}

// What /dev/kvm said, when the value is not its answer.
std::string kvm_device_text(KvmDeviceOutcome device) {
    switch (device) {
        case KvmDeviceOutcome::NotAsked: return "/dev/kvm not asked (a copied tree)";
        case KvmDeviceOutcome::Answered: return "";
        case KvmDeviceOutcome::Absent: return "no /dev/kvm";
        case KvmDeviceOutcome::NoPermission: return "/dev/kvm not readable by this user";
        case KvmDeviceOutcome::Failed: return "KVM_GET_SUPPORTED_CPUID on /dev/kvm failed";
    }
    return "";
}

void kvm_section(std::string& out, const HostSnapshot& snapshot) {
    const KvmPaging& kvm = snapshot.kvm;
    const auto yes_no = [](bool on) { return on ? "Y (two-dimensional paging)" : "N (shadow paging)"; };
    if (kvm.ept) out += fmt::format("KVM       kvm_intel ept={}\n", yes_no(*kvm.ept));
    if (kvm.npt) out += fmt::format("KVM       kvm_amd npt={}\n", yes_no(*kvm.npt));
    if (!kvm.ept && !kvm.npt) out += "KVM       EPT/NPT unknown: neither kvm_intel nor kvm_amd is loaded\n";
    if (!snapshot.kvm_guest_phys_bits) return;  // a snapshot saved before aperture recorded it
    const KvmGuestPhysBits& guest_phys_bits = *snapshot.kvm_guest_phys_bits;
    std::string reason = guest_phys_bits_reason(guest_phys_bits, snapshot);
    if (guest_phys_bits.device != KvmDeviceOutcome::Answered) reason += "; " + kvm_device_text(guest_phys_bits.device);
    out += fmt::format("          GuestPhysBits {} ({})\n", unknown_or(guest_phys_bits.bits), reason);
}

std::string unit_text(const IommuUnit& unit) {
    if (unit.vendor == IommuVendor::Amd) {
        return fmt::format("{} (AMD): address width unknown (not in sysfs)", unit.name);
    }
    if (unit.vendor == IommuVendor::Other) return fmt::format("{}: address width unknown", unit.name);
    if (!unit.cap) return fmt::format("{} (Intel VT-d): cap unreadable, address width unknown", unit.name);
    std::string widths;
    for (unsigned w : intel_sagaw_widths(*unit.cap)) widths += fmt::format("{}{}", widths.empty() ? "" : "/", w);
    const auto domain = intel_domain_width(*unit.cap);
    return fmt::format("{} (Intel VT-d): MGAW {} bits, SAGAW {} bits, DMA domain {} bits (cap {:#x}{})", unit.name,
                       intel_mgaw(*unit.cap), widths.empty() ? "none" : widths,
                       domain ? std::to_string(*domain) : "none", *unit.cap,
                       unit.ecap ? fmt::format(", ecap {:#x}", *unit.ecap) : "");
}

void iommu_section(std::string& out, const IommuInfo& iommu) {
    if (iommu.units.empty()) out += "IOMMU     none in /sys/class/iommu\n";
    for (std::size_t i = 0; i < iommu.units.size(); ++i) {
        out += fmt::format("{}{}\n", i == 0 ? "IOMMU     " : "          ", unit_text(iommu.units[i]));
    }
    out += fmt::format("Groups    {} IOMMU group{}\n", iommu.groups.size(), iommu.groups.size() == 1 ? "" : "s");
    const auto merged = merged_reserved_regions(iommu.groups);
    if (merged.empty()) return;
    out += "Reserved  IOVA ranges the IOMMU reserves (all groups; VFIO will not map guest RAM there)\n";
    for (const auto& region : merged) {
        out += fmt::format("          {:#018x}-{:#018x}  {:<16}  {}\n", region.range.first(), region.range.last(),
                           region.type, human_size(region.range.size()));
    }
}

std::string group_text(const HostPciDevice& device, const IommuInfo& iommu) {
    if (!device.iommu_group) return "no IOMMU group";
    std::string others;
    if (const IommuGroup* group = iommu.group(*device.iommu_group)) {
        for (const auto& member : group->devices) {
            if (member != device.address) others += fmt::format("{}{}", others.empty() ? "" : ", ", member);
        }
    }
    return fmt::format("group {} ({})", *device.iommu_group, others.empty() ? "alone" : "with " + others);
}

std::string resource_kind(BarKind kind, const HostResource& r) {
    if (kind == BarKind::Io) return "io";
    if (kind == BarKind::Rom) return "rom";
    return fmt::format("mem{}{}", r.is64() ? 64 : 32, r.prefetchable() ? " pref" : "");
}

std::string placement(const HostResource& r) {
    if (!r.assigned()) return "unassigned";
    return fmt::format("{:#x}-{:#x}", r.start, r.end);
}

void bar_line(std::string& out, const HostBar& bar) {
    const std::string name = bar.index == kRomBarIndex ? "ROM" : fmt::format("BAR {}", bar.index);
    out += fmt::format("            {:<8} {:<10} {:>9}  {}  flags {:#x}", name, resource_kind(bar.kind(), bar.resource),
                       human_size(bar.resource.size()), placement(bar.resource), bar.resource.flags);
    if (!bar.resizable_sizes.empty()) {
        std::string sizes;
        for (u64 size : bar.resizable_sizes) sizes += fmt::format("{}{}", sizes.empty() ? "" : ", ", human_size(size));
        out += " resizable: " + sizes;
    }
    out += "\n";
}

// lspci's words for the function: "VGA compatible controller: NVIDIA Corporation AD102 [GeForce RTX 4090]".
void name_line(std::string& out, const HostPciDevice& device, const PciIds& names) {
    const auto described = names.describe(device.vendor_id, device.device_id);
    if (!described) return;
    const auto cls = names.device_class(static_cast<std::uint8_t>(device.class_code >> 16),
                                        static_cast<std::uint8_t>(device.class_code >> 8));
    out += fmt::format("            {:<8} {}{}\n", "name", cls ? std::string(*cls) + ": " : "", *described);
}

void device_section(std::string& out, const HostPciDevice& device, const IommuInfo& iommu, const PciIds& names) {
    out += fmt::format("  {} {:04x}:{:04x} (subsystem {:04x}:{:04x}) class {:06x}{}{}, driver {}, {}", device.address,
                       device.vendor_id, device.device_id, device.subsystem_vendor_id, device.subsystem_device_id,
                       device.class_code, device.is_bridge() ? " bridge" : "",
                       device.multifunction() ? " multi-function" : "", device.driver.value_or("none"),
                       group_text(device, iommu));
    if (device.secondary_bus && device.subordinate_bus) {
        out += fmt::format(", buses {:02x}-{:02x}", *device.secondary_bus, *device.subordinate_bus);
    }
    if (device.parent) out += ", behind " + *device.parent;
    out += "\n";
    name_line(out, device, names);
    if (device.igd) {
        out += fmt::format("            IGD      GMCH {:#010x}  BDSM {:#010x}  ASLS {:#010x}\n", device.igd->gmch,
                           device.igd->bdsm, device.igd->asls);
    } else if (is_intel_vga(device.vendor_id, device.class_word())) {
        out += "            IGD      GMCH/BDSM/ASLS unknown: config space past 64 bytes needs root\n";
    }
    for (const auto& bar : device.bars) bar_line(out, bar);
    static constexpr const char* kWindowNames[] = {"io win", "mem win", "pref win", "mem2 win"};
    for (const auto& window : device.windows) {
        const HostResource& r = window.resource;
        out += fmt::format("            {:<8} {:<10} {:>9}  {}  flags {:#x}\n", kWindowNames[window.window],
                           resource_kind(r.is_io() ? BarKind::Io : BarKind::Memory, r), human_size(r.size()),
                           placement(r), r.flags);
    }
}

std::string limit_text(const std::optional<u64>& bytes) {
    return bytes ? fmt::format("{} ({} bytes)", human_size(*bytes), *bytes) : "unlimited";
}

void limits_section(std::string& out, const HostSnapshot& snapshot) {
    if (snapshot.memlock) {
        out += fmt::format("Memlock   soft {}, hard {} ({})\n", limit_text(snapshot.memlock->soft),
                           limit_text(snapshot.memlock->hard),
                           snapshot.memlock->source == MemlockSource::Getrlimit ? "getrlimit" : "/proc/self/limits");
    } else {
        out += "Memlock   unknown\n";
    }
    if (!snapshot.iomem) {
        out += "iomem     /proc/iomem not read\n";
    } else if (snapshot.iomem->addresses_hidden()) {
        out += "iomem     addresses hidden (read without CAP_SYS_ADMIN): not compared with sysfs\n";
    } else {
        const auto agreement = check_iomem_agreement(*snapshot.iomem, snapshot.pci);
        out += fmt::format("iomem     {} of {} BAR and window ranges agree with sysfs\n",
                           agreement.compared - agreement.disagreements.size(), agreement.compared);
    }
}

void software_section(std::string& out, const HostSnapshot& snapshot) {
    if (!snapshot.software) return;  // a snapshot saved before aperture recorded it
    const HostSoftware& software = *snapshot.software;
    out += fmt::format("Kernel    {}\n", software.kernel_release.value_or("unknown (/proc/sys/kernel/osrelease not read)"));
    if (!software.packages) {
        out += fmt::format("Packages  unknown: no dpkg database ({})\n", kDpkgStatusFile);
        return;
    }
    std::string listed;
    for (const auto& package : *software.packages) {
        if (!listed.empty()) listed += ", ";
        listed += package.name;
        if (!package.version.empty()) listed += " " + package.version;
        if (!package.installed()) listed += fmt::format(" not installed ({})", package.status);
    }
    if (listed.empty()) listed = fmt::format("none of {} in the dpkg database", fmt::join(kWatchedPackages, ", "));
    out += fmt::format("Packages  {}\n", listed);
}

}  // namespace

std::string render_host_text(const HostSnapshot& snapshot, const PciIds& names) {
    std::string out = fmt::format("aperture host: {}\n", snapshot.root);
    cpu_section(out, snapshot);
    kvm_section(out, snapshot);
    iommu_section(out, snapshot.iommu);
    out += fmt::format("PCI       {} function{}\n", snapshot.pci.size(), snapshot.pci.size() == 1 ? "" : "s");
    for (const auto& device : snapshot.pci) device_section(out, device, snapshot.iommu, names);
    limits_section(out, snapshot);
    software_section(out, snapshot);
    const auto notes = host_notes(snapshot);
    if (!notes.empty()) {
        out += "Notes\n";
        for (const auto& note : notes) out += "  - " + note + "\n";
    }
    return out;
}

}  // namespace aperture
