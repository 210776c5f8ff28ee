#pragma once
// The HTML map's overview: the whole guest-physical space as one strip across the top of the page, drawn
// on the map's own (broken, logarithmic) scale, so a BAR 2,000 px down the map is one click away. Lanes
// after the map's columns (memory, windows, BARs); what fails is marked across all lanes: a BAR the
// firmware left unassigned at the window it needed, a limit something crosses, an overlap. Passed-through
// functions (vfio-pci) are drawn apart from emulated ones, since they are what the user came to see.

#include <string>
#include <vector>

#include "report/address_map.hpp"
#include "report/map_layout.hpp"

namespace aperture {

enum class OverviewLane { Memory, Windows, Bars, All };

enum class OverviewMark {
    Ram,
    Reserved,
    Window,
    Bar,
    PassthroughBar,
    Unassigned,    // a point: where the window it needed ends
    CrossedLimit,  // a point: the limit's address
    Overlap,
};

struct OverviewItem {
    OverviewMark mark = OverviewMark::Bar;
    OverviewLane lane = OverviewLane::Bars;
    double from = 0;  // fractions of the strip's width, 0 at address 0
    double to = 0;
    std::string target;  // the map region (data-key) a click selects; "" scrolls only
    std::string title;   // the tooltip: what and where
};

struct OverviewTick {
    double at = 0;
    std::string text;  // "0x100000000"
};

struct OverviewStrip {
    double map_top = 0;     // the memory axis in the map's own coordinates: the strip spans these
    double map_height = 0;
    std::vector<OverviewItem> items;
    std::vector<OverviewTick> ticks;  // thinned so neighbours stay apart
};

OverviewStrip lay_out_overview(const MapLayout& layout);

// The strip as an HTML fragment (<nav id="overview">…</nav>); the page's script wires it to the map.
std::string render_overview(const OverviewStrip& strip);

}  // namespace aperture
