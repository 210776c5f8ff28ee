#pragma once
// `--format html`: one self-contained page, no network: the SVG map inline, a details panel that shows a
// region's owner, BDF, range and size on hover or click (and the windows it sits in), and the text
// report below it. A Content-Security-Policy forbids every fetch, so the page works offline and from
// a file:// URL.

#include <string>

#include "report/address_map.hpp"

namespace aperture {

// `text_report` is shown verbatim (escaped) under the map: the plan's, or check's followed by the plan's.
std::string render_html(const AddressMapInput& input, const std::string& text_report);

}  // namespace aperture
