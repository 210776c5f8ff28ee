#pragma once
// The e820 memory map: what QEMU hands the firmware (fw_cfg etc/e820) and what firmware hands the OS.

#include <string>
#include <vector>

#include "core/address.hpp"

namespace aperture {

// ACPI (3) and NVS (4) appear in tables Xen's hvmloader builds (tools/firmware/hvmloader/e820.c).
enum class E820Type { Ram = 1, Reserved = 2, Acpi = 3, Nvs = 4 };

struct E820Entry {
    u64 start = 0;
    u64 size = 0;
    E820Type type = E820Type::Ram;
    friend bool operator==(const E820Entry&, const E820Entry&) = default;
};

const char* to_string(E820Type type);

// A table kept sorted by address with no overlaps: adding a range replaces whatever it covers and
// merges with neighbours of the same type, as SeaBIOS's e820_add does (src/e820map.c).
class E820Map {
public:
    void add(u64 start, u64 size, E820Type type);
    void remove(u64 start, u64 size);
    const std::vector<E820Entry>& entries() const { return entries_; }

private:
    void insert(u64 start, u64 size, E820Type type);
    std::vector<E820Entry> entries_;
};

}  // namespace aperture
