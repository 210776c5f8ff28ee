// Intel HD Audio controllers (QEMU 7.2 hw/audio/intel-hda.c): intel-hda (ICH6, what -audio model=hda
// creates) and ich9-intel-hda (what libvirt's <sound model='ich9'> and Proxmox VE's pve-q35*.cfg add at
// 00:1b.0). One 16 KiB MMIO BAR; the codecs (hda-duplex, ...) sit on its HDA bus, not on PCI.
// Measured with QMP query-pci on QEMU 7.2 (tests/oracle/devices/measure.py, root context):
// intel-hda 8086:2668 class 0403 BAR 0 m32 16K, ich9-intel-hda 8086:293e class 0403 BAR 0 m32 16K.

#include "devices/device_families.hpp"
#include "devices/pci_ids.hpp"

namespace aperture {

namespace {

// include/hw/pci/pci_ids.h: PCI_DEVICE_ID_INTEL_82801FB_HDA (ICH6) and PCI_DEVICE_ID_INTEL_82801I_HDA (ICH9)
constexpr std::uint16_t kIch6HdaDeviceId = 0x2668;
constexpr std::uint16_t kIch9HdaDeviceId = 0x293e;
// include/hw/pci/pci_ids.h: PCI_CLASS_MULTIMEDIA_HD_AUDIO
constexpr std::uint16_t kClassMultimediaHdAudio = 0x0403;
// hw/audio/intel-hda.c intel_hda_realize: the "intel-hda" MMIO region, BAR 0, 32-bit, not prefetchable
constexpr int kHdaBar = 0;
constexpr u64 kHdaBarSize = 0x4000;

PciFunctionSpec make_hda(const char* driver, std::uint16_t device_id) {
    PciFunctionSpec spec;
    spec.driver = driver;
    spec.vendor_id = pci_ids::kVendorIntel;
    spec.device_id = device_id;
    spec.class_code = kClassMultimediaHdAudio;
    spec.bars = {BarSpec::memory32(kHdaBar, kHdaBarSize, Prefetchable::No)};
    return spec;
}

}  // namespace

std::vector<DeviceModel> device_families::intel_hda_devices() {
    return {
        DeviceModel{
            .name = "intel-hda",
            .default_romfile = "",
            // msi and old_msi_addr change the MSI capability, debug the log level: no BAR.
            .layout_neutral_properties = {"debug", "msi", "old_msi_addr"},
            .layout_properties = {},
            .build = [](const DeviceProperties&, const PlugContext&) { return make_hda("intel-hda", kIch6HdaDeviceId); },
        },
        DeviceModel{
            .name = "ich9-intel-hda",
            .default_romfile = "",
            .layout_neutral_properties = {"debug", "msi", "old_msi_addr"},
            .layout_properties = {},
            .build = [](const DeviceProperties&, const PlugContext&) { return make_hda("ich9-intel-hda", kIch9HdaDeviceId); },
        },
    };
}

}  // namespace aperture
