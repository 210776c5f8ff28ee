#include <iostream>
#include <sstream>
#include "libvirt/memlock_limit.hpp"
using namespace aperture;
int main(int argc, char** argv) {
    const auto version = parse_libvirt_version(argv[1]);
    std::string line;
    while (std::getline(std::cin, line)) {
        std::istringstream in(line);
        std::string name; int ppc, kvm, locked, pci, mdev, nvme, vdpa, iommu, phbs; unsigned long long mem, maxm; long long hard;
        if (!(in >> name >> ppc >> kvm >> mem >> maxm >> hard >> locked >> pci >> mdev >> nvme >> vdpa >> iommu >> phbs)) continue;
        LibvirtMemlockInput i;
        i.arch = ppc ? LibvirtGuestArch::Ppc64 : LibvirtGuestArch::Other;
        i.virt_type = kvm ? LibvirtVirtType::Kvm : LibvirtVirtType::Other;
        i.memory_kib = mem; if (maxm) i.max_memory_kib = maxm;
        if (hard >= 0) i.hard_limit_kib = static_cast<u64>(hard);
        i.locked = locked; i.pci_hostdevs = pci; i.mdev_hostdevs = mdev; i.nvme_disks = nvme; i.vdpa_interfaces = vdpa; i.viommu = iommu; i.pseries_phbs = phbs;
        std::cout << name << " " << libvirt_memlock_limit(i, version).bytes << "\n";
    }
}
