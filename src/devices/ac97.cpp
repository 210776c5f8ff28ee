// The Intel 82801AA AC'97 audio controller (QEMU hw/audio/ac97.c): libvirt's <sound model='ac97'> and
// -audio model=ac97. Its two I/O BARs do not depend on any property.

#include "devices/device_families.hpp"
#include "devices/pci_ids.hpp"

namespace aperture {

namespace {

// include/hw/pci/pci_ids.h: PCI_DEVICE_ID_INTEL_82801AA_5, PCI_CLASS_MULTIMEDIA_AUDIO
constexpr std::uint16_t kAc97DeviceId = 0x2415;
constexpr std::uint16_t kClassMultimediaAudio = 0x0401;
// ac97_realize: "ac97-nam" (mixer, 256 16-bit registers: 1 KiB, BAR 0) and "ac97-nabm" (bus master,
// 256 bytes, BAR 1); measured on QEMU 7.2 and 10.0: 0:io:1K 1:io:256
constexpr u64 kAc97NamSize = 1024;
constexpr u64 kAc97NabmSize = 256;

PciFunctionSpec build_ac97(const DeviceProperties&, const PlugContext&) {
    PciFunctionSpec spec;
    spec.driver = "AC97";
    spec.vendor_id = pci_ids::kVendorIntel;
    spec.device_id = kAc97DeviceId;
    spec.class_code = kClassMultimediaAudio;
    spec.bars.push_back(BarSpec::io(0, kAc97NamSize));
    spec.bars.push_back(BarSpec::io(1, kAc97NabmSize));
    return spec;
}

}  // namespace

std::vector<DeviceModel> device_families::ac97_devices() {
    return {
        DeviceModel{
            .name = "AC97",
            .default_romfile = "",
            // The audio backend. QEMU 10.0 without audiodev= picks a default backend and fails when the
            // host has none ("no default audio driver available"): a fact of the host, not of the layout.
            .layout_neutral_properties = {"audiodev"},
            .layout_properties = {},
            .build = build_ac97,
        },
    };
}

}  // namespace aperture
