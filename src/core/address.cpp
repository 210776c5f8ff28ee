#include "core/address.hpp"

#include <fmt/format.h>

#include "core/error.hpp"

namespace aperture {

u64 add_or_throw(u64 a, u64 b, const char* what) {
    auto sum = checked_add(a, b);
    if (!sum) throw ArithmeticError(fmt::format("{}: {} + {} does not fit in 64 bits", what, hex(a), hex(b)));
    return *sum;
}

u64 mul_or_throw(u64 a, u64 b, const char* what) {
    auto product = checked_mul(a, b);
    if (!product) throw ArithmeticError(fmt::format("{}: {} * {} does not fit in 64 bits", what, a, b));
    return *product;
}

u64 align_up_or_throw(u64 value, u64 alignment, const char* what) {
    auto aligned = align_up(value, alignment);
    if (!aligned) {
        throw ArithmeticError(fmt::format("{}: aligning {} up to {} does not fit in 64 bits", what, hex(value), hex(alignment)));
    }
    return *aligned;
}

std::string hex(u64 value) { return fmt::format("{:#x}", value); }

std::string human_size(u64 bytes) {
    static constexpr const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
    int unit = 0;
    u64 whole = bytes;
    while (unit < 6 && whole >= 1024 && whole % 1024 == 0) {
        whole /= 1024;
        ++unit;
    }
    if (unit < 6 && whole >= 1024) {
        // Not an exact multiple: show one decimal of the next unit.
        double value = static_cast<double>(bytes);
        int u = 0;
        while (u < 6 && value >= 1024.0) {
            value /= 1024.0;
            ++u;
        }
        return fmt::format("{:.1f} {}", value, units[u]);
    }
    return fmt::format("{} {}", whole, units[unit]);
}

}  // namespace aperture
