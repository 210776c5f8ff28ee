#pragma once
// PCI bus/device/function numbers as strong types rather than bare integers.

#include <compare>
#include <cstdint>
#include <string>

namespace aperture {

struct DevFn {
    std::uint8_t device = 0;    // 0..31
    std::uint8_t function = 0;  // 0..7
    unsigned value() const { return static_cast<unsigned>(device) << 3 | function; }
    friend auto operator<=>(const DevFn&, const DevFn&) = default;
};

struct Bdf {
    std::uint8_t bus = 0;
    DevFn devfn;
    std::string to_string() const;  // "01:00.0"
    friend auto operator<=>(const Bdf&, const Bdf&) = default;
};

}  // namespace aperture
