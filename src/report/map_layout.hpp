#pragma once
// The address map in pixels: where every box, label, break, tick, limit line and unassigned BAR goes.
// Layout is separate from writing SVG (as lstopo separates its layout from its drawing back ends) so the
// rules that keep the picture readable live in one place: every label sits inside its own box or in a
// column where labels are stacked without overlap, and text widths are known exactly because the picture
// uses a monospace font and pins each text's length.

#include <optional>
#include <string>
#include <vector>

#include "report/address_axis.hpp"
#include "report/address_map.hpp"

namespace aperture {

struct Box {
    double x = 0;
    double y = 0;
    double width = 0;
    double height = 0;
    double right() const { return x + width; }
    double bottom() const { return y + height; }
};

enum class TextAnchor { Start, Middle, End };

// One line of text. `width` is the exact advance the SVG pins with textLength.
struct TextLine {
    double x = 0;
    double baseline = 0;
    double font_size = 0;
    double width = 0;
    TextAnchor anchor = TextAnchor::Start;
    std::string text;
    std::string css_class;
    Box bounds() const;  // the box the glyphs occupy
};

struct LaidRegion {
    const MapRegion* region = nullptr;
    Box box;
    std::vector<TextLine> lines;
    bool crosses_limit = false;
};

struct LaidBreak {
    AddressRange range = AddressRange::from_first_and_last(0, 0);
    Box band;
    std::optional<TextLine> text;
};

struct LaidTick {
    u64 address = 0;
    double y = 0;
    TextLine text;
};

struct LaidUnassigned {
    const UnassignedItem* item = nullptr;
    Box box;
    std::vector<TextLine> lines;
    double anchor_x = 0;  // where its leader line points: the end of the window it needed
    double anchor_y = 0;
};

struct LaidLimit {
    const MapLimit* limit = nullptr;
    double y = 0;
    double x_from = 0;
    double x_to = 0;
    Box label_box;
    std::vector<TextLine> lines;
    std::optional<Box> beyond;  // shading past a crossed limit
};

struct LaidOverlap {
    const MapOverlap* overlap = nullptr;
    Box box;                       // where the two regions share addresses
    std::optional<Box> label_box;  // its note in the notes column
    std::vector<TextLine> lines;
};

struct ColumnHeader {
    Box box;
    TextLine text;
};

// One address space drawn against its own axis.
struct MapPanel {
    AddressSpace space = AddressSpace::Memory;
    Box frame;           // everything the panel draws lies inside
    double axis_top = 0;  // y of address 0
    double axis_x = 0;    // x of the axis line
    double content_left = 0;
    double content_right = 0;  // the columns holding regions end here; notes follow
    AddressAxis axis;
    TextLine title;
    std::vector<ColumnHeader> headers;
    std::vector<LaidRegion> regions;
    std::vector<LaidBreak> breaks;
    std::vector<LaidTick> ticks;
    std::vector<LaidUnassigned> unassigned;
    std::vector<LaidLimit> limits;
    std::vector<LaidOverlap> overlaps;
};

struct LegendEntry {
    Box swatch;
    std::string css_class;
    TextLine text;
};

struct MapLayout {
    double width = 0;
    double height = 0;
    std::vector<TextLine> header;  // title, outcome, scale note, notes
    std::vector<TextLine> findings;
    std::vector<const Finding*> finding_of_line;  // parallel to `findings`
    std::vector<LegendEntry> legend;
    MapPanel memory;
    std::optional<MapPanel> io;
};

// Monospace advance per character, as a fraction of the font size (DejaVu Sans Mono: 1233/2048 em).
inline constexpr double kMonospaceAdvance = 0.6021;

// Characters in UTF-8 text (code points), for widths.
std::size_t text_columns(const std::string& text);

MapLayout lay_out_map(const AddressMap& map);

}  // namespace aperture
