#include "devices/chipset.hpp"

#include "devices/pci_ids.hpp"

namespace aperture {

namespace {

// include/hw/pci/pci_ids.h: PCI_DEVICE_ID_INTEL_Q35_MCH, _ICH9_8 (LPC), _82801IR (AHCI), _ICH9_6 (SMBus)
constexpr std::uint16_t kQ35MchDeviceId = 0x29c0;
constexpr std::uint16_t kIch9LpcDeviceId = 0x2918;
constexpr std::uint16_t kIch9AhciDeviceId = 0x2922;
constexpr std::uint16_t kIch9SmbusDeviceId = 0x2930;
// include/hw/pci/pci_ids.h: PCI_DEVICE_ID_INTEL_82801I_UHCI1 (UHCI2, UHCI3 follow), _82801I_EHCI1
constexpr std::uint16_t kIch9Uhci1DeviceId = 0x2934;
constexpr std::uint16_t kIch9Ehci1DeviceId = 0x293a;
// include/hw/pci/pci_ids.h: PCI_DEVICE_ID_INTEL_82441, _82371SB_0/1/2, _82371AB_3
constexpr std::uint16_t kI440fxDeviceId = 0x1237;
constexpr std::uint16_t kPiix3IsaDeviceId = 0x7000;
constexpr std::uint16_t kPiix3IdeDeviceId = 0x7010;
constexpr std::uint16_t kPiix3UhciDeviceId = 0x7020;
constexpr std::uint16_t kPiix4AcpiDeviceId = 0x7113;

// hw/ide/ich.c: ICH9_IDP_BAR (I/O "ahci-idp", 32 bytes) and ICH9_MEM_BAR (AHCI_MEM_BAR_SIZE)
constexpr int kAhciIndexDataBar = 4;
constexpr u64 kAhciIndexDataSize = 32;
constexpr int kAhciMemoryBar = 5;
constexpr u64 kAhciMemorySize = 0x1000;
// hw/i2c/smbus_ich9.c: ICH9_SMB_SMB_BASE_BAR; hw/i2c/pm_smbus.c: the "pm-smbus" region is 64 bytes
constexpr int kSmbusBar = 4;
constexpr u64 kSmbusSize = 64;
// hw/usb/hcd-uhci.c: "uhci" I/O region in BAR 4
constexpr int kUhciBar = 4;
constexpr u64 kUhciSize = 0x20;
// hw/usb/hcd-ehci-pci.c: the EHCI registers, BAR 0
constexpr int kEhciBar = 0;
constexpr u64 kEhciSize = 0x1000;
// hw/ide/piix.c: bus-master DMA registers for two channels, BAR 4
constexpr int kPiixIdeBar = 4;
constexpr u64 kPiixIdeSize = 16;

PciFunctionSpec intel_function(const char* name, std::uint16_t device_id, std::uint16_t class_code,
                               bool multifunction) {
    PciFunctionSpec spec;
    spec.driver = name;
    spec.vendor_id = pci_ids::kVendorIntel;
    spec.device_id = device_id;
    spec.class_code = class_code;
    spec.multifunction = multifunction;
    return spec;
}

}  // namespace

// q35's ICH9 functions at 00:1d and 00:1f all have the multifunction header bit (measured).

PciFunctionSpec make_q35_mch() { return intel_function("mch", kQ35MchDeviceId, pci_ids::kClassBridgeHost, false); }

PciFunctionSpec make_ich9_lpc() { return intel_function("ICH9-LPC", kIch9LpcDeviceId, pci_ids::kClassBridgeIsa, true); }

PciFunctionSpec make_ich9_ahci() {
    PciFunctionSpec spec = intel_function("ich9-ahci", kIch9AhciDeviceId, pci_ids::kClassStorageSata, true);
    spec.bars = {BarSpec::io(kAhciIndexDataBar, kAhciIndexDataSize),
                 BarSpec::memory32(kAhciMemoryBar, kAhciMemorySize, Prefetchable::No)};
    return spec;
}

PciFunctionSpec make_ich9_smbus() {
    PciFunctionSpec spec = intel_function("ICH9-SMB", kIch9SmbusDeviceId, pci_ids::kClassSerialSmbus, true);
    spec.bars = {BarSpec::io(kSmbusBar, kSmbusSize)};
    return spec;
}

PciFunctionSpec make_ich9_uhci(int companion) {
    const auto device_id = static_cast<std::uint16_t>(kIch9Uhci1DeviceId + companion - 1);
    PciFunctionSpec spec = intel_function("ich9-usb-uhci", device_id, pci_ids::kClassSerialUsb, true);
    spec.driver += std::to_string(companion);
    spec.bars = {BarSpec::io(kUhciBar, kUhciSize)};
    return spec;
}

PciFunctionSpec make_ich9_ehci() {
    PciFunctionSpec spec = intel_function("ich9-usb-ehci1", kIch9Ehci1DeviceId, pci_ids::kClassSerialUsb, true);
    spec.bars = {BarSpec::memory32(kEhciBar, kEhciSize, Prefetchable::No)};
    return spec;
}

PciFunctionSpec make_i440fx_host() {
    return intel_function("i440FX", kI440fxDeviceId, pci_ids::kClassBridgeHost, false);
}

PciFunctionSpec make_piix3_isa() { return intel_function("PIIX3", kPiix3IsaDeviceId, pci_ids::kClassBridgeIsa, true); }

PciFunctionSpec make_piix3_ide() {
    PciFunctionSpec spec = intel_function("piix3-ide", kPiix3IdeDeviceId, pci_ids::kClassStorageIde, false);
    spec.bars = {BarSpec::io(kPiixIdeBar, kPiixIdeSize)};
    return spec;
}

PciFunctionSpec make_piix3_uhci() {
    PciFunctionSpec spec = intel_function("piix3-usb-uhci", kPiix3UhciDeviceId, pci_ids::kClassSerialUsb, false);
    spec.bars = {BarSpec::io(kUhciBar, kUhciSize)};
    return spec;
}

PciFunctionSpec make_piix4_acpi() {
    return intel_function("PIIX4_PM", kPiix4AcpiDeviceId, pci_ids::kClassBridgeOther, false);
}

}  // namespace aperture
