#include "libvirt/libvirt_version.hpp"

#include <charconv>
#include <fmt/format.h>
#include <vector>

#include "core/error.hpp"

namespace aperture {

LibvirtVersion parse_libvirt_version(const std::string& text) {
    std::vector<unsigned> parts;
    const char* p = text.data();
    const char* end = text.data() + text.size();
    while (p != end) {
        unsigned value = 0;
        const auto [next, ec] = std::from_chars(p, end, value);
        if (ec != std::errc{} || next == p) break;
        parts.push_back(value);
        p = next;
        if (p == end || *p != '.') break;
        ++p;
    }
    if (p != end || parts.size() < 2 || parts.size() > 3) {
        throw InputError(fmt::format("libvirt version '{}': expected MAJOR.MINOR[.MICRO], such as 9.0.0", text));
    }
    return {parts[0], parts[1], parts.size() == 3 ? parts[2] : 0};
}

std::string to_string(const LibvirtVersion& version) {
    return fmt::format("{}.{}.{}", version.major, version.minor, version.micro);
}

}  // namespace aperture
