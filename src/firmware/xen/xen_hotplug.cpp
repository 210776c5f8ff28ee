#include "firmware/xen/xen_hotplug.hpp"

#include <algorithm>

namespace aperture {

std::vector<AddressRange> free_ranges(const AddressRange& window, std::vector<AddressRange> used) {
    std::sort(used.begin(), used.end(), [](const AddressRange& a, const AddressRange& b) { return a.first() < b.first(); });
    std::vector<AddressRange> out;
    u64 cursor = window.first();
    bool done = false;
    for (const auto& u : used) {
        if (!window.overlaps(u) || done) continue;
        if (u.first() > cursor) out.push_back(AddressRange::from_first_and_last(cursor, u.first() - 1));
        if (u.last() >= window.last()) {
            done = true;
            continue;
        }
        cursor = std::max(cursor, u.last() + 1);
    }
    if (!done && cursor <= window.last()) out.push_back(AddressRange::from_first_and_last(cursor, window.last()));
    return out;
}

HotplugFit fit_hotplug(const HvmloaderResult& boot, const PciFunctionSpec& device) {
    HotplugFit fit;
    const CrsWindows crs = crs_windows(boot.details);
    std::vector<AddressRange> used;
    for (const auto& bar : boot.details.bars) {
        if (bar.address && bar.kind != BarKind::Io) used.push_back(AddressRange::from_start_and_size(*bar.address, bar.size));
    }
    fit.free_low = free_ranges(crs.low, used);
    if (crs.high) fit.free_high = free_ranges(*crs.high, used);

    std::vector<BarSpec> bars;
    for (const auto& b : device.bars) {
        if (b.kind != BarKind::Io && b.size > 0) bars.push_back(b);
    }
    std::stable_sort(bars.begin(), bars.end(), [](const BarSpec& a, const BarSpec& b) { return a.size > b.size; });
    std::vector<AddressRange> low = fit.free_low;
    std::vector<AddressRange> high = fit.free_high;
    // Takes an aligned block of `size` from the first range that has one, splitting what is left.
    auto take = [](std::vector<AddressRange>& ranges, u64 size) -> std::optional<u64> {
        for (std::size_t i = 0; i < ranges.size(); ++i) {
            const auto start = align_up(ranges[i].first(), size);
            if (!start) continue;
            const auto last = checked_add(*start, size - 1);
            if (!last || *last > ranges[i].last()) continue;
            const AddressRange r = ranges[i];
            ranges.erase(ranges.begin() + static_cast<std::ptrdiff_t>(i));
            if (*last < r.last()) ranges.insert(ranges.begin() + static_cast<std::ptrdiff_t>(i), AddressRange::from_first_and_last(*last + 1, r.last()));
            if (*start > r.first()) ranges.insert(ranges.begin() + static_cast<std::ptrdiff_t>(i), AddressRange::from_first_and_last(r.first(), *start - 1));
            return *start;
        }
        return std::nullopt;
    };
    fit.fits = true;
    for (const auto& b : bars) {
        HotplugBar hb{b, std::nullopt};
        if (b.is64) hb.address = take(high, b.size);
        if (!hb.address) hb.address = take(low, b.size);
        if (!hb.address) fit.fits = false;
        fit.bars.push_back(hb);
    }
    return fit;
}

}  // namespace aperture
