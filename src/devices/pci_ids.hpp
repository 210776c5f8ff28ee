#pragma once
// PCI vendor IDs and class codes shared by several device models (QEMU 7.2 include/hw/pci/pci_ids.h).
// Device IDs live next to the device that uses them.

#include <cstdint>

namespace aperture::pci_ids {

// include/hw/pci/pci.h: PCI_VENDOR_ID_REDHAT (QEMU's own devices: bridges, pci-testdev, nvme, xhci)
inline constexpr std::uint16_t kVendorRedHat = 0x1b36;
// include/hw/pci/pci.h: PCI_VENDOR_ID_REDHAT_QUMRANET (virtio, ivshmem)
inline constexpr std::uint16_t kVendorRedHatQumranet = 0x1af4;
// include/hw/pci/pci_ids.h: PCI_VENDOR_ID_INTEL
inline constexpr std::uint16_t kVendorIntel = 0x8086;
// include/hw/pci/pci_ids.h: PCI_VENDOR_ID_QEMU (std VGA, bochs-display)
inline constexpr std::uint16_t kVendorQemu = 0x1234;
// include/hw/pci/pci_ids.h: PCI_VENDOR_ID_TI (xio3130 switch ports)
inline constexpr std::uint16_t kVendorTexasInstruments = 0x104c;
// include/hw/pci/pci_ids.h: PCI_VENDOR_ID_NEC (nec-usb-xhci)
inline constexpr std::uint16_t kVendorNec = 0x1033;
// include/hw/pci/pci_ids.h: PCI_VENDOR_ID_NVIDIA (passthrough catalog)
inline constexpr std::uint16_t kVendorNvidia = 0x10de;
// include/hw/pci/pci_ids.h: PCI_VENDOR_ID_ATI (AMD GPUs, passthrough catalog)
inline constexpr std::uint16_t kVendorAmdAti = 0x1002;
// include/hw/pci/pci_ids.h: PCI_VENDOR_ID_REALTEK
inline constexpr std::uint16_t kVendorRealtek = 0x10ec;
// include/hw/pci/pci_ids.h: PCI_VENDOR_ID_LSI_LOGIC (lsi53c895a, megasas)
inline constexpr std::uint16_t kVendorLsiLogic = 0x1000;
// include/hw/pci/pci_ids.h: PCI_VENDOR_ID_VMWARE (vmxnet3, vmware-svga)
inline constexpr std::uint16_t kVendorVmware = 0x15ad;

// include/hw/pci/pci_ids.h: PCI_CLASS_* (base class << 8 | sub class)
inline constexpr std::uint16_t kClassStorageScsi = 0x0100;
inline constexpr std::uint16_t kClassStorageIde = 0x0101;
inline constexpr std::uint16_t kClassStorageSata = 0x0106;
inline constexpr std::uint16_t kClassStorageExpress = 0x0108;
inline constexpr std::uint16_t kClassNetworkEthernet = 0x0200;
inline constexpr std::uint16_t kClassDisplayVga = 0x0300;
inline constexpr std::uint16_t kClassDisplay3d = 0x0302;
inline constexpr std::uint16_t kClassDisplayOther = 0x0380;
inline constexpr std::uint16_t kClassMemoryRam = 0x0500;
inline constexpr std::uint16_t kClassBridgeHost = 0x0600;
inline constexpr std::uint16_t kClassBridgeIsa = 0x0601;
inline constexpr std::uint16_t kClassBridgePci = 0x0604;
inline constexpr std::uint16_t kClassBridgeOther = 0x0680;
inline constexpr std::uint16_t kClassCommunicationOther = 0x0780;
inline constexpr std::uint16_t kClassInputKeyboard = 0x0900;
inline constexpr std::uint16_t kClassInputMouse = 0x0902;
inline constexpr std::uint16_t kClassInputOther = 0x0980;
inline constexpr std::uint16_t kClassSerialUsb = 0x0c03;
inline constexpr std::uint16_t kClassSerialSmbus = 0x0c05;
inline constexpr std::uint16_t kClassOthers = 0x00ff;

}  // namespace aperture::pci_ids
