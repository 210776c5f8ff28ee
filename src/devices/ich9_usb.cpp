// The ICH9 USB controllers as -device (QEMU 7.2 hw/usb/hcd-ehci-pci.c, hw/usb/hcd-uhci.c): the functions
// q35 creates itself with usb=on (devices/chipset.cpp), placed where the command line or a -readconfig
// file says. Proxmox VE's pve-q35*.cfg and pve-usb.cfg declare two EHCI controllers with three UHCI
// companions each. Measured with QMP query-pci on QEMU 7.2 (tests/oracle/devices/measure.py, root
// context): ich9-usb-ehci2 8086:293c class 0c03, BAR 0 MMIO 4 KiB; ich9-usb-uhci4..6 8086:2937..2939,
// BAR 4 I/O 32.

#include <string>

#include "devices/chipset.hpp"
#include "devices/device_families.hpp"

namespace aperture {

namespace {

// include/hw/pci/pci_ids.h: PCI_DEVICE_ID_INTEL_82801I_EHCI2
constexpr std::uint16_t kIch9Ehci2DeviceId = 0x293c;
// hw/usb/hcd-uhci.c uhci_info[]: ich9-usb-uhci1 to ich9-usb-uhci6
constexpr int kIch9UhciCount = 6;

// The chipset builders mark their functions multifunction (q35 creates all of 00:1d); a -device is
// multifunction only when its property says so, which build_device adds.
PciFunctionSpec as_plugged(PciFunctionSpec spec) {
    spec.multifunction = false;
    return spec;
}

PciFunctionSpec make_ich9_ehci2() {
    PciFunctionSpec spec = make_ich9_ehci();
    spec.driver = "ich9-usb-ehci2";
    spec.device_id = kIch9Ehci2DeviceId;
    return spec;
}

}  // namespace

std::vector<DeviceModel> device_families::ich9_usb_devices() {
    std::vector<DeviceModel> models{
        DeviceModel{
            .name = "ich9-usb-ehci1",
            .default_romfile = "",
            .layout_neutral_properties = {"maxframes"},
            .layout_properties = {},
            .build = [](const DeviceProperties&, const PlugContext&) { return as_plugged(make_ich9_ehci()); },
        },
        DeviceModel{
            .name = "ich9-usb-ehci2",
            .default_romfile = "",
            .layout_neutral_properties = {"maxframes"},
            .layout_properties = {},
            .build = [](const DeviceProperties&, const PlugContext&) { return as_plugged(make_ich9_ehci2()); },
        },
    };
    for (int companion = 1; companion <= kIch9UhciCount; ++companion) {
        models.push_back(DeviceModel{
            .name = "ich9-usb-uhci" + std::to_string(companion),
            .default_romfile = "",
            // masterbus/firstport attach it to an EHCI's ports as a companion: USB wiring, no PCI resource.
            .layout_neutral_properties = {"bandwidth", "maxframes", "masterbus", "firstport"},
            .layout_properties = {},
            .build = [companion](const DeviceProperties&, const PlugContext&) { return as_plugged(make_ich9_uhci(companion)); },
        });
    }
    return models;
}

}  // namespace aperture
