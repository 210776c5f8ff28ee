#include "cli/output_file.hpp"

#include <cstdio>
#include <fmt/format.h>
#include <fstream>

#include "core/error.hpp"

namespace aperture::cli {

void write_file_atomically(const std::string& option, const std::string& path, const std::string& text) {
    const std::string temporary = path + ".tmp";
    {
        std::ofstream file(temporary, std::ios::binary | std::ios::trunc);
        if (!file) throw InputError(fmt::format("{} {}: cannot write there", option, path));
        file << text;
        file.close();
        if (!file) {
            std::remove(temporary.c_str());
            throw InputError(fmt::format("{} {}: writing failed", option, path));
        }
    }
    if (std::rename(temporary.c_str(), path.c_str()) != 0) {
        std::remove(temporary.c_str());
        throw InputError(fmt::format("{} {}: cannot replace the file", option, path));
    }
}

}  // namespace aperture::cli
