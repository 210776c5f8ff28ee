#include "host/iomem.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <limits>

#include "host/kernel_text.hpp"

namespace aperture {

namespace {

constexpr std::string_view kNameSeparator = " : ";
constexpr std::size_t kIndentPerLevel = 2;

bool listed(const Iomem& iomem, const std::string& name, u64 start, u64 end) {
    return std::any_of(iomem.entries.begin(), iomem.entries.end(),
                       [&](const IomemEntry& e) { return e.name == name && e.start == start && e.end == end; });
}

// "0000:41:00.0" -> "PCI Bus 0000:42" for secondary bus 0x42 (drivers/pci/probe.c, pci_alloc_child_bus:
// "PCI Bus %04x:%02x"; the bridge's windows carry the child bus's name).
std::string bus_name(const std::string& address, std::uint8_t bus) {
    return fmt::format("PCI Bus {}:{:02x}", address.substr(0, address.find(':')), bus);
}

}  // namespace

bool Iomem::addresses_hidden() const {
    return !entries.empty() &&
           std::all_of(entries.begin(), entries.end(), [](const IomemEntry& e) { return e.start == 0 && e.end == 0; });
}

Iomem parse_iomem(const std::string& text, const std::string& file) {
    Iomem iomem;
    const auto lines = split_lines(text);
    for (std::size_t i = 0; i < lines.size(); ++i) {
        const std::string_view line = lines[i];
        const std::size_t indent = std::min(line.find_first_not_of(' '), line.size());
        const auto separator = line.find(kNameSeparator);
        const auto dash = line.find('-', indent);
        std::optional<u64> start;
        std::optional<u64> end;
        if (separator != std::string_view::npos && dash != std::string_view::npos && dash < separator) {
            start = parse_kernel_hex(line.substr(indent, dash - indent), HexPrefix::Absent);
            end = parse_kernel_hex(line.substr(dash + 1, separator - dash - 1), HexPrefix::Absent);
        }
        if (!start || !end || indent % kIndentPerLevel != 0) {
            throw kernel_text_error(file, i + 1,
                                    "expected '<start>-<end> : <name>' in hex, indented two spaces per level, got '" +
                                        std::string(line) + "'");
        }
        // The kernel never lists such a range, and a snapshot could not hold it (a range's size is below 2^64).
        if (*start > *end) throw kernel_text_error(file, i + 1, fmt::format("the range starts at {:#x}, above its end {:#x}", *start, *end));
        if (*start == 0 && *end == std::numeric_limits<u64>::max()) throw kernel_text_error(file, i + 1, "the range covers all 2^64 addresses");
        iomem.entries.push_back(IomemEntry{static_cast<unsigned>(indent / kIndentPerLevel), *start, *end,
                                           std::string(line.substr(separator + kNameSeparator.size()))});
    }
    return iomem;
}

IomemAgreement check_iomem_agreement(const Iomem& iomem, const std::vector<HostPciDevice>& devices) {
    IomemAgreement agreement;
    if (iomem.addresses_hidden()) return agreement;
    for (const auto& device : devices) {
        for (const auto& bar : device.bars) {
            const HostResource& r = bar.resource;
            if (!r.is_memory() || !r.assigned() || (r.flags & kIoresourceRomShadow) != 0) continue;
            ++agreement.compared;
            if (listed(iomem, device.address, r.start, r.end)) continue;
            agreement.disagreements.push_back(
                fmt::format("{} {} {:#x}-{:#x}: /proc/iomem has no such range under {}", device.address,
                            bar.index == kRomBarIndex ? std::string("ROM") : fmt::format("BAR {}", bar.index), r.start,
                            r.end, device.address));
        }
        if (!device.secondary_bus) continue;
        const std::string bus = bus_name(device.address, *device.secondary_bus);
        for (const auto& window : device.windows) {
            const HostResource& r = window.resource;
            if (!r.is_memory() || !r.assigned()) continue;
            ++agreement.compared;
            if (listed(iomem, bus, r.start, r.end)) continue;
            agreement.disagreements.push_back(
                fmt::format("{} window {} {:#x}-{:#x}: /proc/iomem has no such range under '{}'", device.address,
                            window.window, r.start, r.end, bus));
        }
    }
    return agreement;
}

}  // namespace aperture
