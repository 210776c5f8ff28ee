#include "host/pci_ids.hpp"

#include <charconv>
#include <vector>

#include "core/error.hpp"

namespace aperture {

namespace {

// A 2- or 4-digit hex ID at the start of `text`, followed by at least one space.
template <class Id>
std::optional<Id> leading_id(std::string_view text, std::size_t digits) {
    if (text.size() <= digits || text[digits] != ' ') return std::nullopt;
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + digits, value, 16);
    if (ec != std::errc{} || end != text.data() + digits) return std::nullopt;
    return static_cast<Id>(value);
}

std::string name_after(std::string_view text, std::size_t digits) {
    const std::size_t start = text.find_first_not_of(' ', digits);
    if (start == std::string_view::npos) return {};
    std::string_view name = text.substr(start);
    while (!name.empty() && (name.back() == '\r' || name.back() == ' ')) name.remove_suffix(1);
    return std::string(name);
}

template <class Map, class Key>
std::optional<std::string_view> lookup(const Map& map, Key key) {
    const auto it = map.find(key);
    if (it == map.end()) return std::nullopt;
    return std::string_view(it->second);
}

}  // namespace

PciIds PciIds::parse(std::string_view text) {
    PciIds ids;
    // The vendor or base class the indented lines below belong to; -1 for none (plain ints: GCC 12 warns on
    // std::optional here with a false maybe-uninitialized).
    int vendor = -1;
    int base_class = -1;
    bool in_classes = false;
    while (!text.empty()) {
        const std::size_t eol = text.find('\n');
        std::string_view line = text.substr(0, eol);
        text = eol == std::string_view::npos ? std::string_view{} : text.substr(eol + 1);
        if (line.empty() || line.front() == '#') continue;
        if (line.starts_with("C ")) {
            in_classes = true;
            vendor = -1;
            const auto id = leading_id<std::uint8_t>(line.substr(2), 2);
            base_class = id ? *id : -1;
            if (id) ids.classes_[static_cast<std::uint16_t>(*id << 8 | 0xff)] = name_after(line.substr(2), 2);
            continue;
        }
        if (line.front() != '\t') {
            // Any other top-level line: a vendor before the class list, another section ("X") after it.
            base_class = -1;
            const auto id = in_classes ? std::nullopt : leading_id<std::uint16_t>(line, 4);
            vendor = id ? *id : -1;
            if (id) ids.vendors_[*id] = name_after(line, 4);
            continue;
        }
        if (line.starts_with("\t\t")) continue;  // subsystems and programming interfaces: not shown
        line.remove_prefix(1);
        if (vendor >= 0) {
            if (const auto device = leading_id<std::uint16_t>(line, 4)) {
                ids.devices_[static_cast<std::uint32_t>(vendor) << 16 | *device] = name_after(line, 4);
            }
        } else if (base_class >= 0) {
            if (const auto sub = leading_id<std::uint8_t>(line, 2)) {
                ids.classes_[static_cast<std::uint16_t>(base_class << 8 | *sub)] = name_after(line, 2);
            }
        }
    }
    return ids;
}

std::optional<std::string_view> PciIds::vendor(std::uint16_t vendor_id) const { return lookup(vendors_, vendor_id); }

std::optional<std::string_view> PciIds::device(std::uint16_t vendor_id, std::uint16_t device_id) const {
    return lookup(devices_, static_cast<std::uint32_t>(vendor_id) << 16 | device_id);
}

std::optional<std::string_view> PciIds::device_class(std::uint8_t base_class, std::uint8_t sub_class) const {
    if (auto name = lookup(classes_, static_cast<std::uint16_t>(base_class << 8 | sub_class))) return name;
    return lookup(classes_, static_cast<std::uint16_t>(base_class << 8 | 0xff));
}

std::optional<std::string> PciIds::describe(std::uint16_t vendor_id, std::uint16_t device_id) const {
    const auto vendor_name = vendor(vendor_id);
    if (!vendor_name) return std::nullopt;
    const auto device_name = device(vendor_id, device_id);
    if (!device_name) return std::string(*vendor_name);
    return std::string(*vendor_name) + " " + std::string(*device_name);
}

PciIds load_pci_ids(const std::string& root) {
    std::string own = root;
    while (own.size() > 1 && own.back() == '/') own.pop_back();
    std::vector<std::string> candidates;
    if (own != "/") candidates.push_back(own + std::string(kPciIdsPaths[0]));
    for (const auto path : kPciIdsPaths) candidates.emplace_back(path);
    for (const auto& path : candidates) {
        try {
            return PciIds::parse(read_input_file(path, kPciIdsKind));
        } catch (const InputError&) {
            // Absent, not a regular file or too large: names are decoration, try the next place.
        }
    }
    return PciIds{};
}

}  // namespace aperture
