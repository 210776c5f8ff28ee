#pragma once
// Text inside SVG and HTML: every string that comes from the user or the host (device ids, QEMU's
// messages, file names) is escaped before it lands in markup, in element text and attribute values alike.

#include <string>
#include <string_view>

namespace aperture {

// &, <, >, " and ' as entities; control characters other than tab and newline (not allowed in XML 1.0)
// become U+FFFD, so the output always parses.
std::string escape_xml(std::string_view text);

}  // namespace aperture
