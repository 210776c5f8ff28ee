#include "report/map_layout.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <map>

namespace aperture {

namespace {

// --- Geometry, in CSS pixels ---------------------------------------------------------------------------
constexpr double MARGIN = 16;
constexpr double PANEL_GAP = 40;          // between the memory and I/O panels
constexpr double TITLE_SIZE = 16;
constexpr double TEXT_SIZE = 11;          // region labels, notes
constexpr double SMALL_SIZE = 10;         // ticks, headers, second lines
constexpr double LINE_HEIGHT = 14;        // one line of TEXT_SIZE with room above and below
constexpr double HEADER_LINE = 18;
constexpr double FINDING_FIX_INDENT = 40;  // a finding's fix line, indented under it
constexpr double PAD = 4;                 // text inside a box
constexpr double LABEL_MIN_HEIGHT = 16;   // every region box holds at least one line
constexpr double TWO_LINE_HEIGHT = 2 * LINE_HEIGHT + PAD;
constexpr double LAYOUT_EPSILON = 1e-6;    // heights the axis stretched to a minimum may fall short of it by rounding
constexpr double TICK_GAP = 2;            // between address labels on the axis
constexpr double TICK_MARK = 6;
constexpr double COLUMN_GAP = 6;
constexpr double HEADER_ROW = 22;         // column headers above each panel's axis
constexpr double HEADER_BASELINE_ABOVE_AXIS = 9;
constexpr double NOTE_GAP = 6;            // between stacked notes
constexpr double LEGEND_SWATCH = 12;
constexpr double LEGEND_GAP = 18;

// Column widths: wide enough for "01:00.0 gpu0 BAR2 32 GiB" in the BAR column, and for a 52-bit address.
constexpr double TICK_COLUMN = 112;
constexpr double HOST_COLUMN = 124;
constexpr double MEMORY_COLUMN = 130;
constexpr double ROOT_COLUMN = 164;
constexpr double BRIDGE_COLUMN = 164;
constexpr double BAR_COLUMN = 276;
constexpr double NOTES_COLUMN = 220;
constexpr double IO_ROOT_COLUMN = 110;
constexpr double IO_BRIDGE_COLUMN = 120;
constexpr double IO_BAR_COLUMN = 250;
constexpr double IO_TICK_COLUMN = 64;

double text_width(const std::string& text, double font_size) { return static_cast<double>(text_columns(text)) * font_size * kMonospaceAdvance; }

// Cuts text to fit `width` pixels, marking the cut with an ellipsis.
std::string fit(const std::string& text, double width, double font_size) {
    const auto fits = static_cast<std::size_t>(std::max(0.0, std::floor(width / (font_size * kMonospaceAdvance))));
    if (text_columns(text) <= fits) return text;
    if (fits == 0) return "";
    std::string out;
    std::size_t columns = 0;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const bool starts_character = (static_cast<unsigned char>(text[i]) & 0xC0) != 0x80;
        if (starts_character) {
            if (columns + 1 == fits) break;
            ++columns;
        }
        out += text[i];
    }
    return out + "\xE2\x80\xA6";  // U+2026
}

TextLine line(double x, double baseline, double font_size, std::string text, std::string css_class, TextAnchor anchor = TextAnchor::Start) {
    TextLine t;
    t.x = x;
    t.baseline = baseline;
    t.font_size = font_size;
    t.width = text_width(text, font_size);
    t.anchor = anchor;
    t.text = std::move(text);
    t.css_class = std::move(css_class);
    return t;
}

// Baseline that centres one line of `font_size` text on `center`.
double centered_baseline(double center, double font_size) { return center + font_size * 0.35; }

std::string range_text(const AddressRange& r) { return fmt::format("{:#x}-{:#x}", r.first(), r.last()); }

// A column of a panel: which regions it holds and where it is.
struct ColumnSlot {
    Column column = Column::Bar;
    unsigned depth = 0;
    double x = 0;
    double width = 0;
    std::string header;
};

class PanelBuilder {
public:
    PanelBuilder(const AddressMap& map, AddressSpace space, double left, double top) : map_(map), space_(space), left_(left), top_(top) {}

    MapPanel build() {
        panel_.space = space_;
        const bool io = space_ == AddressSpace::Io;
        panel_.title = line(left_, top_ + TITLE_SIZE, SMALL_SIZE + 2,
                            io ? "I/O port space (0x0-0xffff)" : fmt::format("Guest-physical memory (0x0-{:#x})", last()), "panel-title");
        const double columns_top = top_ + TITLE_SIZE + PAD;
        panel_.axis_top = columns_top + HEADER_ROW;
        columns();
        build_axis();
        regions();
        breaks();
        overlaps();
        limits();
        notes();
        ticks();
        double bottom = panel_.axis_top + panel_.axis.height();
        for (const auto& u : panel_.unassigned) bottom = std::max(bottom, u.box.bottom());
        for (const auto& l : panel_.limits) bottom = std::max(bottom, l.label_box.bottom());
        for (const auto& o : panel_.overlaps) bottom = std::max(bottom, o.label_box ? o.label_box->bottom() : 0.0);
        double right = notes_x_ + notes_width_;
        panel_.frame = {left_, top_, right - left_, bottom + PAD - top_};
        return std::move(panel_);
    }

private:
    u64 last() const { return space_ == AddressSpace::Io ? map_.io_last : map_.memory_last; }

    bool in_space(const MapRegion& r) const { return r.space == space_ && r.range.first() <= last(); }

    void columns() {
        const bool io = space_ == AddressSpace::Io;
        double x = left_ + (io ? IO_TICK_COLUMN : TICK_COLUMN);
        panel_.axis_x = x;
        bool host = false;
        for (const auto& r : map_.regions) host = host || (r.column == Column::Host && in_space(r));
        auto add = [&](Column c, unsigned depth, double width, std::string header) {
            slots_.push_back({c, depth, x + COLUMN_GAP, width, std::move(header)});
            x += COLUMN_GAP + width;
        };
        if (host) add(Column::Host, 0, HOST_COLUMN, "host IOMMU");
        if (!io) add(Column::Memory, 0, MEMORY_COLUMN, "RAM (e820)");
        add(Column::RootWindow, 0, io ? IO_ROOT_COLUMN : ROOT_COLUMN, "root windows");
        const unsigned deepest = map_.deepest_bridge(space_);
        for (unsigned d = 1; d <= deepest; ++d) add(Column::Bridge, d, io ? IO_BRIDGE_COLUMN : BRIDGE_COLUMN, fmt::format("bridges, depth {}", d));
        add(Column::Bar, 0, io ? IO_BAR_COLUMN : BAR_COLUMN, "BARs");
        panel_.content_left = slots_.front().x;
        panel_.content_right = x;
        notes_x_ = x + COLUMN_GAP * 3;
        bool notes = !io;
        for (const auto& u : map_.unassigned) notes = notes || u.space == space_;
        notes_width_ = notes ? NOTES_COLUMN : 0;
        auto header = [&](double left, double width, const std::string& text) {
            ColumnHeader h{{left, panel_.axis_top - HEADER_ROW, width, HEADER_ROW - PAD}, {}};
            h.text = line(left + PAD, panel_.axis_top - HEADER_BASELINE_ABOVE_AXIS, SMALL_SIZE, fit(text, width - 2 * PAD, SMALL_SIZE), "column-header");
            panel_.headers.push_back(h);
        };
        for (const auto& s : slots_) header(s.x, s.width, s.header);
        if (notes) header(notes_x_, notes_width_, io ? "unassigned" : "unassigned BARs, limits");
    }

    const ColumnSlot* slot_of(const MapRegion& r) const {
        for (const auto& s : slots_) {
            if (s.column == r.column && (r.column != Column::Bridge || s.depth == r.depth)) return &s;
        }
        return nullptr;
    }

    void build_axis() {
        std::vector<AxisSpan> spans;
        for (const auto& r : map_.regions) {
            if (!in_space(r)) continue;
            const bool container = r.kind == RegionKind::RootWindow || r.kind == RegionKind::BridgeWindow;
            spans.push_back({r.range, container ? SpanFill::Container : SpanFill::Content, LABEL_MIN_HEIGHT});
        }
        // A region tall enough for a second line (its type and range) when it is worth it: every BAR.
        for (const auto& r : map_.regions) {
            if (in_space(r) && r.kind == RegionKind::Bar) spans.push_back({r.range, SpanFill::Content, TWO_LINE_HEIGHT});
        }
        std::vector<u64> marks;
        if (space_ == AddressSpace::Memory) {
            for (const auto& l : map_.limits) marks.push_back(l.address);
        }
        AxisStyle style;
        if (space_ == AddressSpace::Io) style.base_size = 4;  // I/O BARs start at 4 bytes
        panel_.axis = AddressAxis::build(last(), spans, marks, style);
    }

    double y_top(u64 address) const { return panel_.axis_top + panel_.axis.top_of(address); }
    double y_bottom(u64 address) const { return panel_.axis_top + panel_.axis.bottom_of(address); }

    // Regions of one column that overlap (a conflict the map also marks) share it side by side.
    std::map<std::string, std::pair<unsigned, unsigned>> sublanes() const {
        std::map<std::string, std::pair<unsigned, unsigned>> lane_of;  // key -> (lane, lanes in its group)
        for (const auto& s : slots_) {
            std::vector<const MapRegion*> in_column;
            for (const auto& r : map_.regions) {
                if (in_space(r) && slot_of(r) == &s) in_column.push_back(&r);
            }
            std::sort(in_column.begin(), in_column.end(), [](const MapRegion* a, const MapRegion* b) { return a->range.first() < b->range.first(); });
            std::vector<u64> lane_last;
            for (const MapRegion* r : in_column) {
                unsigned lane = 0;
                while (lane < lane_last.size() && lane_last[lane] >= r->range.first()) ++lane;
                if (lane == lane_last.size()) lane_last.push_back(r->range.last());
                else lane_last[lane] = r->range.last();
                lane_of[r->key] = {lane, 0};
            }
            for (const MapRegion* r : in_column) lane_of[r->key].second = static_cast<unsigned>(lane_last.size());
        }
        return lane_of;
    }

    void regions() {
        const auto lanes = sublanes();
        for (const auto& r : map_.regions) {
            if (!in_space(r)) continue;
            const ColumnSlot* s = slot_of(r);
            if (!s) continue;
            const auto [lane, count] = lanes.at(r.key);
            const double width = s->width / count;
            LaidRegion laid;
            laid.region = &r;
            const u64 clipped_last = std::min(r.range.last(), last());
            laid.box = {s->x + width * lane, y_top(r.range.first()), width, y_bottom(clipped_last) - y_top(r.range.first())};
            for (const auto& l : map_.limits) {
                if (std::find(l.crossed_by.begin(), l.crossed_by.end(), r.key) != l.crossed_by.end()) laid.crosses_limit = true;
            }
            label(laid);
            panel_.regions.push_back(std::move(laid));
        }
    }

    // A region's text inside its own box: the label, and its type and range when there is room.
    void label(LaidRegion& laid) const {
        const MapRegion& r = *laid.region;
        const Box& b = laid.box;
        const double room = b.width - 2 * PAD;
        const bool two = b.height + LAYOUT_EPSILON >= TWO_LINE_HEIGHT;
        const bool container = r.kind == RegionKind::RootWindow || r.kind == RegionKind::BridgeWindow || r.kind == RegionKind::DeviceMemory;
        const double block = two ? 2 * LINE_HEIGHT : LINE_HEIGHT;
        // Containers keep their label at the top, beside their first child; content centres it.
        const double top = container ? b.y + PAD / 2 : b.y + (b.height - block) / 2;
        laid.lines.push_back(line(b.x + PAD, centered_baseline(top + LINE_HEIGHT / 2, TEXT_SIZE), TEXT_SIZE, fit(r.label, room, TEXT_SIZE), "label"));
        if (two) {
            // BARs say their type; a window's or RAM's type is its column and colour, so they show only the range.
            const std::string second = r.kind == RegionKind::Bar ? fmt::format("{} {}", r.kind_text, range_text(r.range)) : range_text(r.range);
            laid.lines.push_back(line(b.x + PAD, centered_baseline(top + LINE_HEIGHT * 1.5, SMALL_SIZE), SMALL_SIZE, fit(second, room, SMALL_SIZE), "detail"));
        }
    }

    void breaks() {
        for (const auto& seg : panel_.axis.segments()) {
            if (seg.kind != SegmentKind::Break) continue;
            LaidBreak b;
            b.range = seg.range;
            b.band = {panel_.content_left, panel_.axis_top + seg.top, panel_.content_right - panel_.content_left, seg.height};
            const std::string text = fmt::format("\xE2\x89\x88 {} unused, not to scale", human_size_of(seg.range));
            if (seg.height >= LINE_HEIGHT) {
                b.text = line(b.band.x + b.band.width / 2, centered_baseline(b.band.y + b.band.height / 2, SMALL_SIZE), SMALL_SIZE,
                              fit(text, b.band.width - 2 * PAD, SMALL_SIZE), "break-text", TextAnchor::Middle);
            }
            panel_.breaks.push_back(std::move(b));
        }
    }

    static std::string human_size_of(const AddressRange& r) {
        if (r.first() == 0 && r.last() == ~u64{0}) return "16 EiB";
        return human_size(r.size());
    }

    const LaidRegion* laid(const std::string& key) const {
        for (const auto& r : panel_.regions) {
            if (r.region->key == key) return &r;
        }
        return nullptr;
    }

    void overlaps() {
        for (const auto& o : map_.overlaps) {
            const LaidRegion* a = laid(o.first);
            const LaidRegion* b = laid(o.second);
            if (!a || !b) continue;
            const double x = std::min(a->box.x, b->box.x);
            const double right = std::max(a->box.right(), b->box.right());
            const double y = y_top(o.range.first());
            LaidOverlap laid_overlap;
            laid_overlap.overlap = &o;
            laid_overlap.box = {x, y, right - x, y_bottom(std::min(o.range.last(), last())) - y};
            panel_.overlaps.push_back(std::move(laid_overlap));
        }
    }

    // Notes stacked in the notes column: each wants to start at `desired` and is pushed down past the one
    // above it, so none overlaps another.
    double place_note(double desired, double height) {
        const double top = std::max(desired, notes_bottom_ + NOTE_GAP);
        notes_bottom_ = top + height;
        return top;
    }

    enum class NoteKind { Limit, Overlap, Unassigned };
    struct Note {
        double desired = 0;
        NoteKind kind = NoteKind::Limit;
        std::size_t index = 0;
    };

    void limits() {
        if (space_ != AddressSpace::Memory) return;
        for (const auto& l : map_.limits) {
            LaidLimit laid;
            laid.limit = &l;
            laid.y = l.address - 1 >= last() ? panel_.axis_top + panel_.axis.height() : y_top(l.address);
            laid.x_from = panel_.axis_x;
            laid.x_to = notes_x_;
            if (!l.crossed_by.empty() && laid.y < panel_.axis_top + panel_.axis.height()) {
                laid.beyond = Box{panel_.content_left, laid.y, panel_.content_right - panel_.content_left, panel_.axis_top + panel_.axis.height() - laid.y};
            }
            limits_.push_back(std::move(laid));
        }
    }

    // Text lines in a note box of the notes column, starting at `top`.
    std::vector<TextLine> note_lines(const std::vector<std::string>& text, double top, const std::vector<std::string>& classes) const {
        std::vector<TextLine> lines;
        const double room = notes_width_ - 2 * PAD;
        for (std::size_t t = 0; t < text.size(); ++t) {
            lines.push_back(line(notes_x_ + PAD, centered_baseline(top + PAD / 2 + LINE_HEIGHT * (static_cast<double>(t) + 0.5), TEXT_SIZE), TEXT_SIZE,
                                 fit(text[t], room, TEXT_SIZE), classes[std::min(t, classes.size() - 1)]));
        }
        return lines;
    }

    static double note_height(std::size_t lines) { return static_cast<double>(lines) * LINE_HEIGHT + PAD; }

    // Everything in the notes column (limit labels, overlaps, unassigned BARs), each as close to the address
    // it is about as the notes above it allow.
    void notes() {
        std::vector<Note> notes;
        for (std::size_t i = 0; i < limits_.size(); ++i) notes.push_back({limits_[i].y - LINE_HEIGHT, NoteKind::Limit, i});
        for (std::size_t i = 0; i < panel_.overlaps.size(); ++i) notes.push_back({panel_.overlaps[i].box.y, NoteKind::Overlap, i});
        std::vector<LaidUnassigned> items;
        AxisStyle style;
        for (const auto& u : map_.unassigned) {
            if (u.space != space_) continue;
            LaidUnassigned item;
            item.item = &u;
            const LaidRegion* window = u.window.empty() ? nullptr : laid(u.window);
            item.anchor_x = window ? window->box.right() : panel_.content_right;
            item.anchor_y = window ? window->box.bottom() : panel_.axis_top + panel_.axis.height();
            // As tall as an assigned BAR of its size would be, so a dropped 32 GiB BAR looks its size.
            const double doublings = u.size > style.base_size ? std::log2(static_cast<double>(u.size) / static_cast<double>(style.base_size)) : 0.0;
            const double height = std::max(TWO_LINE_HEIGHT, style.content_min + style.content_per_doubling * doublings);
            item.box = {notes_x_, 0, notes_width_, height};
            notes.push_back({item.anchor_y, NoteKind::Unassigned, items.size()});
            items.push_back(std::move(item));
        }
        std::stable_sort(notes.begin(), notes.end(), [](const Note& a, const Note& b) { return a.desired < b.desired; });
        // Among notes that want the same place, unassigned BARs of one window stay together (their anchors match).
        std::stable_sort(notes.begin(), notes.end(), [&](const Note& a, const Note& b) {
            if (a.desired != b.desired) return a.desired < b.desired;
            const double ax = a.kind == NoteKind::Unassigned ? items[a.index].anchor_x : 0.0;
            const double bx = b.kind == NoteKind::Unassigned ? items[b.index].anchor_x : 0.0;
            return ax < bx;
        });
        notes_bottom_ = panel_.axis_top - NOTE_GAP;
        const double room = notes_width_ - 2 * PAD;
        for (const Note& n : notes) {
            if (n.kind == NoteKind::Limit) {
                LaidLimit& l = limits_[n.index];
                const MapLimit& m = *l.limit;
                std::vector<std::string> text{m.label, fmt::format("at {:#x}", m.address)};
                if (!m.crossed_by.empty()) text.push_back(fmt::format("crossed by {} region(s)", m.crossed_by.size()));
                const double top = place_note(n.desired, note_height(text.size()));
                l.label_box = {notes_x_, top, notes_width_, note_height(text.size())};
                l.lines = note_lines(text, top, {"limit-text", "limit-text", "limit-crossed"});
            } else if (n.kind == NoteKind::Overlap) {
                LaidOverlap& o = panel_.overlaps[n.index];
                const MapRegion* a = map_.region(o.overlap->first);
                const MapRegion* b = map_.region(o.overlap->second);
                const std::vector<std::string> text{"OVERLAP", fmt::format("{} and", a ? a->label : o.overlap->first),
                                                    b ? b->label : o.overlap->second, range_text(o.overlap->range)};
                const double top = place_note(n.desired, note_height(text.size()));
                o.label_box = Box{notes_x_, top, notes_width_, note_height(text.size())};
                o.lines = note_lines(text, top, {"overlap-title", "overlap-text"});
            } else {
                LaidUnassigned& u = items[n.index];
                u.box.y = place_note(n.desired, u.box.height);
                const UnassignedItem& item = *u.item;
                const double mid = u.box.y + u.box.height / 2;
                u.lines.push_back(line(u.box.x + PAD, centered_baseline(mid - LINE_HEIGHT / 2, TEXT_SIZE), TEXT_SIZE,
                                       fit(fmt::format("{} {} {}", item.bdf, item.owner, item.what), room, TEXT_SIZE), "label"));
                u.lines.push_back(line(u.box.x + PAD, centered_baseline(mid + LINE_HEIGHT / 2, TEXT_SIZE), TEXT_SIZE,
                                       fit(fmt::format("UNASSIGNED {}", human_size(item.size)), room, TEXT_SIZE), "unassigned-size"));
            }
        }
        // In stacking order, so BARs that share a window (and so a leader) are neighbours.
        std::stable_sort(items.begin(), items.end(), [](const LaidUnassigned& a, const LaidUnassigned& b) { return a.box.y < b.box.y; });
        panel_.unassigned = std::move(items);
        panel_.limits = std::move(limits_);
    }

    // Address labels left of the axis, most important first, each placed only where it overlaps none
    // placed before it.
    void ticks() {
        struct Candidate {
            u64 address;
            double y;
            int priority;
        };
        std::vector<Candidate> candidates;
        const auto& segments = panel_.axis.segments();
        for (std::size_t i = 0; i < segments.size(); ++i) {
            const auto& seg = segments[i];
            const bool next_to_break = seg.kind == SegmentKind::Break || (i > 0 && segments[i - 1].kind == SegmentKind::Break);
            candidates.push_back({seg.range.first(), panel_.axis_top + seg.top, next_to_break ? 1 : 2});
        }
        for (const auto& r : map_.regions) {
            if (in_space(r) && (r.kind == RegionKind::RootWindow || r.kind == RegionKind::Ram)) {
                candidates.push_back({r.range.first(), y_top(r.range.first()), 1});
            }
        }
        const u64 end = last();
        candidates.push_back({0, panel_.axis_top, 0});
        if (end != ~u64{0}) candidates.push_back({end + 1, panel_.axis_top + panel_.axis.height(), 0});
        std::stable_sort(candidates.begin(), candidates.end(), [](const Candidate& a, const Candidate& b) { return a.priority < b.priority; });
        std::vector<std::pair<double, double>> taken;
        const double half = SMALL_SIZE / 2 + TICK_GAP / 2;
        for (const auto& c : candidates) {
            const double lo = c.y - half;
            const double hi = c.y + half;
            const bool clear = std::none_of(taken.begin(), taken.end(), [&](const auto& t) { return lo < t.second && t.first < hi; });
            if (!clear) continue;
            taken.emplace_back(lo, hi);
            LaidTick t;
            t.address = c.address;
            t.y = c.y;
            t.text = line(panel_.axis_x - TICK_MARK - 2, centered_baseline(c.y, SMALL_SIZE), SMALL_SIZE, fmt::format("{:#x}", c.address), "tick",
                          TextAnchor::End);
            panel_.ticks.push_back(std::move(t));
        }
        std::sort(panel_.ticks.begin(), panel_.ticks.end(), [](const LaidTick& a, const LaidTick& b) { return a.y < b.y; });
    }

    const AddressMap& map_;
    AddressSpace space_;
    double left_;
    double top_;
    double notes_x_ = 0;
    double notes_width_ = 0;
    double notes_bottom_ = 0;
    std::vector<ColumnSlot> slots_;
    std::vector<LaidLimit> limits_;
    MapPanel panel_;
};

struct LegendItem {
    const char* css_class;
    const char* text;
};

constexpr LegendItem LEGEND[] = {
    {"ram", "RAM"},
    {"reserved", "reserved"},
    {"root-window", "root window"},
    {"bridge-window", "bridge window"},
    {"bar", "BAR"},
    {"bar pref", "prefetchable BAR"},
    {"unassigned", "unassigned"},
    {"host-reserved", "host reserved"},
    {"break", "cut: not to scale"},
};

const char* verdict_class(Verdict v) {
    switch (v) {
        case Verdict::Pass: return "finding pass";
        case Verdict::Warn: return "finding warn";
        case Verdict::Fail: return "finding fail";
    }
    return "finding";
}

}  // namespace

Box TextLine::bounds() const {
    double left = x;
    if (anchor == TextAnchor::Middle) left = x - width / 2;
    if (anchor == TextAnchor::End) left = x - width;
    // Glyphs of a monospace font rise about 0.8 em above the baseline and descend about 0.25 em.
    return {left, baseline - font_size * 0.8, width, font_size * 1.05};
}

std::size_t text_columns(const std::string& text) {
    std::size_t n = 0;
    for (const char c : text) {
        if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++n;
    }
    return n;
}

MapLayout lay_out_map(const AddressMap& map) {
    MapLayout layout;
    double y = MARGIN;
    auto header = [&](const std::string& text, double size, const std::string& css) {
        y += size + PAD;
        layout.header.push_back(line(MARGIN, y, size, text, css));
    };
    header(map.title, TITLE_SIZE, "title");
    for (const auto& line : map.caption) header(line, SMALL_SIZE, "caption");
    header("Outcome: " + map.outcome, TEXT_SIZE + 1, map.failed ? "outcome failed" : "outcome ok");
    header("Scale: not linear. Each stretch between two boundaries is drawn taller the larger it is (logarithmic: every doubling adds a few "
           "pixels);",
           SMALL_SIZE, "scale-note");
    header("\xE2\x89\x88 bands are unused stretches cut short. Addresses grow downwards; hover or read the labels for exact ranges.", SMALL_SIZE,
           "scale-note");
    for (const auto& note : map.notes) header("Note: " + note, SMALL_SIZE, "note");

    if (!map.findings.empty()) {
        y += PAD;
        for (const auto& f : map.findings) {
            y += HEADER_LINE;
            layout.findings.push_back(line(MARGIN, y, TEXT_SIZE, fmt::format("{}  {:<20} {}", to_string(f.verdict), to_string(f.kind), f.title), verdict_class(f.verdict)));
            layout.finding_of_line.push_back(&f);
            // What to do about it, beside it: the first (least invasive, proven) fix, in QEMU's words.
            const Fix* fix = f.verdict == Verdict::Pass ? nullptr : f.first_fix();
            if (fix == nullptr) continue;
            std::string words;
            for (const auto& w : fix->qemu_args) words += (words.empty() ? "" : " ") + w;
            y += HEADER_LINE;
            layout.findings.push_back(line(MARGIN + FINDING_FIX_INDENT, y, SMALL_SIZE,
                                           words.empty() ? "fix: " + fix->summary : fmt::format("fix: {}: {}", fix->summary, words), "finding-fix"));
            layout.finding_of_line.push_back(&f);
        }
    }

    // The legend: one row of swatches.
    y += PAD * 2;
    double x = MARGIN;
    for (const auto& item : LEGEND) {
        LegendEntry e;
        e.swatch = {x, y, LEGEND_SWATCH, LEGEND_SWATCH};
        e.css_class = item.css_class;
        e.text = line(x + LEGEND_SWATCH + PAD, centered_baseline(y + LEGEND_SWATCH / 2, SMALL_SIZE), SMALL_SIZE, item.text, "legend-text");
        x = e.text.bounds().right() + LEGEND_GAP;
        layout.legend.push_back(std::move(e));
    }
    y += LEGEND_SWATCH + PAD * 3;

    layout.memory = PanelBuilder(map, AddressSpace::Memory, MARGIN, y).build();
    double right = layout.memory.frame.right();
    double bottom = layout.memory.frame.bottom();
    const bool any_io = std::any_of(map.regions.begin(), map.regions.end(), [](const MapRegion& r) { return r.space == AddressSpace::Io; }) ||
                        std::any_of(map.unassigned.begin(), map.unassigned.end(), [](const UnassignedItem& u) { return u.space == AddressSpace::Io; });
    if (any_io) {
        layout.io = PanelBuilder(map, AddressSpace::Io, right + PANEL_GAP, y).build();
        right = layout.io->frame.right();
        bottom = std::max(bottom, layout.io->frame.bottom());
    }
    double widest = right;
    for (const auto& t : layout.header) widest = std::max(widest, t.bounds().right());
    for (const auto& t : layout.findings) widest = std::max(widest, t.bounds().right());
    for (const auto& e : layout.legend) widest = std::max(widest, e.text.bounds().right());
    layout.width = std::ceil(widest + MARGIN);
    layout.height = std::ceil(bottom + MARGIN);
    return layout;
}

}  // namespace aperture
