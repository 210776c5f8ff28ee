// xHCI USB controllers (QEMU 7.2 hw/usb/hcd-xhci-pci.c, hcd-xhci-nec.c): one 64-bit BAR 0 that holds
// every register and the MSI-X table, whatever the port and interrupter counts.

#include "devices/device_families.hpp"
#include "devices/pci_ids.hpp"

namespace aperture {

namespace {

// hw/usb/hcd-xhci.h: XHCI_LEN_REGS
constexpr u64 kXhciRegisterSize = 0x4000;
// include/hw/pci/pci.h: PCI_DEVICE_ID_REDHAT_XHCI; include/hw/pci/pci_ids.h: PCI_DEVICE_ID_NEC_UPD720200
constexpr std::uint16_t kQemuXhciDeviceId = 0x000d;
constexpr std::uint16_t kNecXhciDeviceId = 0x0194;

PciFunctionSpec xhci_function(const char* driver, std::uint16_t vendor_id, std::uint16_t device_id) {
    PciFunctionSpec spec;
    spec.driver = driver;
    spec.vendor_id = vendor_id;
    spec.device_id = device_id;
    spec.class_code = pci_ids::kClassSerialUsb;
    spec.bars.push_back(BarSpec::memory64(0, kXhciRegisterSize, Prefetchable::No));
    return spec;
}

}  // namespace

std::vector<DeviceModel> device_families::xhci_devices() {
    return {
        DeviceModel{
            .name = "qemu-xhci",
            .default_romfile = "",
            .layout_neutral_properties = {"host", "p2", "p3", "streams", "xhci-core"},
            .layout_properties = {},
            .build =
                [](const DeviceProperties&, const PlugContext&) {
                    return xhci_function("qemu-xhci", pci_ids::kVendorRedHat, kQemuXhciDeviceId);
                },
        },
        DeviceModel{
            .name = "nec-usb-xhci",
            .default_romfile = "",
            .layout_neutral_properties = {"force-pcie-endcap", "host", "intrs", "msi", "msix", "p2", "p3", "slots",
                                          "streams", "superspeed-ports-first", "xhci-core"},
            .layout_properties = {},
            .build =
                [](const DeviceProperties&, const PlugContext&) {
                    return xhci_function("nec-usb-xhci", pci_ids::kVendorNec, kNecXhciDeviceId);
                },
        },
    };
}

}  // namespace aperture
