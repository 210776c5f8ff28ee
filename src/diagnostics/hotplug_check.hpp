#pragma once
// hotplug.reservation: a device the user will hot-plug later (--will-attach PORT=DEVICE) fits, every BAR of
// it, into the windows the firmware sized for the port at boot.

#include "diagnostics/checks.hpp"

namespace aperture {

Finding check_hotplug(const CheckInput& in, const PlannedHotplug& want);

// Where the guest OS places a BAR of a device hot-plugged behind a bridge whose windows are fixed.
enum class PortWindow { Io, Memory, Prefetchable };

// Linux's choice (drivers/pci/bus.c pci_bus_alloc_resource, pci_bus_alloc_from_region): an I/O BAR in the
// I/O window; a non-prefetchable BAR in the memory window (never in a prefetchable one); a 32-bit
// prefetchable BAR in the prefetchable window while that lies below 4 GiB, else the memory window; a
// 64-bit prefetchable BAR in the prefetchable window. (Linux may fall back to the memory window for the
// last, below 4 GiB; a GPU's VRAM BAR never fits there, so aperture does not count on it.)
PortWindow window_for(const BarSpec& bar, const WindowView& prefetchable);

// Whether BARs of these sizes fit the window together, each naturally aligned, placed largest first as
// Linux sorts them (drivers/pci/setup-bus.c pdev_sort_resources).
bool window_holds(const WindowView& window, std::vector<u64> sizes);

}  // namespace aperture
