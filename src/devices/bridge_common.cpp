#include "devices/bridge_common.hpp"

namespace aperture {

namespace {
// hw/pci/pci_bridge.c, pci_bridge_qemu_reserve_cap_init: mem-reserve and pref32-reserve must be below 4 GiB
constexpr u64 kReserve32Limit = 4 * GiB;
// The capability's 32-bit fields read all-ones when not set.
constexpr u64 kCapField32Unset = 0xffffffff;

std::optional<u32> cap_field32(u64 value) {
    const u64 stored = value & kCapField32Unset;  // QEMU stores the low 32 bits (cpu_to_le32)
    if (stored == kCapField32Unset) return std::nullopt;
    return static_cast<u32>(stored);
}

std::optional<u64> cap_field64(u64 value) {
    if (value == ResourceReserveRequest::kUnset) return std::nullopt;
    return value;
}
}  // namespace

const std::vector<std::string>& resource_reserve_property_names() {
    static const std::vector<std::string> names{"bus-reserve", "io-reserve", "mem-reserve", "pref32-reserve",
                                                "pref64-reserve"};
    return names;
}

ResourceReserveRequest read_resource_reserve(const DeviceProperties& properties) {
    ResourceReserveRequest request;
    if (auto bus = properties.uint32("bus-reserve")) request.bus = *bus;
    if (auto io = properties.size("io-reserve")) request.io = *io;
    if (auto mem = properties.size("mem-reserve")) request.mem = *mem;
    if (auto pref32 = properties.size("pref32-reserve")) request.pref32 = *pref32;
    if (auto pref64 = properties.size("pref64-reserve")) request.pref64 = *pref64;
    return request;
}

std::optional<ResourceReserveCap> resource_reserve_cap(const ResourceReserveRequest& request,
                                                       const DeviceProperties& properties) {
    constexpr u64 unset = ResourceReserveRequest::kUnset;
    if (request.pref32 != unset && request.pref64 != unset) {
        properties.refuse("pref32-reserve and pref64-reserve cannot both be set",
                          "PCI resource reserve cap: PREF32 and PREF64 conflict");
    }
    if (request.mem != unset && request.mem >= kReserve32Limit) {
        properties.refuse("property 'mem-reserve' must be less than 4G, got " + hex(request.mem),
                          "PCI resource reserve cap: mem-reserve must be less than 4G");
    }
    if (request.pref32 != unset && request.pref32 >= kReserve32Limit) {
        // (QEMU's message has the two spaces)
        properties.refuse("property 'pref32-reserve' must be less than 4G, got " + hex(request.pref32),
                          "PCI resource reserve cap: pref32-reserve  must be less than 4G");
    }
    if (!request.any_set()) return std::nullopt;
    ResourceReserveCap cap;
    cap.bus = cap_field32(request.bus);
    cap.io = cap_field64(request.io);
    cap.mem = cap_field32(request.mem);
    cap.pref32 = cap_field32(request.pref32);
    cap.pref64 = cap_field64(request.pref64);
    return cap;
}

const std::vector<std::string>& pcie_slot_property_names() {
    static const std::vector<std::string> names{"chassis", "slot", "hotplug", "x-native-hotplug"};
    return names;
}

PcieSlotProperties read_pcie_slot(const DeviceProperties& properties, const PlugContext& context) {
    PcieSlotProperties slot;
    slot.chassis = properties.uint8("chassis").value_or(0);
    slot.slot = properties.uint16("slot").value_or(0);
    slot.hotplug = properties.boolean_or("hotplug", true);
    slot.native_hotplug = properties.boolean_or("x-native-hotplug", context.pcie_native_hotplug_default);
    return slot;
}

BridgeSpec pcie_slot_bridge(BridgeKind kind, const PcieSlotProperties& slot) {
    BridgeSpec bridge;
    bridge.kind = kind;
    bridge.secondary_express = true;
    bridge.slot_implemented = true;
    bridge.hotplug_capable = slot.hotplug_capable();
    bridge.chassis = slot.chassis;
    bridge.physical_slot = slot.slot;
    return bridge;
}

std::vector<std::string> join_names(std::initializer_list<std::vector<std::string>> lists) {
    std::vector<std::string> joined;
    for (const auto& list : lists) joined.insert(joined.end(), list.begin(), list.end());
    return joined;
}

}  // namespace aperture
