#include "libvirt/xml_memlock_input.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <map>

#include "core/error.hpp"

namespace aperture {

namespace {

// "0001:01:00.0" → "0001:01:00": the host slot whose functions the assumption puts in one group.
std::string host_slot(const std::string& address) { return address.substr(0, address.rfind('.')); }

std::string lower(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

// The host IOMMU group of each PCI hostdev, in domain order.
std::vector<std::optional<unsigned>> iommu_groups(const LibvirtMemlockDomain& domain, const XmlMemlockHost& host, std::string& note) {
    std::vector<std::optional<unsigned>> groups;
    std::vector<std::string> described;
    std::map<std::string, unsigned> assumed;  // host slot → assumed group
    for (const auto& hostdev : domain.pci_hostdevs) {
        std::optional<unsigned> group;
        if (host.snapshot) {
            const auto it = std::find_if(host.snapshot->pci.begin(), host.snapshot->pci.end(),
                                         [&](const HostPciDevice& device) { return lower(device.address) == hostdev.source; });
            // libvirt cannot read the group of a device the host lacks: it stays in the default group.
            if (it != host.snapshot->pci.end()) group = it->iommu_group;
            described.push_back(fmt::format("{} group {}", hostdev.source, group ? std::to_string(*group) : "unknown (default PHB group)"));
        } else {
            group = assumed.emplace(host_slot(hostdev.source), static_cast<unsigned>(assumed.size())).first->second;
            described.push_back(fmt::format("{} group {}", hostdev.source, *group));
        }
        groups.push_back(group);
    }
    note = fmt::format("IOMMU groups {} ({})", host.snapshot ? "from the host snapshot" : "assumed: one per host slot, as libvirt's test mock virpcimock.c has them",
                       described.empty() ? "no PCI hostdev" : fmt::format("{}", fmt::join(described, ", ")));
    return groups;
}

}  // namespace

XmlMemlockInput xml_memlock_input(const LibvirtMemlockDomain& domain, const XmlMemlockHost& host) {
    XmlMemlockInput out;
    LibvirtMemlockInput& in = out.input;
    // ARCH_IS_PPC64 covers ppc64 and ppc64le.
    in.arch = domain.arch.starts_with("ppc64") ? LibvirtGuestArch::Ppc64 : LibvirtGuestArch::Other;
    in.virt_type = domain.kvm ? LibvirtVirtType::Kvm : LibvirtVirtType::Other;
    in.memory_kib = domain.memory_kib;
    in.max_memory_kib = domain.max_memory_kib;
    in.hard_limit_kib = domain.hard_limit_kib;
    in.locked = domain.locked;
    in.pci_hostdevs = static_cast<unsigned>(domain.pci_hostdevs.size());
    in.mdev_hostdevs = domain.mdev_hostdevs;
    in.nvme_disks = domain.nvme_disks;
    in.vdpa_interfaces = domain.vdpa_interfaces;
    in.vdpa_disks = domain.vdpa_disks;
    in.viommu = domain.viommu;

    for (const auto& wanted : host.nvlink2_hostdevs) {
        const bool found = std::any_of(domain.pci_hostdevs.begin(), domain.pci_hostdevs.end(),
                                       [&](const LibvirtMemlockHostdev& hostdev) { return hostdev.source == lower(wanted); });
        if (!found) throw InputError(fmt::format("--nvlink2 {}: not the source address of a PCI hostdev in the domain (give DDDD:BB:SS.F)", wanted));
        in.nvlink2 = true;
    }

    if (in.arch == LibvirtGuestArch::Ppc64) {
        PseriesPhbInput phb;
        phb.explicit_phbs = domain.pci_root_indices;
        // Emulated devices with a written address first (group 0), then the hostdevs in libvirt's order.
        for (const auto& address : domain.emulated_addresses) phb.devices.push_back({std::nullopt, address});
        const auto groups = iommu_groups(domain, host, out.phb_note);
        for (std::size_t i = 0; i < groups.size(); ++i) phb.devices.push_back({groups[i], domain.pci_hostdevs[i].guest_address});
        in.pseries_phbs = pseries_phb_count(phb);
        out.hostdev_groups = groups;
    }
    return out;
}

}  // namespace aperture
