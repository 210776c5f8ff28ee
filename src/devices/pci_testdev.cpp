// QEMU's PCI test device (QEMU 7.2 hw/misc/pci-testdev.c): the stand-in for a device with one large
// 64-bit prefetchable BAR of any power-of-two size.

#include "devices/device_families.hpp"
#include "devices/pci_ids.hpp"

namespace aperture {

namespace {

// include/hw/pci/pci.h: PCI_DEVICE_ID_REDHAT_TEST
constexpr std::uint16_t kPciTestdevDeviceId = 0x0005;
// hw/misc/pci-testdev.c: IOTEST_MEMSIZE * 2, the MMIO test region (BAR 0)
constexpr u64 kMmioBarSize = 2 * 2048;
// hw/misc/pci-testdev.c: IOTEST_IOSIZE * 2, the port I/O test region (BAR 1)
constexpr u64 kIoBarSize = 2 * 128;
constexpr int kMmioBar = 0;
constexpr int kIoBar = 1;
constexpr int kMemBar = 2;  // membar=, 64-bit prefetchable

PciFunctionSpec build_pci_testdev(const DeviceProperties& properties, const PlugContext&) {
    const u64 membar = properties.size("membar").value_or(0);
    PciFunctionSpec spec;
    spec.driver = "pci-testdev";
    spec.vendor_id = pci_ids::kVendorRedHat;
    spec.device_id = kPciTestdevDeviceId;
    spec.class_code = pci_ids::kClassOthers;
    spec.bars.push_back(BarSpec::memory32(kMmioBar, kMmioBarSize, Prefetchable::No));
    spec.bars.push_back(BarSpec::io(kIoBar, kIoBarSize));
    if (membar != 0) {
        // QEMU 7.2 does not check membar: pci_register_bar's assertion aborts the whole process.
        if (!is_power_of_two(membar)) {
            properties.refuse_abort(
                "property 'membar' must be a power of two, got " + hex(membar) + " (" + human_size(membar) + ")",
                kPciRegisterBarAbort);
        }
        spec.bars.push_back(BarSpec::memory64(kMemBar, membar, Prefetchable::Yes));
    }
    return spec;
}

}  // namespace

std::vector<DeviceModel> device_families::pci_testdevs() {
    return {
        DeviceModel{
            .name = "pci-testdev",
            .default_romfile = "",
            .layout_neutral_properties = {},
            .layout_properties = {"membar"},
            .build = build_pci_testdev,
        },
    };
}

}  // namespace aperture
