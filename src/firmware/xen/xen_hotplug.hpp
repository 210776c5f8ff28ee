#pragma once
// `xl pci-attach` after boot (seed 002): hvmloader has long finished, so nobody programs the new device's
// BARs but the guest OS, and it may only use the root-bus windows ACPI _CRS advertises
// (tools/libacpi/dsdt.asl PCI0._CRS) minus what hvmloader already gave out. There is no bridge and no
// reservation (pci.c scans bus 0 only): what is free at boot is all there will ever be.

#include <optional>
#include <string>
#include <vector>

#include "core/range.hpp"
#include "devices/pci_function.hpp"
#include "firmware/xen/hvmloader.hpp"

namespace aperture {

struct HotplugBar {
    BarSpec bar;
    std::optional<u64> address;  // where a first fit, largest BAR first, would put it
};

struct HotplugFit {
    bool fits = false;
    std::vector<AddressRange> free_low;   // free parts of the low _CRS window
    std::vector<AddressRange> free_high;  // free parts of the high _CRS window (none without one)
    std::vector<HotplugBar> bars;
};

// The free ranges of a window after the BARs in `used`.
std::vector<AddressRange> free_ranges(const AddressRange& window, std::vector<AddressRange> used);

// Whether `device`'s memory BARs fit what hvmloader left free inside _CRS. 32-bit BARs only below
// 4 GiB; 64-bit BARs anywhere in the windows. I/O BARs are not checked (the I/O window is 16 KiB,
// rarely the limit).
HotplugFit fit_hotplug(const HvmloaderResult& boot, const PciFunctionSpec& device);

}  // namespace aperture
