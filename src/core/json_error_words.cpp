#include "core/json_error_words.hpp"

namespace aperture {

std::string json_error_words(const std::string& what) {
    const auto bracket = what.find("] ");
    if (what.starts_with("[json.exception") && bracket != std::string::npos) return what.substr(bracket + 2);
    return what;
}

}  // namespace aperture
