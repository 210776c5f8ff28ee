#include "firmware/seabios/seabios_image.hpp"

namespace aperture {

namespace {

// Characters of a Debian or upstream version string: a match followed or preceded by one of these is
// part of a longer version ("1.16.2-debian-1.16.2-1" inside "...-10").
bool is_version_character(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '.' || c == '-' || c == '+' ||
           c == '~' || c == '_';
}

bool holds_whole(std::string_view bytes, std::string_view version) {
    for (auto at = bytes.find(version); at != std::string_view::npos; at = bytes.find(version, at + 1)) {
        const bool starts = at == 0 || !is_version_character(bytes[at - 1]);
        const std::size_t end = at + version.size();
        const bool ends = end == bytes.size() || !is_version_character(bytes[end]);
        if (starts && ends) return true;
    }
    return false;
}

}  // namespace

const SeabiosRelease* seabios_release_in(std::string_view bytes) {
    for (const auto& release : kSeabiosReleases) {
        if (holds_whole(bytes, release.build_version)) return &release;
        if (!release.backport_build_version.empty() && holds_whole(bytes, release.backport_build_version)) return &release;
    }
    return nullptr;
}

SeabiosImage examine_seabios_image(const std::string& path) {
    FirmwareImageFile file = read_firmware_image(path, kMaxSeabiosImageSize);
    if (file.outcome != FirmwareImageOutcome::NotRecognised) return SeabiosImage{file.outcome, nullptr, std::move(file.reason)};
    if (const SeabiosRelease* release = seabios_release_in(file.bytes)) return SeabiosImage{FirmwareImageOutcome::Recognised, release, ""};
    return SeabiosImage{FirmwareImageOutcome::NotRecognised, nullptr, ""};
}

}  // namespace aperture
