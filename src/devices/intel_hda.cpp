// Intel High Definition Audio controllers (QEMU hw/audio/intel-hda.c): intel-hda (ICH6) and ich9-intel-hda,
// virt-manager's and libvirt's <sound model='ich6'/'ich9'>. The codecs (hda-duplex, hda-micro, hda-output)
// sit on the controller's own HDA bus and create no PCI function.

#include "devices/device_families.hpp"
#include "devices/pci_ids.hpp"

namespace aperture {

namespace {

// intel_hda_class_init_ich6 / _ich9: PCI device IDs
constexpr std::uint16_t kIch6HdaDeviceId = 0x2668;
constexpr std::uint16_t kIch9HdaDeviceId = 0x293e;
// include/hw/pci/pci_ids.h: PCI_CLASS_MULTIMEDIA_HD_AUDIO
constexpr std::uint16_t kClassMultimediaHdAudio = 0x0403;
// intel_hda_realize: "intel-hda" MMIO, 0x2000 bytes of registers in a 16 KiB BAR 0 (measured: 0:m32:16K)
constexpr u64 kHdaMmioBarSize = 0x4000;

DeviceModel hda_model(const char* name, std::uint16_t device_id) {
    return DeviceModel{
        .name = name,
        .default_romfile = "",
        .layout_neutral_properties = {"debug", "msi", "old_msi_addr"},
        .layout_properties = {},
        .build =
            [name, device_id](const DeviceProperties&, const PlugContext&) {
                return single_memory_bar_function(name, pci_ids::kVendorIntel, device_id, kClassMultimediaHdAudio,
                                                  kHdaMmioBarSize);
            },
    };
}

}  // namespace

std::vector<DeviceModel> device_families::hda_devices() {
    return {hda_model("intel-hda", kIch6HdaDeviceId), hda_model("ich9-intel-hda", kIch9HdaDeviceId)};
}

}  // namespace aperture
