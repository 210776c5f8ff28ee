#pragma once
// An inclusive address range [first, last]. It refuses at construction anything it cannot represent:
// an empty range, first > last, or a start + size that passes 2^64.

#include <string>

#include "core/address.hpp"

namespace aperture {

class AddressRange {
public:
    static AddressRange from_start_and_size(u64 start, u64 size);
    static AddressRange from_first_and_last(u64 first, u64 last);

    u64 first() const { return first_; }
    u64 last() const { return last_; }
    // The size of a range covering all of 2^64 would not fit; such a range cannot be built.
    u64 size() const { return last_ - first_ + 1; }
    // The first address past the range, or nullopt when the range ends at 2^64 - 1.
    std::optional<u64> end() const { return checked_add(last_, 1); }

    bool contains(u64 address) const { return address >= first_ && address <= last_; }
    bool contains(const AddressRange& other) const { return other.first_ >= first_ && other.last_ <= last_; }
    bool overlaps(const AddressRange& other) const { return first_ <= other.last_ && other.first_ <= last_; }

    std::string to_string() const;  // "[0x1000, 0x1fff]"

    friend bool operator==(const AddressRange&, const AddressRange&) = default;

private:
    AddressRange(u64 first, u64 last) : first_(first), last_(last) {}
    u64 first_;
    u64 last_;
};

}  // namespace aperture
