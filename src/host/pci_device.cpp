#include "host/pci_device.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <limits>

#include "host/kernel_text.hpp"

namespace aperture {

namespace {

constexpr u64 kMaxId = 0xffff;
constexpr u64 kMaxClass = 0xffffff;
constexpr std::uint8_t kAbsentConfigByte = 0xff;  // config reads of an absent or powered-off (D3cold) function

std::string device_path(const std::string& address, const std::string& file) {
    return std::string(kPciDevicesDir) + "/" + address + "/" + file;
}

std::string required_file(const HostFiles& files, const std::string& path) {
    auto text = files.read(path, kKernelAttributeMaxBytes);
    if (!text) {
        throw kernel_file_error(files.describe(path), "cannot be read; the kernel creates it for every PCI function");
    }
    return *text;
}

// vendor, device, subsystem_*, class: "0x%04x" / "0x%06x" (drivers/pci/pci-sysfs.c, pci_config_attr).
u64 read_hex_id(const HostFiles& files, const std::string& path, u64 max, const char* form) {
    const std::string text = required_file(files, path);
    const auto value = parse_kernel_hex(trim_blanks(text), HexPrefix::Required);
    if (!value || *value > max) {
        throw kernel_file_error(files.describe(path), fmt::format("expected {}, got '{}'", form, trim_blanks(text)));
    }
    return *value;
}

std::string basename(const std::string& path) {
    const auto slash = path.find_last_of('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

// The component before the last one: the parent directory's name.
std::string parent_name(const std::string& path) {
    const auto slash = path.find_last_of('/');
    if (slash == std::string::npos) return {};
    return basename(path.substr(0, slash));
}

void read_config_header(const HostFiles& files, const std::string& address, HostPciDevice& device) {
    const std::string path = device_path(address, "config");
    const auto config = files.read_prefix(path, kConfigHeaderBytes);
    if (!config) return;
    if (config->size() < kConfigHeaderBytes) {
        throw kernel_file_error(files.describe(path), fmt::format("expected the {}-byte config header, read {} bytes",
                                                                  kConfigHeaderBytes, config->size()));
    }
    const auto byte = [&](std::size_t offset) { return static_cast<std::uint8_t>((*config)[offset]); };
    if (byte(0) == kAbsentConfigByte && byte(1) == kAbsentConfigByte) return;  // vendor 0xffff: nothing answered
    device.header_type = byte(kConfigHeaderType);
    if ((*device.header_type & kHeaderTypeMask) == kHeaderTypeBridge) {
        device.secondary_bus = byte(kConfigSecondaryBus);
        device.subordinate_bus = byte(kConfigSubordinateBus);
    }
}

std::uint32_t little_endian_u32(const std::string& bytes, std::size_t offset) {
    std::uint32_t value = 0;
    for (std::size_t i = 4; i-- > 0;) value = value << 8 | static_cast<std::uint8_t>(bytes[offset + i]);
    return value;
}

// pci-sysfs.c pci_read_config serves only the first 64 bytes without CAP_SYS_ADMIN: the IGD registers
// then stay unknown, and what depends on them says so.
void read_igd_registers(const HostFiles& files, const std::string& address, HostPciDevice& device) {
    if (!is_intel_vga(device.vendor_id, device.class_word()) || !device.header_type) return;
    const auto config = files.read_prefix(device_path(address, "config"), kConfigLegacyBytes);
    if (!config || config->size() < kConfigLegacyBytes) return;
    device.igd = IgdRegisters{little_endian_u32(*config, kIgdGmchOffset), little_endian_u32(*config, kIgdBdsmOffset),
                              little_endian_u32(*config, kIgdAslsOffset)};
}

void read_resizable_sizes(const HostFiles& files, const std::string& address, HostPciDevice& device) {
    for (int index = 0; index < kRomBarIndex; ++index) {
        const std::string path = device_path(address, fmt::format("resource{}_resize", index));
        const auto text = files.read(path, kKernelAttributeMaxBytes);
        if (!text) continue;
        auto sizes = parse_resize_sizes(*text, files.describe(path));
        HostBar* bar = nullptr;
        for (auto& b : device.bars) {
            if (b.index == index) bar = &b;
        }
        if (!bar) {
            throw kernel_file_error(files.describe(path),
                                    fmt::format("names BAR {}, which the resource file lists as empty", index));
        }
        bar->resizable_sizes = std::move(sizes);
    }
}

std::optional<unsigned> read_iommu_group(const HostFiles& files, const std::string& address) {
    const std::string path = device_path(address, "iommu_group");
    const auto target = files.link_target(path);
    if (!target) return std::nullopt;
    const auto id = parse_kernel_decimal(basename(*target));
    if (!id || *id > std::numeric_limits<unsigned>::max()) {
        throw kernel_file_error(files.describe(path),
                                "expected a link to a numbered IOMMU group, found '" + *target + "'");
    }
    return static_cast<unsigned>(*id);
}

}  // namespace

const HostBar* HostPciDevice::bar(int index) const {
    for (const auto& b : bars) {
        if (b.index == index) return &b;
    }
    return nullptr;
}

std::uint8_t HostPciDevice::header_layout() const {
    if (header_type) return static_cast<std::uint8_t>(*header_type & kHeaderTypeMask);
    if (class_word() == kClassBridgePci) return kHeaderTypeBridge;
    if (class_word() == kClassBridgeCardBus) return kHeaderTypeCardBus;
    return kHeaderTypeNormal;
}

bool is_pci_address(const std::string& name) {
    // "%04x:%02x:%02x.%d" (drivers/pci/probe.c, pci_setup_device): the domain takes more digits once it
    // passes 0xffff (Intel VMD puts its devices in domains from 0x10000).
    const auto hex_digits = [](std::string_view digits) {
        return !digits.empty() && std::all_of(digits.begin(), digits.end(), [](char c) {
            return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
        });
    };
    const std::string_view text(name);
    const auto colon = text.find(':');  // after the domain comes ":bb:dd.f"
    if (colon == std::string_view::npos || colon < 4 || colon > 8 || text.size() != colon + 8) return false;
    const char function = text[colon + 7];
    return hex_digits(text.substr(0, colon)) && hex_digits(text.substr(colon + 1, 2)) && text[colon + 3] == ':' &&
           hex_digits(text.substr(colon + 4, 2)) && text[colon + 6] == '.' && function >= '0' && function <= '7';
}

HostPciDevice read_pci_device(const HostFiles& files, const std::string& address) {
    HostPciDevice device;
    device.address = address;
    device.vendor_id = static_cast<std::uint16_t>(read_hex_id(files, device_path(address, "vendor"), kMaxId, "0x%04x"));
    device.device_id = static_cast<std::uint16_t>(read_hex_id(files, device_path(address, "device"), kMaxId, "0x%04x"));
    device.subsystem_vendor_id =
        static_cast<std::uint16_t>(read_hex_id(files, device_path(address, "subsystem_vendor"), kMaxId, "0x%04x"));
    device.subsystem_device_id =
        static_cast<std::uint16_t>(read_hex_id(files, device_path(address, "subsystem_device"), kMaxId, "0x%04x"));
    device.class_code =
        static_cast<std::uint32_t>(read_hex_id(files, device_path(address, "class"), kMaxClass, "0x%06x"));
    read_config_header(files, address, device);
    read_igd_registers(files, address, device);

    const std::string resource_path = device_path(address, "resource");
    auto resources = parse_resource_file(required_file(files, resource_path), files.describe(resource_path));
    device.bars = std::move(resources.bars);
    device.windows = std::move(resources.windows);
    read_resizable_sizes(files, address, device);

    if (const auto driver = files.link_target(device_path(address, "driver"))) device.driver = basename(*driver);
    device.iommu_group = read_iommu_group(files, address);
    // /sys/bus/pci/devices/<address> links to the device's place in the tree,
    // ../../../devices/pci0000:40/0000:40:01.1/0000:41:00.0: the directory above is its upstream bridge.
    if (const auto place = files.link_target(std::string(kPciDevicesDir) + "/" + address)) {
        const std::string above = parent_name(*place);
        if (is_pci_address(above)) device.parent = above;
    }
    return device;
}

std::vector<HostPciDevice> read_pci_devices(const HostFiles& files) {
    std::vector<HostPciDevice> devices;
    for (const auto& name : files.list(kPciDevicesDir)) {
        if (!is_pci_address(name)) {
            throw kernel_file_error(files.describe(kPciDevicesDir),
                                    "expected PCI addresses (0000:41:00.0), found '" + name + "'");
        }
        devices.push_back(read_pci_device(files, name));
    }
    return devices;
}

}  // namespace aperture
