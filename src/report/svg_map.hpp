#pragma once
// `--format svg`: the plan's address map as one standalone SVG document. Every region is a <g> carrying
// its identity and exact range as data attributes (data-kind, data-bdf, data-bar, data-first, data-last,
// data-size, ...) so scripts, tests and the HTML page can read the picture without parsing its text.

#include <string>
#include <vector>

#include "report/address_map.hpp"
#include "report/map_layout.hpp"

namespace aperture {

// The SVG element alone (no XML declaration), for embedding in HTML.
std::string render_svg_element(const AddressMap& map, const MapLayout& layout);

// A standalone SVG document of the plan (findings drawn too when `findings` is given).
std::string render_svg(const AddressMapInput& input);

}  // namespace aperture
