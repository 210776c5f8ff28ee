#pragma once
// The size of an MSI-X BAR that holds nothing but the vector table and the PBA (QEMU 7.2
// hw/pci/msix.c, msix_init_exclusive_bar), used by virtio-pci, pcie-root-port and nvme.

#include <cstdint>
#include <optional>

#include "core/address.hpp"

namespace aperture {

// hw/pci/msix.c, msix_init: PCI_MSIX_FLAGS_QSIZE + 1, the most vectors one function can have
inline constexpr std::uint32_t kMsixMaxVectors = 2048;

// QEMU passes the vector count as an unsigned short: callers holding a uint32 property must truncate
// it to 16 bits first (virtio's vectors=65537 becomes 1 vector). nullopt where msix_init refuses the
// count (0, or above 2048): the device then has no MSI-X and no MSI-X BAR.
std::optional<u64> msix_exclusive_bar_size(std::uint16_t vectors);

}  // namespace aperture
