// UHCI controllers as -device (QEMU 7.2 hw/usb/hcd-uhci.c): PIIX3's, the same function the pc machine makes
// itself with usb=on (devices/chipset.cpp), which libvirt adds to every pc domain (-device
// piix3-usb-uhci,id=usb,bus=pci.0,addr=0x1.0x2); and ICH9's companions ich9-usb-uhci1..6, which libvirt adds
// beside an ich9-usb-ehci1 (<controller model='ich9-uhci1'>). One 32-byte I/O BAR 4 each.

#include "devices/chipset.hpp"
#include "devices/device_families.hpp"

namespace aperture {

namespace {

DeviceModel ich9_uhci_model(int companion) {
    return DeviceModel{
        .name = "ich9-usb-uhci" + std::to_string(companion),
        .default_romfile = "",
        // masterbus/firstport tie it to an EHCI as a companion; that changes no BAR
        .layout_neutral_properties = {"bandwidth", "maxframes", "masterbus", "firstport"},
        .layout_properties = {},
        .build =
            [companion](const DeviceProperties&, const PlugContext&) {
                PciFunctionSpec spec = make_ich9_uhci(companion);
                spec.multifunction = false;
                return spec;
            },
    };
}

}  // namespace

std::vector<DeviceModel> device_families::uhci_devices() {
    return {
        DeviceModel{
            .name = "piix3-usb-uhci",
            .default_romfile = "",
            .layout_neutral_properties = {"bandwidth", "maxframes"},
            .layout_properties = {},
            .build = [](const DeviceProperties&, const PlugContext&) { return make_piix3_uhci(); },
        },
        ich9_uhci_model(1), ich9_uhci_model(2), ich9_uhci_model(3),
        ich9_uhci_model(4), ich9_uhci_model(5), ich9_uhci_model(6),
    };
}

}  // namespace aperture
