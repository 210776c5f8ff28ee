#pragma once
// A command line written as one string in a test, split at spaces into the words aperture reads.

#include <sstream>
#include <string>
#include <vector>

namespace aperture::test {

inline std::vector<std::string> words(const std::string& text) {
    std::istringstream in(text);
    std::vector<std::string> out;
    for (std::string w; in >> w;) out.push_back(w);
    return out;
}

}  // namespace aperture::test
