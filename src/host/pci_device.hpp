#pragma once
// A host PCI function as /sys/bus/pci/devices/<address>/ shows it: IDs, class, BARs and bridge windows,
// resizable BAR sizes, IOMMU group, bound driver and, from the first 64 bytes of config space (which the
// kernel serves without root), the header type and a bridge's bus numbers; as root, an Intel IGD's GMCH,
// BDSM and ASLS registers past those 64 bytes. Read-only throughout.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "devices/vfio_igd.hpp"
#include "host/host_files.hpp"
#include "host/pci_resource.hpp"

namespace aperture {

inline constexpr const char* kPciDevicesDir = "/sys/bus/pci/devices";

// PCI config space header (include/uapi/linux/pci_regs.h)
inline constexpr std::size_t kConfigHeaderBytes = 64;       // what an unprivileged read returns
inline constexpr std::size_t kConfigLegacyBytes = 256;      // PCI_CFG_SPACE_SIZE: what a root read returns at least
inline constexpr std::size_t kConfigHeaderType = 0x0e;      // PCI_HEADER_TYPE
inline constexpr std::size_t kConfigSecondaryBus = 0x19;    // PCI_SECONDARY_BUS (type 1 header)
inline constexpr std::size_t kConfigSubordinateBus = 0x1a;  // PCI_SUBORDINATE_BUS (type 1 header)
inline constexpr std::uint8_t kHeaderTypeMask = 0x7f;       // the layout; bit 7 is multi-function
inline constexpr std::uint8_t kHeaderTypeMultifunction = 0x80;
inline constexpr std::uint8_t kHeaderTypeNormal = 0;   // PCI_HEADER_TYPE_NORMAL
inline constexpr std::uint8_t kHeaderTypeBridge = 1;   // PCI_HEADER_TYPE_BRIDGE
inline constexpr std::uint8_t kHeaderTypeCardBus = 2;  // PCI_HEADER_TYPE_CARDBUS
// include/linux/pci_ids.h: PCI_CLASS_BRIDGE_PCI, PCI_CLASS_BRIDGE_CARDBUS (base << 8 | sub)
inline constexpr std::uint16_t kClassBridgePci = 0x0604;
inline constexpr std::uint16_t kClassBridgeCardBus = 0x0607;

struct HostPciDevice {
    std::string address;  // "0000:41:00.0": domain:bus:device.function, the sysfs directory name
    std::uint16_t vendor_id = 0;
    std::uint16_t device_id = 0;
    std::uint16_t subsystem_vendor_id = 0;
    std::uint16_t subsystem_device_id = 0;
    std::uint32_t class_code = 0;                 // 24 bits: base class, sub class, programming interface (0x030000)
    std::optional<std::uint8_t> header_type;      // config byte 0x0e; nullopt when config cannot be read
    std::optional<std::uint8_t> secondary_bus;    // bridges: config byte 0x19
    std::optional<std::uint8_t> subordinate_bus;  // bridges: config byte 0x1a
    std::optional<std::string> driver;            // basename of the `driver` link; nullopt when none is bound
    std::optional<unsigned> iommu_group;          // basename of the `iommu_group` link; nullopt without an IOMMU
    std::optional<std::string> parent;            // the upstream bridge's address; nullopt on a root bus
    std::vector<HostBar> bars;                    // ascending index, ROM (6) last
    std::vector<HostBridgeWindow> windows;        // bridges only
    // Intel IGDs: GMCH, BDSM and ASLS; nullopt for other devices, or when config space past 64 bytes needs root.
    std::optional<IgdRegisters> igd;

    const HostBar* bar(int index) const;
    // Base class and sub class, as PciFunctionSpec::class_code holds it.
    std::uint16_t class_word() const { return static_cast<std::uint16_t>(class_code >> 8); }
    // The header type's layout when config space was readable, else what the class code implies.
    std::uint8_t header_layout() const;
    bool is_bridge() const { return header_layout() != kHeaderTypeNormal; }
    bool multifunction() const { return header_type && (*header_type & kHeaderTypeMultifunction) != 0; }

    friend bool operator==(const HostPciDevice&, const HostPciDevice&) = default;
};

// "0000:41:00.0": a domain of four or more hex digits, bus and device of two, then a function 0-7.
bool is_pci_address(const std::string& name);

// Throws InputError naming the file for a file that is missing but always present (vendor, device,
// class, subsystem IDs, resource) or not in the kernel's form. Optional facts (config space, driver,
// IOMMU group, resizable BARs) are left unknown when their files are absent.
HostPciDevice read_pci_device(const HostFiles& files, const std::string& address);
// Every function under /sys/bus/pci/devices, ascending by address.
std::vector<HostPciDevice> read_pci_devices(const HostFiles& files);

}  // namespace aperture
