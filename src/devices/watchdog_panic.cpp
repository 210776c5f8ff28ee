// Small platform devices libvirt adds from <watchdog model='i6300esb'> and <panic model='pvpanic'> (on a
// PCI bus): one tiny memory BAR each, measured on QEMU 7.2.

#include "devices/device_families.hpp"
#include "devices/pci_ids.hpp"

namespace aperture {

namespace {

// include/hw/pci/pci_ids.h: PCI_DEVICE_ID_INTEL_ESB_9; PCI_CLASS_SYSTEM_OTHER
constexpr std::uint16_t kI6300esbDeviceId = 0x25ab;
constexpr std::uint16_t kClassSystemOther = 0x0880;
// hw/watchdog/wdt_i6300esb.c i6300esb_realize: "i6300esb" registers, 16 bytes in BAR 0 (measured 0:m32:16)
constexpr u64 kI6300esbBarSize = 0x10;
// include/hw/pci/pci.h: PCI_DEVICE_ID_REDHAT_PVPANIC
constexpr std::uint16_t kPvpanicDeviceId = 0x0011;
// hw/misc/pvpanic-pci.c: "pvpanic" region, 2 bytes in BAR 0 (measured 0:m32:2)
constexpr u64 kPvpanicBarSize = 2;

}  // namespace

std::vector<DeviceModel> device_families::watchdog_panic_devices() {
    return {
        DeviceModel{
            .name = "i6300esb",
            .default_romfile = "",
            .layout_neutral_properties = {},
            .layout_properties = {},
            .build = [](const DeviceProperties&, const PlugContext&) {
                return single_memory_bar_function("i6300esb", pci_ids::kVendorIntel, kI6300esbDeviceId, kClassSystemOther,
                                                  kI6300esbBarSize);
            },
        },
        DeviceModel{
            .name = "pvpanic-pci",
            .default_romfile = "",
            .layout_neutral_properties = {"events"},
            .layout_properties = {},
            .build = [](const DeviceProperties&, const PlugContext&) {
                return single_memory_bar_function("pvpanic-pci", pci_ids::kVendorRedHat, kPvpanicDeviceId, kClassSystemOther,
                                                  kPvpanicBarSize);
            },
        },
    };
}

}  // namespace aperture
