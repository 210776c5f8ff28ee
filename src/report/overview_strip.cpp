#include "report/overview_strip.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "core/address.hpp"
#include "report/markup.hpp"

namespace aperture {

namespace {

// Neighbouring tick labels stay this far apart (fractions of the strip): "0x10000000000" in 11 px type is
// about 90 px, 7% of a 1280 px window.
constexpr double MIN_TICK_GAP = 0.09;
// The strip's drawing in its own units: 1000 wide, three lanes of 10.
constexpr double STRIP_WIDTH = 1000;
constexpr double STRIP_HEIGHT = 36;
constexpr double LANE_HEIGHT = 10;
constexpr double LANE_GAP = 2;
// Narrower than this and a 4 KiB BAR beside a terabyte window would vanish.
constexpr double MIN_ITEM_WIDTH = 1.5;
constexpr double POINT_WIDTH = 3;

const char* to_css(OverviewMark mark) {
    switch (mark) {
        case OverviewMark::Ram: return "ram";
        case OverviewMark::Reserved: return "reserved";
        case OverviewMark::Window: return "window";
        case OverviewMark::Bar: return "bar";
        case OverviewMark::PassthroughBar: return "bar passthrough";
        case OverviewMark::Unassigned: return "unassigned";
        case OverviewMark::CrossedLimit: return "limit";
        case OverviewMark::Overlap: return "overlap";
    }
    return "bar";
}

class StripBuilder {
public:
    explicit StripBuilder(const MapPanel& panel) : panel_(panel) {
        strip_.map_top = panel.axis_top;
        strip_.map_height = panel.axis.height();
    }

    OverviewStrip build() {
        for (const auto& r : panel_.regions) region(r);
        for (const auto& u : panel_.unassigned) {
            const UnassignedItem& item = *u.item;
            point(OverviewMark::Unassigned, u.anchor_y, item.key,
                  fmt::format("{} {} {} {}: not assigned", item.bdf, item.owner, item.what, human_size(item.size)));
        }
        for (const auto& l : panel_.limits) {
            if (l.limit->crossed_by.empty()) continue;
            point(OverviewMark::CrossedLimit, l.y, l.limit->crossed_by.front(), fmt::format("{}: crossed", l.limit->label));
        }
        for (const auto& o : panel_.overlaps) {
            add(OverviewMark::Overlap, OverviewLane::All, o.box.y, o.box.bottom(), o.overlap->first, o.overlap->text);
        }
        ticks();
        return std::move(strip_);
    }

private:
    double fraction(double y) const {
        if (strip_.map_height <= 0) return 0;
        return std::clamp((y - strip_.map_top) / strip_.map_height, 0.0, 1.0);
    }

    void add(OverviewMark mark, OverviewLane lane, double top, double bottom, std::string target, std::string title) {
        strip_.items.push_back({mark, lane, fraction(top), fraction(bottom), std::move(target), std::move(title)});
    }

    void point(OverviewMark mark, double y, std::string target, std::string title) {
        add(mark, OverviewLane::All, y, y, std::move(target), std::move(title));
    }

    void region(const LaidRegion& laid) {
        const MapRegion& r = *laid.region;
        const std::string title = fmt::format("{}: {:#x}-{:#x}", r.label, r.range.first(), r.range.last());
        switch (r.kind) {
            case RegionKind::Ram:
            case RegionKind::DeviceMemory: add(OverviewMark::Ram, OverviewLane::Memory, laid.box.y, laid.box.bottom(), r.key, title); return;
            case RegionKind::Reserved:
            case RegionKind::HostReserved: add(OverviewMark::Reserved, OverviewLane::Memory, laid.box.y, laid.box.bottom(), r.key, title); return;
            case RegionKind::RootWindow:
            case RegionKind::BridgeWindow: add(OverviewMark::Window, OverviewLane::Windows, laid.box.y, laid.box.bottom(), r.key, title); return;
            case RegionKind::Bar: {
                const bool passthrough = r.driver == "vfio-pci";
                add(passthrough ? OverviewMark::PassthroughBar : OverviewMark::Bar, OverviewLane::Bars, laid.box.y, laid.box.bottom(), r.key, title);
                return;
            }
        }
    }

    void ticks() {
        double last = -1;
        for (const auto& t : panel_.ticks) {
            const double at = fraction(t.y);
            if (last >= 0 && at - last < MIN_TICK_GAP) continue;
            strip_.ticks.push_back({at, fmt::format("{:#x}", t.address)});
            last = at;
        }
    }

    const MapPanel& panel_;
    OverviewStrip strip_;
};

double lane_top(OverviewLane lane) {
    switch (lane) {
        case OverviewLane::Memory: return LANE_GAP;
        case OverviewLane::Windows: return LANE_GAP + (LANE_HEIGHT + LANE_GAP);
        case OverviewLane::Bars: return LANE_GAP + 2 * (LANE_HEIGHT + LANE_GAP);
        case OverviewLane::All: return 0;
    }
    return 0;
}

// Percentages with three decimals: the strip scales with the window.
std::string percent(double fraction) { return fmt::format("{:.3f}%", fraction * 100); }

}  // namespace

OverviewStrip lay_out_overview(const MapLayout& layout) { return StripBuilder(layout.memory).build(); }

std::string render_overview(const OverviewStrip& strip) {
    std::string out;
    out += "<nav id=\"overview\" aria-label=\"the whole guest-physical address space\">\n";
    out += fmt::format("<div class=\"strip\" data-map-top=\"{:.1f}\" data-map-height=\"{:.1f}\">\n", strip.map_top, strip.map_height);
    out += fmt::format("<svg viewBox=\"0 0 {} {}\" preserveAspectRatio=\"none\">\n", STRIP_WIDTH, STRIP_HEIGHT);
    out += fmt::format("<rect class=\"background\" width=\"{}\" height=\"{}\"/>\n", STRIP_WIDTH, STRIP_HEIGHT);
    // Ranges first, points last: a failure mark is never hidden under a BAR.
    auto draw = [&](const OverviewItem& item) {
        const bool is_point = item.mark == OverviewMark::Unassigned || item.mark == OverviewMark::CrossedLimit;
        double x = item.from * STRIP_WIDTH;
        double width = std::max((item.to - item.from) * STRIP_WIDTH, MIN_ITEM_WIDTH);
        if (is_point) {
            width = POINT_WIDTH;
            x = std::clamp(x - POINT_WIDTH / 2, 0.0, STRIP_WIDTH - POINT_WIDTH);
        }
        const double height = item.lane == OverviewLane::All ? STRIP_HEIGHT : LANE_HEIGHT;
        out += fmt::format("<rect class=\"{}\" x=\"{:.2f}\" y=\"{}\" width=\"{:.2f}\" height=\"{}\" data-from=\"{:.5f}\" data-to=\"{:.5f}\"",
                           to_css(item.mark), x, lane_top(item.lane), width, height, item.from, item.to);
        if (!item.target.empty()) out += fmt::format(" data-target=\"{}\"", escape_xml(item.target));
        out += fmt::format("><title>{}</title></rect>\n", escape_xml(item.title));
    };
    for (const auto& item : strip.items) {
        if (item.lane != OverviewLane::All) draw(item);
    }
    for (const auto& item : strip.items) {
        if (item.lane == OverviewLane::All) draw(item);
    }
    out += "</svg>\n<div class=\"viewport\"></div>\n</div>\n<div class=\"ticks\">\n";
    for (const auto& t : strip.ticks) out += fmt::format("<span style=\"left: {}\">{}</span>\n", percent(t.at), escape_xml(t.text));
    out += "</div>\n</nav>\n";
    return out;
}

}  // namespace aperture
