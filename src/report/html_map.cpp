#include "report/html_map.hpp"

#include <fmt/format.h>

#include "report/map_layout.hpp"
#include "report/markup.hpp"
#include "report/overview_strip.hpp"
#include "report/svg_map.hpp"

namespace aperture {

namespace {

// Only inline style and script, nothing fetched: the page must never touch the network.
constexpr const char* CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:";

constexpr const char* PAGE_STYLE = R"page(
* { box-sizing: border-box; }
body { margin: 0; font-family: 'DejaVu Sans', 'Liberation Sans', sans-serif; color: #1d1d1d; background: #f4f4f2; }
header { padding: 12px 20px 4px; }
header h1 { font-size: 18px; margin: 0 0 4px; }
header p { margin: 2px 0; font-size: 13px; }
main { display: flex; align-items: flex-start; gap: 12px; padding: 8px 20px; }
#map-pane { flex: 1 1 auto; overflow: auto; max-height: calc(100vh - 150px); background: #ffffff; border: 1px solid #cccccc; }
#overview { position: sticky; top: 0; z-index: 2; background: #f4f4f2; padding: 4px 20px 0; }
#overview .strip { position: relative; height: 36px; border: 1px solid #cccccc; cursor: pointer; }
#overview svg { display: block; width: 100%; height: 100%; }
#overview .background { fill: #f6f6f6; }
#overview .ram { fill: #9fd08f; }
#overview .reserved { fill: #bbbbbb; }
#overview .window { fill: #a9c6ea; }
#overview .bar { fill: #f0cf55; }
#overview .bar.passthrough { fill: #d96c00; }
#overview .unassigned, #overview .limit { fill: #b00020; }
#overview .overlap { fill: #b00020; fill-opacity: 0.5; }
#overview rect[data-target]:hover { stroke: #0b57d0; stroke-width: 2; vector-effect: non-scaling-stroke; }
#overview .viewport { position: absolute; top: -2px; bottom: -2px; border: 2px solid #0b57d0; background: rgba(11, 87, 208, 0.08); pointer-events: none; }
#overview .ticks { position: relative; height: 15px; overflow: hidden; font: 11px 'DejaVu Sans Mono', monospace; color: #555555; }
#overview .ticks span { position: absolute; top: 1px; transform: translateX(-50%); white-space: nowrap; }
#overview .ticks span:first-child { transform: none; }
#map-pane svg { display: block; width: 100%; height: auto; }
@media (max-width: 1500px) {
  main { flex-direction: column; }
  #map-pane { width: 100%; max-height: none; }
  #details { position: static; flex: none; width: 100%; }
}
#details { flex: 0 0 300px; position: sticky; top: 8px; background: #ffffff; border: 1px solid #cccccc; padding: 10px 14px; font-size: 13px; }
#details h2 { font-size: 15px; margin: 0 0 8px; }
#details dl { display: grid; grid-template-columns: max-content 1fr; gap: 3px 10px; margin: 0; }
#details dt { color: #555555; }
#details dd { margin: 0; font-family: 'DejaVu Sans Mono', monospace; overflow-wrap: anywhere; }
#details .hint { color: #666666; }
#details .bad { color: #b00020; font-weight: bold; }
#report { padding: 4px 20px 20px; }
#report h2 { font-size: 15px; }
#report pre { background: #ffffff; border: 1px solid #cccccc; padding: 10px; overflow: auto; font-size: 12px; }
)page";

// Reads the data attributes the SVG writer puts on every region; writes only textContent, never markup.
constexpr const char* PAGE_SCRIPT = R"page(
(function () {
  'use strict';
  var svg = document.querySelector('svg.aperture-map');
  var list = document.getElementById('details-list');
  var hint = document.getElementById('details-hint');
  var pinned = null;
  var FIELDS = [
    ['label', 'Region'], ['type', 'Type'], ['owner', 'Owner'], ['name', 'Device'], ['driver', 'Driver'], ['bdf', 'BDF'],
    ['bar', 'BAR'], ['range', 'Range'], ['size', 'Size'], ['reason', 'Why unassigned'], ['note', 'Note']
  ];
  function byKey(key) { return key ? svg.querySelector('[data-key="' + CSS.escape(key) + '"]') : null; }
  function value(el, field) {
    var d = el.dataset;
    if (field === 'range') return d.first ? d.first + ' \u2013 ' + d.last : (d.kind === 'unassigned' ? 'none: not assigned' : '');
    if (field === 'bar') return d.bar === undefined || d.bar === '-1' ? '' : (d.bar === '6' ? 'ROM' : 'BAR' + d.bar);
    return d[field] || '';
  }
  function row(term, text, bad) {
    var dt = document.createElement('dt');
    dt.textContent = term;
    var dd = document.createElement('dd');
    dd.textContent = text;
    if (bad) dd.className = 'bad';
    list.appendChild(dt);
    list.appendChild(dd);
  }
  function ancestors(el) {
    var chain = [];
    var parent = byKey(el.dataset.parent || el.dataset.window);
    while (parent && chain.length < 16) { chain.push(parent); parent = byKey(parent.dataset.parent); }
    return chain;
  }
  function show(el) {
    list.replaceChildren();
    hint.hidden = true;
    FIELDS.forEach(function (f) {
      var v = value(el, f[0]);
      if (v) row(f[1], v, f[0] === 'reason');
    });
    if (el.dataset.kind === 'unassigned') row('Status', 'UNASSIGNED', true);
    if (el.dataset.crossesLimit) row('Limit', 'reaches past a limit line', true);
    var chain = ancestors(el);
    if (chain.length) row(el.dataset.kind === 'unassigned' ? 'Needed room in' : 'Inside', chain.map(function (p) { return p.dataset.label; }).join(' \u2190 '));
  }
  function clearMarks() {
    svg.querySelectorAll('.selected, .ancestor').forEach(function (e) { e.classList.remove('selected', 'ancestor'); });
  }
  function select(el) {
    clearMarks();
    pinned = el;
    if (!el) { list.replaceChildren(); hint.hidden = false; return; }
    el.classList.add('selected');
    ancestors(el).forEach(function (p) { p.classList.add('ancestor'); });
    show(el);
  }
  function target(event) { return event.target.closest('[data-kind]'); }
  svg.addEventListener('mouseover', function (event) { var el = target(event); if (el && !pinned) show(el); });
  svg.addEventListener('click', function (event) { select(target(event)); });
  document.addEventListener('keydown', function (event) { if (event.key === 'Escape') select(null); });
  // Find a device in a large map: every region whose label, owner, driver or BDF contains the text.
  var find = document.getElementById('find');
  var count = document.getElementById('find-count');
  find.addEventListener('input', function () {
    var text = find.value.trim().toLowerCase();
    var first = null;
    var n = 0;
    svg.querySelectorAll('[data-kind]').forEach(function (el) {
      var d = el.dataset;
      var hit = text !== '' && [d.label, d.owner, d.name, d.driver, d.bdf].some(function (v) { return v && v.toLowerCase().indexOf(text) >= 0; });
      el.classList.toggle('match', hit);
      if (hit) { n += 1; if (!first) first = el; }
    });
    count.textContent = text === '' ? '' : n + ' found';
    if (first) first.scrollIntoView({block: 'center', inline: 'nearest'});
  });
  // The overview strip: the map's memory axis squeezed into the page's width. A click on a mark selects
  // its region and brings it to the middle of the view; a click elsewhere goes to that address; the frame
  // shows which stretch of the axis is in view.
  var overview = document.getElementById('overview');
  var strip = overview.querySelector('.strip');
  var frame = strip.querySelector('.viewport');
  var pane = document.getElementById('map-pane');
  var mapTop = parseFloat(strip.dataset.mapTop);
  var mapHeight = parseFloat(strip.dataset.mapHeight);
  var boxHeight = svg.viewBox.baseVal.height;
  function toMap(clientY) { var r = svg.getBoundingClientRect(); return (clientY - r.top) * boxHeight / r.height; }
  function toClient(y) { var r = svg.getBoundingClientRect(); return r.top + y * r.height / boxHeight; }
  function band() {
    var p = pane.getBoundingClientRect();
    return [Math.max(p.top, overview.getBoundingClientRect().bottom, 0), Math.min(p.bottom, window.innerHeight)];
  }
  function clamp01(f) { return Math.min(1, Math.max(0, f)); }
  function showFrame() {
    var b = band();
    var from = clamp01((toMap(b[0]) - mapTop) / mapHeight);
    var to = clamp01((toMap(b[1]) - mapTop) / mapHeight);
    frame.style.left = (from * 100) + '%';
    frame.style.width = (Math.max(0, to - from) * 100) + '%';
  }
  function centre(clientY) {
    var b = band();
    var delta = clientY - (b[0] + b[1]) / 2;
    if (pane.scrollHeight > pane.clientHeight + 1) pane.scrollTop += delta; else window.scrollBy(0, delta);
    showFrame();
  }
  strip.addEventListener('click', function (event) {
    var mark = event.target.closest('[data-target]');
    var el = mark ? byKey(mark.dataset.target) : null;
    if (el) {
      select(el);
      var r = el.getBoundingClientRect();
      centre((r.top + r.bottom) / 2);
      return;
    }
    var s = strip.getBoundingClientRect();
    centre(toClient(mapTop + clamp01((event.clientX - s.left) / s.width) * mapHeight));
  });
  pane.addEventListener('scroll', showFrame);
  window.addEventListener('scroll', showFrame);
  window.addEventListener('resize', showFrame);
  showFrame();
})();
)page";

}  // namespace

std::string render_html(const AddressMapInput& input, const std::string& text_report) {
    const AddressMap map = build_address_map(input);
    const MapLayout layout = lay_out_map(map);
    std::string out;
    out.reserve(128 * 1024);
    out += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
    out += fmt::format("<meta http-equiv=\"Content-Security-Policy\" content=\"{}\">\n", CONTENT_SECURITY_POLICY);
    out += fmt::format("<title>aperture: {}</title>\n<style>{}</style>\n</head>\n<body>\n", escape_xml(map.title), PAGE_STYLE);
    // The map itself carries the title, outcome and findings; the page header only says how to use it.
    out += "<header>\n<h1>aperture address map</h1>\n";
    out += "<p>Hover over a region to see what it is; click to keep it (Esc to let go). The strip is the whole address space on the "
           "map's scale: click a mark to go to it (red: what fails). The full report is below the map. "
           "<label>Find <input id=\"find\" type=\"search\" placeholder=\"BDF, id or driver\" size=\"18\"></label> <span id=\"find-count\"></span></p>\n"
           "</header>\n";
    out += render_overview(lay_out_overview(layout));
    out += "<main>\n<div id=\"map-pane\">\n";
    out += render_svg_element(map, layout);
    out += "</div>\n<aside id=\"details\" aria-live=\"polite\">\n<h2>Details</h2>\n";
    out += "<p id=\"details-hint\" class=\"hint\">Hover or click a RAM range, window or BAR.</p>\n<dl id=\"details-list\"></dl>\n</aside>\n</main>\n";
    out += fmt::format("<section id=\"report\">\n<h2>Report</h2>\n<pre>{}</pre>\n</section>\n", escape_xml(text_report));
    out += fmt::format("<script>{}</script>\n</body>\n</html>\n", PAGE_SCRIPT);
    return out;
}

}  // namespace aperture
