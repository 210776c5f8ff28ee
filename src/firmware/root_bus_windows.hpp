#pragma once
// The windows of each extra root bus (pxb, pxb-pcie) as QEMU reports them to the guest: its ACPI _CRS, which
// QEMU builds from what the firmware programmed (hw/acpi/aml-build.c build_crs, called for every expander in
// hw/i386/acpi-build.c build_dsdt; the main root bus PCI0 gets the machine's windows less these).
// The firmware allocates expander buses out of the same windows as the main root bus; these ranges are
// where the guest OS will look for that root bus's devices and where it may put hot-plugged ones.

#include <optional>
#include <string>
#include <vector>

#include "core/range.hpp"
#include "firmware/firmware_result.hpp"
#include "machine/pci_topology.hpp"

namespace aperture {

struct RootBusWindows {
    unsigned bus_nr = 0;                  // the expander's bus_nr: the _BBN of its PCI root device
    unsigned last_bus = 0;                // the highest subordinate bus behind it (the _CRS bus range's end)
    std::optional<std::uint16_t> numa_node;  // its _PXM, when numa_node= is set
    std::string expander_id;              // the pxb's id=
    std::string expander_driver;          // "pxb" or "pxb-pcie"
    std::vector<AddressRange> io;         // merged, ascending
    std::vector<AddressRange> mem32;      // below 4 GiB and shorter than 4 GiB
    std::vector<AddressRange> mem64;      // the rest
};

// One entry per extra root bus of the topology, in bus-number order; empty without expanders.
std::vector<RootBusWindows> expander_root_bus_windows(const PciTopology& topology, const FirmwareResult& firmware);

}  // namespace aperture
