// PIIX3 UHCI as a -device (QEMU 7.2 hw/usb/hcd-uhci.c): the same function the pc machine makes itself
// with usb=on (devices/chipset.cpp), placed where the command line says. libvirt adds it to every pc
// domain (-device piix3-usb-uhci,id=usb,bus=pci.0,addr=0x1.0x2).

#include "devices/chipset.hpp"
#include "devices/device_families.hpp"

namespace aperture {

std::vector<DeviceModel> device_families::uhci_devices() {
    return {
        DeviceModel{
            .name = "piix3-usb-uhci",
            .default_romfile = "",
            .layout_neutral_properties = {"bandwidth", "maxframes"},
            .layout_properties = {},
            .build = [](const DeviceProperties&, const PlugContext&) { return make_piix3_uhci(); },
        },
    };
}

}  // namespace aperture
