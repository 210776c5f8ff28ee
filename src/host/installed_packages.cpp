#include "host/installed_packages.hpp"

#include <algorithm>

#include "host/kernel_text.hpp"

namespace aperture {

namespace {

// The fields of one stanza aperture reads, with the line each came from, and the first line dpkg would
// not have written (reported only when the stanza turns out to be one aperture reads).
struct Stanza {
    std::size_t first_line = 0;
    std::optional<std::string> package;
    std::optional<std::string> status;
    std::optional<std::string> version;
    std::size_t malformed_line = 0;  // 0: none
};

bool is_wanted(std::span<const std::string_view> wanted, const std::string& name) {
    return std::find(wanted.begin(), wanted.end(), name) != wanted.end();
}

// deb-control(5): a field is "Name: value"; lines starting with a space or tab continue the previous field.
void read_field(Stanza& stanza, std::string_view line, std::size_t number) {
    if (line.front() == ' ' || line.front() == '\t') return;
    const auto colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) {
        if (stanza.malformed_line == 0) stanza.malformed_line = number;
        return;
    }
    const std::string_view name = line.substr(0, colon);
    std::string value(trim_blanks(line.substr(colon + 1)));
    if (name == "Package") stanza.package = std::move(value);
    else if (name == "Status") stanza.status = std::move(value);
    else if (name == "Version") stanza.version = std::move(value);
}

void finish_stanza(const Stanza& stanza, std::span<const std::string_view> wanted, const std::string& source_name,
                   std::vector<InstalledPackage>& packages) {
    if (!stanza.package || !is_wanted(wanted, *stanza.package)) return;
    if (stanza.malformed_line != 0) {
        throw kernel_text_error(source_name, stanza.malformed_line, "expected a 'Field: value' line in the stanza of " + *stanza.package);
    }
    if (!stanza.status) {
        throw kernel_text_error(source_name, stanza.first_line, "the stanza of " + *stanza.package + " has no Status field");
    }
    InstalledPackage package{*stanza.package, *stanza.status, stanza.version.value_or("")};
    if (package.installed() && package.version.empty()) {
        throw kernel_text_error(source_name, stanza.first_line, "the installed package " + package.name + " has no Version field");
    }
    packages.push_back(std::move(package));
}

}  // namespace

bool InstalledPackage::installed() const {
    // dpkg(1): Status is "want flag state"; the files are present in states from "unpacked" on, and
    // only "installed" is configured and complete.
    const auto words = split_words(status);
    return words.size() == 3 && words[2] == "installed";
}

const InstalledPackage* HostSoftware::installed(std::string_view name) const {
    if (!packages) return nullptr;
    for (const auto& package : *packages) {
        if (package.name == name && package.installed()) return &package;
    }
    return nullptr;
}

std::vector<InstalledPackage> parse_dpkg_status(std::string_view text, const std::string& source_name,
                                                std::span<const std::string_view> wanted) {
    std::vector<InstalledPackage> packages;
    Stanza stanza;
    std::size_t number = 0;
    for (const std::string_view raw : split_lines(text)) {
        ++number;
        const std::string_view line = raw.ends_with('\r') ? raw.substr(0, raw.size() - 1) : raw;
        if (trim_blanks(line).empty()) {
            finish_stanza(stanza, wanted, source_name, packages);
            stanza = Stanza{};
            continue;
        }
        if (stanza.first_line == 0) stanza.first_line = number;
        read_field(stanza, line, number);
    }
    finish_stanza(stanza, wanted, source_name, packages);
    return packages;
}

HostSoftware read_host_software(const HostFiles& files) {
    HostSoftware software;
    if (const auto release = files.read(kKernelReleaseFile, kKernelAttributeMaxBytes)) {
        const std::string_view value = trim_blanks(*release);
        if (!value.empty()) software.kernel_release = std::string(value);
    }
    if (const auto status = files.read(kDpkgStatusFile, kDpkgStatusMaxBytes)) {
        software.packages = parse_dpkg_status(*status, files.describe(kDpkgStatusFile));
    }
    return software;
}

std::string upstream_version(std::string_view debian_version) {
    std::string_view version = debian_version;
    // deb-version(7): [epoch:]upstream_version[-debian_revision]
    if (const auto colon = version.find(':'); colon != std::string_view::npos) version = version.substr(colon + 1);
    if (const auto dash = version.rfind('-'); dash != std::string_view::npos) version = version.substr(0, dash);
    // Debian marks a repacked upstream tarball with "+dfsg"/"+ds" and a pre-release with "~".
    if (const auto suffix = version.find_first_of("+~"); suffix != std::string_view::npos) version = version.substr(0, suffix);
    return std::string(version);
}

}  // namespace aperture
