#include "core/range.hpp"

#include <fmt/format.h>

#include "core/error.hpp"

namespace aperture {

AddressRange AddressRange::from_start_and_size(u64 start, u64 size) {
    if (size == 0) throw ArithmeticError(fmt::format("empty range at {}", hex(start)));
    auto last = checked_add(start, size - 1);
    if (!last) throw ArithmeticError(fmt::format("range at {} of size {} passes 2^64", hex(start), hex(size)));
    return AddressRange(start, *last);
}

AddressRange AddressRange::from_first_and_last(u64 first, u64 last) {
    if (first > last) throw ArithmeticError(fmt::format("range start {} is above its end {}", hex(first), hex(last)));
    return AddressRange(first, last);
}

std::string AddressRange::to_string() const { return fmt::format("[{:#x}, {:#x}]", first_, last_); }

}  // namespace aperture
