#include "firmware/xen/hvmloader_release.hpp"

#include <sstream>

namespace aperture {

namespace {

struct ReleaseName {
    HvmloaderRelease release;
    const char* version;
    const char* aliases[3];
};

constexpr ReleaseName kReleases[] = {
    {HvmloaderRelease::Xen4_17_0, "4.17.0", {"4.17.0", nullptr, nullptr}},
    {HvmloaderRelease::Xen4_17_7, "4.17.7", {"4.17", "4.17.7", nullptr}},
    {HvmloaderRelease::Xen4_22_0, "4.22.0", {"4.22", "4.22.0", nullptr}},
};

const ReleaseName& entry(HvmloaderRelease release) {
    for (const auto& r : kReleases) {
        if (r.release == release) return r;
    }
    return kReleases[1];
}

}  // namespace

std::string model_name(HvmloaderRelease release) { return std::string("hvmloader-") + entry(release).version; }
std::string release_tag(HvmloaderRelease release) { return std::string("RELEASE-") + entry(release).version; }

std::optional<HvmloaderRelease> parse_hvmloader_release(const std::string& text) {
    std::string t = text;
    if (t.starts_with("hvmloader-")) t = t.substr(10);
    if (t.starts_with("RELEASE-")) t = t.substr(8);
    for (const auto& r : kReleases) {
        for (const char* alias : r.aliases) {
            if (alias && t == alias) return r.release;
        }
    }
    // Any other release whose pci.c is one of the three (compared blob by blob across the tags):
    // 4.17.1-4.17.3 and 4.18.0 have 4.17.0's; 4.17.4+, 4.18.1+, 4.19.x and 4.20.x 4.17.7's; 4.21.x 4.22.0's.
    unsigned minor = 0, patch = 0;
    char dot = 0;
    std::istringstream in(t);
    if (!(in.get() == '4' && in.get() == '.' && in >> minor >> dot >> patch && dot == '.' && in.peek() == EOF)) return std::nullopt;
    if ((minor == 17 && patch <= 3) || (minor == 18 && patch == 0)) return HvmloaderRelease::Xen4_17_0;
    if (minor == 17 || minor == 18 || minor == 19 || minor == 20) return HvmloaderRelease::Xen4_17_7;
    if (minor == 21 || (minor == 22 && patch == 0)) return HvmloaderRelease::Xen4_22_0;
    return std::nullopt;
}

std::vector<std::string> hvmloader_release_names() {
    std::vector<std::string> names;
    for (const auto& r : kReleases) names.push_back(r.version);
    return names;
}

bool relocates_huge_bars(HvmloaderRelease release) { return release != HvmloaderRelease::Xen4_17_0; }
bool places_platform_bar_at_top(HvmloaderRelease release) { return release == HvmloaderRelease::Xen4_22_0; }
bool supports_qemu_traditional(HvmloaderRelease release) { return release != HvmloaderRelease::Xen4_22_0; }

}  // namespace aperture
