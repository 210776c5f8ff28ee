// The ICH9 AHCI controller as a -device (QEMU hw/ide/ich.c): libvirt's <controller type='sata'> beyond
// q35's own at 00:1f.2, and every SATA controller on pc ("-device ahci", an alias). The same function as
// the chipset's (chipset.cpp make_ich9_ahci), without the multifunction bit the chipset's carries.

#include "devices/chipset.hpp"
#include "devices/device_families.hpp"

namespace aperture {

namespace {

// The QOM children "ahci-idp[0]" and "ahci[0]" that -device ich9-ahci,help lists: their memory regions,
// which no one can set ("Property 'ich9-ahci.ahci[0]' is not writable", QEMU 7.2 and 10.0).
constexpr const char* kAhciChildren[] = {"ahci-idp[0]", "ahci[0]"};

PciFunctionSpec build_ich9_ahci(const DeviceProperties& properties, const PlugContext&) {
    for (const char* child : kAhciChildren) {
        if (properties.spec().properties.has(child)) {
            properties.refuse(std::string("property '") + child + "' is the controller's memory region, not a setting",
                              std::string("Property 'ich9-ahci.") + child + "' is not writable");
        }
    }
    PciFunctionSpec spec = make_ich9_ahci();
    spec.multifunction = false;
    return spec;
}

}  // namespace

std::vector<DeviceModel> device_families::ahci_devices() {
    return {
        DeviceModel{
            .name = "ich9-ahci",
            .default_romfile = "",
            .layout_neutral_properties = {},
            .layout_properties = {"ahci-idp[0]", "ahci[0]"},
            .build = build_ich9_ahci,
        },
    };
}

}  // namespace aperture
