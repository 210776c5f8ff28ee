#include "machine/e820.hpp"

#include <algorithm>

namespace aperture {

const char* to_string(E820Type type) {
    switch (type) {
        case E820Type::Ram: return "ram";
        case E820Type::Reserved: return "reserved";
        case E820Type::Acpi: return "acpi";
        case E820Type::Nvs: return "nvs";
        case E820Type::FirmwareArea: return "firmware-area";
    }
    return "reserved";
}

const char* to_string(E820Origin origin) {
    switch (origin) {
        case E820Origin::Unspecified: return "";
        case E820Origin::QemuRam: return "qemu-ram";
        case E820Origin::QemuReservation: return "qemu-reservation";
        case E820Origin::FirmwareWorkArea: return "firmware-work-area";
        case E820Origin::FirmwareAllocations: return "firmware-allocations";
        case E820Origin::PciExpressEcam: return "pci-express-ecam";
        case E820Origin::FirmwareFlash: return "firmware-flash";
        case E820Origin::FirmwareIgvmParameters: return "firmware-igvm-parameters";
    }
    return "";
}

void E820Map::remove(u64 start, u64 size) {
    if (size == 0) return;
    const u64 end = start + size;  // callers pass ranges below 2^64
    std::vector<E820Entry> kept;
    for (const auto& e : entries_) {
        const u64 e_end = e.start + e.size;
        if (e_end <= start || e.start >= end) {
            kept.push_back(e);
            continue;
        }
        if (e.start < start) kept.push_back({e.start, start - e.start, e.type});
        if (e_end > end) kept.push_back({end, e_end - end, e.type});
    }
    entries_ = std::move(kept);
}

void E820Map::add(u64 start, u64 size, E820Type type) {
    if (size == 0) return;
    remove(start, size);
    insert(start, size, type);
}

void E820Map::insert(u64 start, u64 size, E820Type type) {
    entries_.push_back({start, size, type});
    std::sort(entries_.begin(), entries_.end(), [](const E820Entry& a, const E820Entry& b) { return a.start < b.start; });
    std::vector<E820Entry> merged;
    for (const auto& e : entries_) {
        if (!merged.empty() && merged.back().type == e.type && merged.back().start + merged.back().size == e.start) {
            merged.back().size += e.size;
        } else {
            merged.push_back(e);
        }
    }
    entries_ = std::move(merged);
}

}  // namespace aperture
