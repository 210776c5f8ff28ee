#pragma once
// Guest-physical addresses and sizes: 64-bit, and every operation that could wrap is checked.
// Windows reach 2^52 and beyond; a size near 2^64 must be rejected, never wrapped.

#include <bit>
#include <cstdint>
#include <optional>
#include <string>

namespace aperture {

using u64 = std::uint64_t;
using u32 = std::uint32_t;

inline constexpr u64 KiB = u64{1} << 10;
inline constexpr u64 MiB = u64{1} << 20;
inline constexpr u64 GiB = u64{1} << 30;
inline constexpr u64 TiB = u64{1} << 40;

// a + b, or nullopt when it does not fit in 64 bits.
constexpr std::optional<u64> checked_add(u64 a, u64 b) {
    u64 sum = 0;
    if (__builtin_add_overflow(a, b, &sum)) return std::nullopt;
    return sum;
}

constexpr std::optional<u64> checked_mul(u64 a, u64 b) {
    u64 product = 0;
    if (__builtin_mul_overflow(a, b, &product)) return std::nullopt;
    return product;
}

constexpr bool is_power_of_two(u64 value) { return std::has_single_bit(value); }

// Round up to a multiple of `alignment` (a power of two); nullopt when the result passes 2^64.
constexpr std::optional<u64> align_up(u64 value, u64 alignment) {
    if (alignment <= 1) return value;
    const u64 mask = alignment - 1;
    auto bumped = checked_add(value, mask);
    if (!bumped) return std::nullopt;
    return *bumped & ~mask;
}

constexpr u64 align_down(u64 value, u64 alignment) {
    if (alignment <= 1) return value;
    return value & ~(alignment - 1);
}

// The smallest power of two >= value (1 for 0); nullopt above 2^63.
constexpr std::optional<u64> power_of_two_ceil(u64 value) {
    if (value <= 1) return u64{1};
    if (value > (u64{1} << 63)) return std::nullopt;
    return std::bit_ceil(value);
}

// The address width that reaches `address`: phys-bits >= this can address it.
constexpr unsigned address_bits(u64 address) { return static_cast<unsigned>(std::bit_width(address)); }

// The largest power of two <= value (0 for 0).
constexpr u64 power_of_two_floor(u64 value) { return value == 0 ? 0 : std::bit_floor(value); }

// Throwing forms, for arithmetic whose overflow means the input was impossible. `what` names the quantity.
u64 add_or_throw(u64 a, u64 b, const char* what);
u64 mul_or_throw(u64 a, u64 b, const char* what);
u64 align_up_or_throw(u64 value, u64 alignment, const char* what);

// "0x1f000" style, lower case, no padding: the form used in JSON and in messages.
std::string hex(u64 value);
// QEMU's "0x%016" PRIx64 style is not needed; this is for reports: "32 GiB", "4 KiB", "1.5 MiB".
std::string human_size(u64 bytes);

}  // namespace aperture
