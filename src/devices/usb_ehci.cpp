// EHCI USB 2 controllers as -device (QEMU hw/usb/hcd-ehci-pci.c): usb-ehci (ICH4), and the ICH9 ones
// libvirt's <controller type='usb' model='ich9-ehci1'> adds with its UHCI companions. One 4 KiB register
// BAR 0 each (measured on QEMU 7.2).

#include "devices/chipset.hpp"
#include "devices/device_families.hpp"
#include "devices/pci_ids.hpp"

namespace aperture {

namespace {

// hw/usb/hcd-ehci-pci.c ehci_pci_info: PCI_DEVICE_ID_INTEL_82801D (usb-ehci), _82801I_EHCI2 (ich9-usb-ehci2)
constexpr std::uint16_t kIch4EhciDeviceId = 0x24cd;
constexpr std::uint16_t kIch9Ehci2DeviceId = 0x293c;

PciFunctionSpec ehci_like(const char* driver, std::uint16_t device_id) {
    PciFunctionSpec spec = make_ich9_ehci();  // the same register BAR
    spec.driver = driver;
    spec.device_id = device_id;
    spec.multifunction = false;
    return spec;
}

DeviceModel ehci_model(const char* name, PciFunctionSpec (*make)()) {
    return DeviceModel{
        .name = name,
        .default_romfile = "",
        // capabilities[0], ehci[0], operational[0], ports[0]: the register regions QEMU lists as children
        .layout_neutral_properties = {"maxframes", "capabilities[0]", "ehci[0]", "operational[0]", "ports[0]"},
        .layout_properties = {},
        .build = [make](const DeviceProperties&, const PlugContext&) { return make(); },
    };
}

}  // namespace

std::vector<DeviceModel> device_families::ehci_devices() {
    return {
        ehci_model("usb-ehci", [] { return ehci_like("usb-ehci", kIch4EhciDeviceId); }),
        ehci_model("ich9-usb-ehci1", [] {
            PciFunctionSpec spec = make_ich9_ehci();
            spec.multifunction = false;
            return spec;
        }),
        ehci_model("ich9-usb-ehci2", [] { return ehci_like("ich9-usb-ehci2", kIch9Ehci2DeviceId); }),
    };
}

}  // namespace aperture
