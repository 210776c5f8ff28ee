#pragma once
// nlohmann::json names its exceptions in its messages ("[json.exception.parse_error.101] parse error at
// line 1, column 9: ..."): a user needs the part after the bracket, never the library's name.

#include <string>

namespace aperture {

// `what` without nlohmann's "[json.exception.KIND.ID] " prefix.
std::string json_error_words(const std::string& what);

}  // namespace aperture
