#pragma once
// How deep a JSON text nests, counted before parsing: code that walks a parsed value recurses once per
// level, so each reader of JSON refuses a text deeper than its format needs before it is parsed.

#include <cstddef>
#include <string_view>

namespace aperture {

// The most [ and { open at once, outside strings; malformed text is left for the parser to name.
std::size_t json_nesting(std::string_view text);

}  // namespace aperture
