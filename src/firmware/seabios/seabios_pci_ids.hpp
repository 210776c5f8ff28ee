#pragma once
// The PCI IDs SeaBIOS 1.16.2 matches devices by (src/hw/pci_ids.h), shared by its model's passes.

#include <cstdint>

namespace aperture::seabios {

constexpr std::uint16_t PCI_VENDOR_ID_INTEL = 0x8086;
constexpr std::uint16_t PCI_VENDOR_ID_REDHAT = 0x1b36;
constexpr std::uint16_t PCI_VENDOR_ID_REDHAT_QUMRANET = 0x1af4;
constexpr std::uint16_t PCI_DEVICE_ID_INTEL_ICH9_SMBUS = 0x2930;
constexpr std::uint16_t PCI_DEVICE_ID_INTEL_ICH9_LPC = 0x2918;
constexpr std::uint16_t PCI_DEVICE_ID_REDHAT_ROOT_PORT = 0x000c;
constexpr std::uint16_t PCI_DEVICE_ID_REDHAT_BRIDGE = 0x0001;
constexpr std::uint16_t PCI_DEVICE_ID_VIRTIO_BLK_09 = 0x1001;
constexpr std::uint16_t PCI_DEVICE_ID_VIRTIO_BLK_10 = 0x1042;
constexpr std::uint16_t PCI_DEVICE_ID_VIRTIO_SCSI_09 = 0x1004;
constexpr std::uint16_t PCI_DEVICE_ID_VIRTIO_SCSI_10 = 0x1048;

constexpr std::uint16_t PCI_CLASS_STORAGE_SCSI = 0x0100;
constexpr std::uint16_t PCI_CLASS_STORAGE_IDE = 0x0101;
constexpr std::uint16_t PCI_CLASS_STORAGE_RAID = 0x0104;
constexpr std::uint16_t PCI_CLASS_STORAGE_SATA = 0x0106;
constexpr std::uint16_t PCI_CLASS_STORAGE_SAS = 0x0107;
constexpr std::uint16_t PCI_CLASS_STORAGE_NVME = 0x0108;
constexpr std::uint16_t PCI_CLASS_STORAGE_OTHER = 0x0180;
constexpr std::uint16_t PCI_CLASS_BRIDGE_PCI = 0x0604;
constexpr std::uint16_t PCI_CLASS_SYSTEM_SDHCI = 0x0805;
constexpr std::uint16_t PCI_CLASS_SERIAL_USB = 0x0c03;

}  // namespace aperture::seabios
