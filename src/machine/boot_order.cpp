#include "machine/boot_order.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <limits>

#include "core/size_parse.hpp"

namespace aperture {

namespace {

// Properties that carry a bootindex: devices' own, and isa-fdc's two drives (hw/block/fdc-isa.c).
constexpr std::string_view kBootIndexKeys[] = {"bootindex", "bootindexA", "bootindexB"};

}  // namespace

BootIndexValue parse_bootindex(std::string_view text) {
    constexpr const char* kNotInteger = "expects integer";
    constexpr const char* kNotInt32 = "expects int32_t";
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t' || text.front() == '\n')) text.remove_prefix(1);
    bool negative = false;
    if (!text.empty() && (text.front() == '-' || text.front() == '+')) {
        negative = text.front() == '-';
        text.remove_prefix(1);
    }
    const std::optional<u64> magnitude = parse_uint_base0(text);
    if (!magnitude) return {std::nullopt, kNotInteger};
    constexpr u64 kMaxPositive = static_cast<u64>(std::numeric_limits<std::int32_t>::max());
    if (negative ? *magnitude > kMaxPositive + 1 : *magnitude > kMaxPositive) return {std::nullopt, kNotInt32};
    const std::int64_t value = negative ? -static_cast<std::int64_t>(*magnitude) : static_cast<std::int64_t>(*magnitude);
    return {static_cast<std::int32_t>(value), nullptr};
}

std::string BootOrder::add(const DeviceSpec& device) {
    const std::string option = device.written.empty() ? device.driver : device.written;
    for (const auto& [key, text] : device.properties.entries) {
        if (std::find(std::begin(kBootIndexKeys), std::end(kBootIndexKeys), key) == std::end(kBootIndexKeys)) continue;
        const BootIndexValue parsed = parse_bootindex(text);
        if (!parsed.value) return fmt::format("-device {}: Parameter '{}' {}", option, key, parsed.refusal);
        // softmmu/bootdevice.c check_boot_index: only indices >= 0 enter the list, each once.
        if (*parsed.value < 0) continue;
        if (!used_.insert(*parsed.value).second) return fmt::format("-device {}: The bootindex {} has already been used", option, *parsed.value);
    }
    return {};
}

bool in_bootorder(const PropertyList& properties) {
    for (const auto& [key, text] : properties.entries) {
        if (std::find(std::begin(kBootIndexKeys), std::end(kBootIndexKeys), key) == std::end(kBootIndexKeys)) continue;
        const BootIndexValue parsed = parse_bootindex(text);
        if (parsed.value && *parsed.value >= 0) return true;
    }
    return false;
}

}  // namespace aperture
