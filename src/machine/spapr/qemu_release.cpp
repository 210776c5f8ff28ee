#include "machine/spapr/qemu_release.hpp"

#include <array>

namespace aperture::spapr {

namespace {

// hw/ppc/spapr.c DEFINE_SPAPR_MACHINE(X_Y, "X.Y", true) in each release names its newest machine type.
constexpr std::array kReleases{
    ReleaseInfo{QemuRelease::V7_2, "7.2", "qemu-7.2", {7, 2}, true, true},
    ReleaseInfo{QemuRelease::V8_1, "8.1", "qemu-8.1", {8, 1}, true, false},
    ReleaseInfo{QemuRelease::V8_2, "8.2", "qemu-8.2", {8, 2}, false, false},
};

}  // namespace

const ReleaseInfo& release_info(QemuRelease release) {
    for (const auto& info : kReleases) {
        if (info.release == release) return info;
    }
    return kReleases.front();
}

std::optional<QemuRelease> parse_release(std::string_view text) {
    for (const auto& info : kReleases) {
        if (info.name == text) return info.release;
    }
    return std::nullopt;
}

std::vector<std::string> release_names() {
    std::vector<std::string> names;
    for (const auto& info : kReleases) names.emplace_back(info.name);
    return names;
}

}  // namespace aperture::spapr
