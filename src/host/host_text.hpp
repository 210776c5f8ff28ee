#pragma once
// The host snapshot for people: the CPU, KVM's paging and GuestPhysBits, the IOMMU's widths and reserved ranges, one block
// per PCI function (IDs, class, driver, IOMMU group, BARs with sizes, flags and resizable sizes), the
// memlock limit, the /proc/iomem cross-check and the notes. With pci.ids, each function's name as lspci gives it.

#include <string>

#include "host/host_snapshot.hpp"
#include "host/pci_ids.hpp"

namespace aperture {

std::string render_host_text(const HostSnapshot& snapshot, const PciIds& names = PciIds{});

}  // namespace aperture
