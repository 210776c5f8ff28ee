#include "host/cpuinfo.hpp"

#include <fstream>
#include <sstream>

namespace aperture {

namespace {
std::string trim(const std::string& s) {
    const auto first = s.find_first_not_of(" \t");
    const auto last = s.find_last_not_of(" \t\r");
    return first == std::string::npos ? "" : s.substr(first, last - first + 1);
}
}  // namespace

std::optional<HostCpu> parse_cpuinfo(const std::string& text) {
    std::istringstream in(text);
    std::string line;
    std::optional<std::string> vendor;
    std::optional<unsigned> bits;
    while (std::getline(in, line)) {
        const auto colon = line.find(':');
        if (colon == std::string::npos) continue;
        const std::string key = trim(line.substr(0, colon));
        const std::string value = trim(line.substr(colon + 1));
        if (key == "vendor_id" && !vendor) vendor = value;
        if (key == "address sizes" && !bits) {
            // "46 bits physical, 48 bits virtual"
            unsigned parsed = 0;
            std::istringstream v(value);
            if (v >> parsed && parsed > 0 && parsed <= 64) bits = parsed;
        }
        if (vendor && bits) break;
    }
    if (!vendor || !bits) return std::nullopt;
    return HostCpu{*vendor, *bits};
}

std::optional<HostCpu> read_host_cpu(const std::string& path) {
    std::ifstream file(path);
    if (!file) return std::nullopt;
    std::stringstream buffer;
    buffer << file.rdbuf();
    return parse_cpuinfo(buffer.str());
}

}  // namespace aperture
