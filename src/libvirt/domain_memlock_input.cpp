#include "libvirt/domain_memlock_input.hpp"

namespace aperture {

LibvirtMemlockInput libvirt_memlock_input(const LibvirtDomain& domain) {
    const LibvirtDomainFacts& facts = domain.facts;
    LibvirtMemlockInput in;
    // ARCH_IS_PPC64 covers ppc64 and ppc64le.
    in.arch = facts.arch.starts_with("ppc64") ? LibvirtGuestArch::Ppc64 : LibvirtGuestArch::Other;
    // <domain type='kvm'> is what makes QEMU run with -accel kvm; the reader maps one to the other.
    in.virt_type = domain.spec.machine.accel == "kvm" ? LibvirtVirtType::Kvm : LibvirtVirtType::Other;
    in.memory_kib = facts.memory / KiB;
    if (facts.max_memory) in.max_memory_kib = *facts.max_memory / KiB;
    if (facts.hard_limit) in.hard_limit_kib = *facts.hard_limit / KiB;
    in.locked = facts.memory_locked;
    in.pci_hostdevs = facts.vfio_pci_hostdevs;
    in.mdev_hostdevs = facts.mdev_hostdevs;
    in.nvme_disks = facts.nvme_disks;
    in.vdpa_interfaces = facts.vdpa_interfaces;
    in.viommu = facts.iommu_model.has_value();
    return in;
}

}  // namespace aperture
