#include "report/svg_map.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "report/markup.hpp"

namespace aperture {

namespace {

constexpr double ZIGZAG_STEP = 8;     // width of one tooth of a break's cut line
constexpr double ZIGZAG_DEPTH = 3;
constexpr double LIMIT_MARKER = 5;    // half-size of the marker where a region crosses a limit
constexpr double TICK_MARK = 6;
constexpr double COORDINATE_SCALE = 10;
constexpr double LEADER_SPINE_GAP = 8;  // the spine joining a stack of unassigned BARs runs this far left of them  // coordinates are written to a tenth of a pixel

// Colours after lstopo's pale boxes; every class is scoped to the map so the HTML page can hold it.
constexpr const char* STYLESHEET = R"css(
.aperture-map { font-family: 'DejaVu Sans Mono', 'Liberation Mono', monospace; }
.aperture-map .background { fill: #ffffff; }
.aperture-map text { fill: #1d1d1d; white-space: pre; }
.aperture-map .title { font-weight: bold; }
.aperture-map .outcome.failed { fill: #b00020; font-weight: bold; }
.aperture-map .outcome.ok { fill: #1b6e20; font-weight: bold; }
.aperture-map .scale-note, .aperture-map .note, .aperture-map .caption { fill: #555555; }
.aperture-map .finding.fail { fill: #b00020; }
.aperture-map .finding.warn { fill: #9a6700; }
.aperture-map .finding-fix { fill: #1d4f91; }
.aperture-map .finding.pass { fill: #1b6e20; }
.aperture-map .panel-title { font-weight: bold; }
.aperture-map .column-header { fill: #555555; }
.aperture-map .axis { stroke: #444444; stroke-width: 1; }
.aperture-map .tick-mark { stroke: #888888; stroke-width: 1; }
.aperture-map .tick { fill: #444444; }
.aperture-map .region rect, .aperture-map .swatch { stroke: #5a5a5a; stroke-width: 0.8; }
.aperture-map .ram rect, .aperture-map .swatch.ram { fill: #c8e6c0; }
.aperture-map .device-memory rect { fill: #dcefd6; stroke-dasharray: 4 2; }
.aperture-map .reserved rect, .aperture-map .swatch.reserved { fill: #dddddd; }
.aperture-map .root-window rect, .aperture-map .swatch.root-window { fill: #d5e4f5; }
.aperture-map .bridge-window rect, .aperture-map .swatch.bridge-window { fill: #fbe7c6; }
.aperture-map .bar rect, .aperture-map .swatch.bar { fill: #fff4b0; }
.aperture-map .bar.pref rect, .aperture-map .swatch.bar.pref { fill: #ffd08a; }
.aperture-map .bar.io rect { fill: #e5d6f3; }
.aperture-map .bar.rom rect { fill: #f1f1f1; stroke-dasharray: 3 2; }
.aperture-map .region.unreachable rect { stroke-dasharray: 2 2; opacity: 0.6; }
.aperture-map .host-reserved rect, .aperture-map .swatch.host-reserved { fill: url(#aperture-hatch-grey); }
.aperture-map .region.crosses-limit rect { stroke: #b00020; stroke-width: 2; }
.aperture-map .region .detail { fill: #555555; }
.aperture-map .region:hover rect, .aperture-map .region.selected rect { stroke: #0b57d0; stroke-width: 2.5; }
.aperture-map .match rect { stroke: #c2185b; stroke-width: 3; }
.aperture-map .region.ancestor rect { stroke: #0b57d0; stroke-width: 1.5; stroke-dasharray: 5 2; }
.aperture-map .region { cursor: pointer; }
.aperture-map .break rect, .aperture-map .swatch.break { fill: #f6f6f6; }
.aperture-map .break path { fill: none; stroke: #999999; stroke-width: 1; }
.aperture-map .break-text { fill: #777777; font-style: italic; }
.aperture-map .overlap rect { fill: url(#aperture-hatch-red); fill-opacity: 0.45; stroke: #b00020; stroke-width: 1.5; }
.aperture-map .overlap rect.label-box { fill: #ffffff; fill-opacity: 1; }
.aperture-map .overlap-title { fill: #b00020; font-weight: bold; }
.aperture-map .overlap-text { fill: #b00020; }
.aperture-map .limit line { stroke: #555555; stroke-width: 1.2; stroke-dasharray: 6 3; }
.aperture-map .limit.crossed line { stroke: #b00020; stroke-width: 2; }
.aperture-map .limit .beyond { fill: #b00020; opacity: 0.08; stroke: none; }
.aperture-map .limit .label-box { fill: #ffffff; stroke: #888888; stroke-width: 0.8; }
.aperture-map .limit.crossed .label-box { stroke: #b00020; }
.aperture-map .limit-crossed { fill: #b00020; }
.aperture-map .limit .marker { fill: #b00020; }
.aperture-map .unassigned rect, .aperture-map .swatch.unassigned { fill: #fbd5d5; stroke: #b00020; stroke-width: 1.5; }
.aperture-map .leaders line { stroke: #b00020; stroke-width: 1.2; stroke-dasharray: 4 3; pointer-events: none; }
.aperture-map .unassigned-size { fill: #b00020; font-weight: bold; }
.aperture-map .unassigned { cursor: pointer; }
.aperture-map .unassigned:hover rect, .aperture-map .unassigned.selected rect { stroke: #0b57d0; stroke-width: 3; }
.aperture-map .region text, .aperture-map .unassigned text { pointer-events: none; }
)css";

constexpr const char* DEFS = R"svg(<defs>
<pattern id="aperture-hatch-red" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#fde0e0"/><line x1="0" y1="0" x2="0" y2="6" stroke="#b00020" stroke-width="2"/></pattern>
<pattern id="aperture-hatch-grey" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(-45)"><rect width="6" height="6" fill="#f2e4e4"/><line x1="0" y1="0" x2="0" y2="6" stroke="#a07070" stroke-width="1.5"/></pattern>
</defs>
)svg";

std::string num(double v) { return fmt::format("{:.1f}", v); }

const char* anchor_name(TextAnchor a) {
    switch (a) {
        case TextAnchor::Start: return "start";
        case TextAnchor::Middle: return "middle";
        case TextAnchor::End: return "end";
    }
    return "start";
}

void text(std::string& out, const TextLine& t) {
    if (t.text.empty()) return;
    // textLength pins the advance to what the layout reserved, whatever monospace font the viewer has.
    out += fmt::format("<text x=\"{}\" y=\"{}\" font-size=\"{}\" textLength=\"{}\" lengthAdjust=\"spacingAndGlyphs\" text-anchor=\"{}\" class=\"{}\">{}</text>\n",
                       num(t.x), num(t.baseline), num(t.font_size), num(t.width), anchor_name(t.anchor), escape_xml(t.css_class), escape_xml(t.text));
}

// Edges are rounded, not sizes, so boxes that share an edge in the layout share it in the file too.
double rounded(double v) { return std::round(v * COORDINATE_SCALE) / COORDINATE_SCALE; }

void rect(std::string& out, const Box& b, const std::string& css = "") {
    const double x = rounded(b.x);
    const double y = rounded(b.y);
    out += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"{}/>\n", num(x), num(y), num(rounded(b.right()) - x),
                       num(rounded(b.bottom()) - y), css.empty() ? "" : fmt::format(" class=\"{}\"", css));
}

std::string region_classes(const LaidRegion& laid) {
    const MapRegion& r = *laid.region;
    std::string classes = fmt::format("region {}", to_string(r.kind));
    if (r.kind_text.find("pref") != std::string::npos) classes += " pref";
    if (r.space == AddressSpace::Io) classes += " io";
    if (r.bar == kRomBarIndex) classes += " rom";
    if (r.unreachable) classes += " unreachable";
    if (laid.crosses_limit) classes += " crosses-limit";
    return classes;
}

std::string size_text(const AddressRange& r) { return r.first() == 0 && r.last() == ~u64{0} ? "16 EiB" : human_size(r.size()); }

void region(std::string& out, const LaidRegion& laid) {
    const MapRegion& r = *laid.region;
    out += fmt::format("<g class=\"{}\" data-key=\"{}\" data-kind=\"{}\" data-space=\"{}\" data-first=\"{:#x}\" data-last=\"{:#x}\" data-size=\"{}\" "
                       "data-label=\"{}\" data-type=\"{}\"",
                       region_classes(laid), escape_xml(r.key), to_string(r.kind), r.space == AddressSpace::Io ? "io" : "memory", r.range.first(),
                       r.range.last(), escape_xml(size_text(r.range)), escape_xml(r.label), escape_xml(r.kind_text));
    if (!r.bdf.empty()) {
        out += fmt::format(" data-bdf=\"{}\" data-owner=\"{}\" data-driver=\"{}\"", escape_xml(r.bdf), escape_xml(r.owner), escape_xml(r.driver));
    }
    if (!r.device_name.empty()) out += fmt::format(" data-name=\"{}\"", escape_xml(r.device_name));
    if (r.bar >= 0) out += fmt::format(" data-bar=\"{}\"", r.bar);
    if (!r.parent.empty()) out += fmt::format(" data-parent=\"{}\"", escape_xml(r.parent));
    if (laid.crosses_limit) out += " data-crosses-limit=\"true\"";
    if (r.rom_disabled) out += " data-note=\"expansion ROM: assigned, not enabled\"";
    if (r.unreachable) out += " data-note=\"the bus numbers the firmware set leave no path to this function\"";
    out += ">\n";
    out += fmt::format("<title>{}&#10;{} {:#x}-{:#x} ({})</title>\n", escape_xml(r.label), escape_xml(r.kind_text), r.range.first(), r.range.last(),
                       escape_xml(size_text(r.range)));
    rect(out, laid.box);
    for (const auto& t : laid.lines) text(out, t);
    out += "</g>\n";
}

// A cut line across a break: small teeth, so the eye reads it as "space left out here".
std::string zigzag(double x0, double x1, double y) {
    std::string d = fmt::format("M{} {}", num(x0), num(y));
    bool up = true;
    for (double x = x0 + ZIGZAG_STEP / 2; x <= x1; x += ZIGZAG_STEP / 2) {
        d += fmt::format(" L{} {}", num(x), num(up ? y - ZIGZAG_DEPTH : y));
        up = !up;
    }
    return d;
}

void panel(std::string& out, const MapPanel& p) {
    const bool io = p.space == AddressSpace::Io;
    out += fmt::format("<g class=\"panel\" data-space=\"{}\" data-axis-top=\"{}\" data-axis-height=\"{}\">\n", io ? "io" : "memory", num(p.axis_top),
                       num(p.axis.height()));
    text(out, p.title);
    for (const auto& h : p.headers) text(out, h.text);

    // Leader lines from a note to the place it is about go under the regions: where they cross a box the
    // box hides them, so no line strikes through a label.
    out += "<g class=\"leaders\">\n";
    // Unassigned BARs that need the same window share one leader: from the window's end to a spine beside
    // their stack, and a short tick from the spine to each box (a fan of lines from one point is unreadable).
    for (std::size_t i = 0; i < p.unassigned.size();) {
        std::size_t end = i + 1;
        while (end < p.unassigned.size() && p.unassigned[end].anchor_x == p.unassigned[i].anchor_x &&
               p.unassigned[end].anchor_y == p.unassigned[i].anchor_y) {
            ++end;
        }
        const double spine = p.unassigned[i].box.x - LEADER_SPINE_GAP;
        const double first_mid = p.unassigned[i].box.y + p.unassigned[i].box.height / 2;
        const double last_mid = p.unassigned[end - 1].box.y + p.unassigned[end - 1].box.height / 2;
        out += fmt::format("<line class=\"unassigned-leader\" data-window=\"{}\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>\n",
                           escape_xml(p.unassigned[i].item->window), num(p.unassigned[i].anchor_x), num(p.unassigned[i].anchor_y), num(spine), num(first_mid));
        if (end - i > 1) out += fmt::format("<line class=\"unassigned-spine\" x1=\"{0}\" y1=\"{1}\" x2=\"{0}\" y2=\"{2}\"/>\n", num(spine), num(first_mid), num(last_mid));
        for (; i < end; ++i) {
            const LaidUnassigned& u = p.unassigned[i];
            const double mid = u.box.y + u.box.height / 2;
            out += fmt::format("<line class=\"unassigned-tick\" data-for=\"{}\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>\n", escape_xml(u.item->key),
                               num(spine), num(mid), num(u.box.x), num(mid));
        }
    }
    for (const auto& o : p.overlaps) {
        if (!o.label_box) continue;
        out += fmt::format("<line class=\"overlap-leader\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>\n", num(o.box.right()), num(o.box.y + o.box.height / 2),
                           num(o.label_box->x), num(o.label_box->y + o.label_box->height / 2));
    }
    out += "</g>\n";

    out += "<g class=\"regions\">\n";
    for (const auto& r : p.regions) region(out, r);
    out += "</g>\n";

    out += "<g class=\"breaks\">\n";
    for (const auto& b : p.breaks) {
        out += fmt::format("<g class=\"break\" data-first=\"{:#x}\" data-last=\"{:#x}\">\n", b.range.first(), b.range.last());
        out += fmt::format("<title>{:#x}-{:#x}: {} with nothing in it, drawn cut short</title>\n", b.range.first(), b.range.last(), size_text(b.range));
        rect(out, b.band);
        out += fmt::format("<path d=\"{}\"/>\n", zigzag(b.band.x, b.band.right(), b.band.y + ZIGZAG_DEPTH));
        out += fmt::format("<path d=\"{}\"/>\n", zigzag(b.band.x, b.band.right(), b.band.bottom()));
        if (b.text) text(out, *b.text);
        out += "</g>\n";
    }
    out += "</g>\n";

    out += "<g class=\"overlaps\">\n";
    for (const auto& o : p.overlaps) {
        out += fmt::format("<g class=\"overlap\" data-first=\"{:#x}\" data-last=\"{:#x}\" data-regions=\"{} {}\">\n<title>{}</title>\n",
                           o.overlap->range.first(), o.overlap->range.last(), escape_xml(o.overlap->first), escape_xml(o.overlap->second),
                           escape_xml(o.overlap->text));
        rect(out, o.box);
        if (o.label_box) rect(out, *o.label_box, "label-box");
        for (const auto& t : o.lines) text(out, t);
        out += "</g>\n";
    }
    out += "</g>\n";

    out += "<g class=\"limits\">\n";
    for (const auto& l : p.limits) {
        const bool crossed = !l.limit->crossed_by.empty();
        out += fmt::format("<g class=\"limit{}\" data-limit=\"{}\" data-address=\"{:#x}\" data-bits=\"{}\"", crossed ? " crossed" : "", to_string(l.limit->kind),
                           l.limit->address, l.limit->bits);
        if (crossed) {
            std::string keys;
            for (const auto& k : l.limit->crossed_by) keys += (keys.empty() ? "" : " ") + k;
            out += fmt::format(" data-crossed-by=\"{}\"", escape_xml(keys));
        }
        out += ">\n";
        out += fmt::format("<title>{} at {:#x}</title>\n", escape_xml(l.limit->label), l.limit->address);
        if (l.beyond) rect(out, *l.beyond, "beyond");
        out += fmt::format("<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>\n", num(l.x_from), num(l.y), num(l.x_to), num(l.y));
        // Where a region crosses the limit: a marker on the line at that region's box.
        for (const auto& r : p.regions) {
            if (std::find(l.limit->crossed_by.begin(), l.limit->crossed_by.end(), r.region->key) == l.limit->crossed_by.end()) continue;
            const double cx = r.box.right() - LIMIT_MARKER - 1;
            out += fmt::format("<path class=\"marker\" d=\"M{} {} L{} {} L{} {} Z\"/>\n", num(cx - LIMIT_MARKER), num(l.y - LIMIT_MARKER), num(cx + LIMIT_MARKER),
                               num(l.y - LIMIT_MARKER), num(cx), num(l.y + LIMIT_MARKER));
        }
        rect(out, l.label_box, "label-box");
        out += fmt::format("<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>\n", num(l.x_to), num(l.y), num(l.label_box.x), num(l.label_box.y + l.label_box.height / 2));
        for (const auto& t : l.lines) text(out, t);
        out += "</g>\n";
    }
    out += "</g>\n";

    out += "<g class=\"unassigned-items\">\n";
    for (const auto& u : p.unassigned) {
        const UnassignedItem& item = *u.item;
        out += fmt::format("<g class=\"unassigned\" data-key=\"{}\" data-kind=\"unassigned\" data-space=\"{}\" data-bdf=\"{}\" data-owner=\"{}\" "
                           "data-driver=\"{}\" data-bar=\"{}\" data-size=\"{}\" data-bytes=\"{}\" data-label=\"{}\" data-type=\"{}\" data-reason=\"{}\" "
                           "data-window=\"{}\"{}>\n",
                           escape_xml(item.key), item.space == AddressSpace::Io ? "io" : "memory", escape_xml(item.bdf), escape_xml(item.owner),
                           escape_xml(item.driver), item.bar, human_size(item.size), item.size,
                           escape_xml(fmt::format("{} {} {}", item.bdf, item.owner, item.what)), escape_xml(item.what), escape_xml(item.reason),
                           escape_xml(item.window),
                           item.device_name.empty() ? std::string() : fmt::format(" data-name=\"{}\"", escape_xml(item.device_name)));
        out += fmt::format("<title>UNASSIGNED {} {} {} ({})&#10;{}</title>\n", escape_xml(item.bdf), escape_xml(item.owner), escape_xml(item.what),
                           human_size(item.size), escape_xml(item.reason));
        rect(out, u.box);
        for (const auto& t : u.lines) text(out, t);
        out += "</g>\n";
    }
    out += "</g>\n";

    out += "<g class=\"ticks\">\n";
    out += fmt::format("<line class=\"axis\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>\n", num(p.axis_x), num(p.axis_top), num(p.axis_x),
                       num(p.axis_top + p.axis.height()));
    for (const auto& t : p.ticks) {
        out += fmt::format("<g class=\"tick-label\" data-address=\"{:#x}\"><line class=\"tick-mark\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>\n", t.address,
                           num(p.axis_x - TICK_MARK), num(t.y), num(p.axis_x), num(t.y));
        text(out, t.text);
        out += "</g>\n";
    }
    out += "</g>\n";
    out += "</g>\n";
}

}  // namespace

std::string render_svg_element(const AddressMap& map, const MapLayout& layout) {
    std::string out;
    out.reserve(64 * 1024);
    out += fmt::format("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"aperture-map\" width=\"{}\" height=\"{}\" viewBox=\"0 0 {} {}\" "
                       "data-guest-phys-bits=\"{}\" data-memory-last=\"{:#x}\">\n",
                       num(layout.width), num(layout.height), num(layout.width), num(layout.height), map.guest_phys_bits, map.memory_last);
    out += fmt::format("<title>aperture address map: {}</title>\n", escape_xml(map.title));
    out += fmt::format("<style>{}</style>\n", STYLESHEET);
    out += DEFS;
    rect(out, {0, 0, layout.width, layout.height}, "background");
    out += "<g class=\"header\">\n";
    for (const auto& t : layout.header) text(out, t);
    out += "</g>\n";
    if (!layout.findings.empty()) {
        out += "<g class=\"findings\">\n";
        // One group per finding: its line, and its fix line when it has one.
        for (std::size_t i = 0; i < layout.findings.size(); ++i) {
            const Finding& f = *layout.finding_of_line[i];
            const bool first_line = i == 0 || layout.finding_of_line[i - 1] != &f;
            if (first_line) {
                out += fmt::format("<g data-finding=\"{}\" data-verdict=\"{}\"><title>{}</title>\n", escape_xml(std::string(to_string(f.kind))),
                                   to_string(f.verdict), escape_xml(f.evidence));
            }
            text(out, layout.findings[i]);
            const bool last_line = i + 1 == layout.findings.size() || layout.finding_of_line[i + 1] != &f;
            if (last_line) out += "</g>\n";
        }
        out += "</g>\n";
    }
    out += "<g class=\"legend\">\n";
    for (const auto& e : layout.legend) {
        rect(out, e.swatch, "swatch " + e.css_class);
        text(out, e.text);
    }
    out += "</g>\n";
    panel(out, layout.memory);
    if (layout.io) panel(out, *layout.io);
    out += "</svg>\n";
    return out;
}

std::string render_svg(const AddressMapInput& input) {
    const AddressMap map = build_address_map(input);
    const MapLayout layout = lay_out_map(map);
    return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + render_svg_element(map, layout);
}

}  // namespace aperture
