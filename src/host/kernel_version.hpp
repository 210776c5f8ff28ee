#pragma once
// A kernel's upstream version from its release string (`uname -r`, /proc/sys/kernel/osrelease): the
// major and minor numbers that say which upstream changes it has. The distribution's part after them
// ("-28-amd64", "+deb12-amd64", "-427.13.1.el9_4.x86_64") is ignored, and with it anything the
// distribution backported.

#include <compare>
#include <optional>
#include <string_view>

namespace aperture {

struct KernelVersion {
    unsigned major = 0;
    unsigned minor = 0;

    friend auto operator<=>(const KernelVersion&, const KernelVersion&) = default;
};

// "6.10.0-rc1" -> 6.10, "6.12.38+deb12-amd64" -> 6.12; nullopt unless the release starts with
// "MAJOR.MINOR" followed by its end or a character that is not a digit.
std::optional<KernelVersion> parse_kernel_version(std::string_view release);

}  // namespace aperture
