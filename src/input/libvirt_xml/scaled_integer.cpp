#include "input/libvirt_xml/scaled_integer.hpp"

#include <cctype>

namespace aperture::libvirt_xml {

namespace {

bool equals_ignoring_case(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
    }
    return true;
}

// The power of the base each prefix letter stands for (virScaleInteger's fall-through switch).
std::optional<unsigned> prefix_power(char letter) {
    switch (std::tolower(static_cast<unsigned char>(letter))) {
        case 'k': return 1;
        case 'm': return 2;
        case 'g': return 3;
        case 't': return 4;
        case 'p': return 5;
        case 'e': return 6;
        default: return std::nullopt;
    }
}

}  // namespace

ScaledValue scale_integer(u64 value, std::string_view unit, u64 default_scale, u64 limit) {
    u64 scale = default_scale;
    if (unit.empty()) {
        scale = default_scale;
    } else if (equals_ignoring_case(unit, "b") || equals_ignoring_case(unit, "byte") || equals_ignoring_case(unit, "bytes")) {
        scale = 1;
    } else {
        u64 base = 0;
        if (unit.size() == 1 || equals_ignoring_case(unit.substr(1), "iB")) {
            base = 1024;
        } else if (unit.size() == 2 && (unit[1] == 'b' || unit[1] == 'B')) {
            base = 1000;
        }
        const auto power = prefix_power(unit[0]);
        if (base == 0 || !power) return {std::nullopt, "unknown suffix '" + std::string(unit) + "'"};
        scale = 1;
        for (unsigned i = 0; i < *power; ++i) scale *= base;  // at most 1024^6 = 2^60: no overflow
    }
    if (value != 0 && value > limit / scale) {
        return {std::nullopt, "value too large: " + std::to_string(value) + std::string(unit)};
    }
    return {value * scale, ""};
}

}  // namespace aperture::libvirt_xml
