#include "host/pci_resource.hpp"

#include <fmt/format.h>

#include <array>

#include "host/kernel_text.hpp"

namespace aperture {

namespace {

// include/linux/pci.h: resources 0-5 are the BARs (PCI_STD_RESOURCE_END 5), 6 the ROM (PCI_ROM_RESOURCE),
// PCI_SRIOV_NUM_BARS (6) VF BARs with CONFIG_PCI_IOV, PCI_BRIDGE_RESOURCE_NUM (4) windows.
constexpr std::size_t kStandardBars = 6;
constexpr std::size_t kRomLine = 6;
constexpr std::size_t kSriovLines = 6;
constexpr std::size_t kBridgeWindowLines = 4;
constexpr std::size_t kFunctionLines = kStandardBars + 1;                      // 7
constexpr std::size_t kFunctionLinesWithSriov = kFunctionLines + kSriovLines;  // 13

// drivers/pci/rebar.c: bit 0 of the possible sizes is 1 MB (PCI_REBAR_MIN_SIZE)
constexpr unsigned kRebarSmallestSizeShift = 20;
constexpr unsigned kLargestSizeShift = 63;

HostResource parse_line(std::string_view line, const std::string& file, std::size_t line_number) {
    const auto words = split_words(line);
    std::array<std::optional<u64>, 3> values;  // start, end, flags
    if (words.size() == values.size()) {
        for (std::size_t i = 0; i < values.size(); ++i) values[i] = parse_kernel_hex(words[i], HexPrefix::Required);
    }
    if (!values[0] || !values[1] || !values[2]) {
        throw kernel_text_error(
            file, line_number,
            "expected '<start> <end> <flags>' as three 0x-prefixed hex numbers, got '" + std::string(line) + "'");
    }
    const HostResource resource{*values[0], *values[1], *values[2]};
    if (resource.empty()) return resource;
    if (resource.start > resource.end) {
        throw kernel_text_error(
            file, line_number,
            fmt::format("the region starts at {:#x}, above its end {:#x}", resource.start, resource.end));
    }
    if (!checked_add(resource.end - resource.start, 1)) {
        throw kernel_text_error(file, line_number, "the region covers all 2^64 addresses");
    }
    return resource;
}

void require_io_or_memory(const HostResource& resource, const std::string& file, std::size_t line_number) {
    if (resource.is_io() || resource.is_memory()) return;
    throw kernel_text_error(file, line_number,
                            fmt::format("flags {:#x} name neither IORESOURCE_IO ({:#x}) nor IORESOURCE_MEM ({:#x})",
                                        resource.flags, kIoresourceIo, kIoresourceMem));
}

}  // namespace

BarKind HostBar::kind() const {
    if (index == kRomBarIndex) return BarKind::Rom;
    return resource.is_io() ? BarKind::Io : BarKind::Memory;
}

ResourceFile parse_resource_file(const std::string& text, const std::string& file) {
    const auto lines = split_lines(text);
    const std::size_t count = lines.size();
    const bool has_windows =
        count == kFunctionLines + kBridgeWindowLines || count == kFunctionLinesWithSriov + kBridgeWindowLines;
    if (count != kFunctionLines && count != kFunctionLinesWithSriov && !has_windows) {
        throw kernel_file_error(file,
                                fmt::format("expected 7 or 13 lines (a function, without or with SR-IOV support) or 11 "
                                            "or 17 (a bridge), found {}",
                                            count));
    }
    std::vector<HostResource> resources;
    for (std::size_t i = 0; i < count; ++i) resources.push_back(parse_line(lines[i], file, i + 1));

    ResourceFile parsed;
    for (std::size_t i = 0; i < kStandardBars; ++i) {
        const HostResource& bar = resources[i];
        if (bar.empty()) continue;
        require_io_or_memory(bar, file, i + 1);
        if (bar.is_memory() && bar.is64()) {
            if (i + 1 == kStandardBars) {
                throw kernel_text_error(file, i + 1,
                                        "BAR 5 is 64-bit, but a 64-bit BAR needs the next BAR for its upper half");
            }
            if (!resources[i + 1].empty()) {
                throw kernel_text_error(
                    file, i + 2,
                    fmt::format("BAR {} is the upper half of 64-bit BAR {}, so the kernel lists it empty", i + 1, i));
            }
        }
        parsed.bars.push_back(HostBar{static_cast<int>(i), bar, {}});
        if (bar.is_memory() && bar.is64()) ++i;  // its upper half
    }
    const HostResource& rom = resources[kRomLine];
    if (!rom.empty()) {
        if (!rom.is_memory()) {
            throw kernel_text_error(
                file, kRomLine + 1,
                fmt::format("the expansion ROM's flags {:#x} lack IORESOURCE_MEM ({:#x})", rom.flags, kIoresourceMem));
        }
        parsed.bars.push_back(HostBar{kRomBarIndex, rom, {}});
    }
    if (has_windows) {
        const std::size_t first_window = count - kBridgeWindowLines;
        for (std::size_t w = 0; w < kBridgeWindowLines; ++w) {
            const HostResource& window = resources[first_window + w];
            if (window.empty()) continue;
            require_io_or_memory(window, file, first_window + w + 1);
            parsed.windows.push_back(HostBridgeWindow{static_cast<int>(w), window});
        }
    }
    return parsed;
}

std::vector<u64> parse_resize_sizes(const std::string& text, const std::string& file) {
    const auto value = parse_kernel_hex(trim_blanks(text), HexPrefix::Absent);
    if (!value) throw kernel_file_error(file, "expected the possible sizes as a hex bit mask without 0x (\"%016llx\")");
    std::vector<u64> sizes;
    for (unsigned bit = 0; bit < 64; ++bit) {
        if ((*value & (u64{1} << bit)) == 0) continue;
        const unsigned shift = bit + kRebarSmallestSizeShift;
        if (shift > kLargestSizeShift) {
            throw kernel_file_error(file, fmt::format("bit {} stands for 2^{} bytes, beyond 64-bit sizes", bit, shift));
        }
        sizes.push_back(u64{1} << shift);
    }
    return sizes;
}

}  // namespace aperture
