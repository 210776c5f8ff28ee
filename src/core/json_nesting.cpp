#include "core/json_nesting.hpp"

#include <algorithm>

namespace aperture {

std::size_t json_nesting(std::string_view text) {
    std::size_t open = 0;
    std::size_t deepest = 0;
    bool in_string = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (in_string) {
            if (c == '\\') ++i;  // the escaped character cannot end the string
            else if (c == '"') in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            deepest = std::max(deepest, ++open);
        } else if ((c == ']' || c == '}') && open > 0) {
            --open;
        }
    }
    return deepest;
}

}  // namespace aperture
