#pragma once
// A libvirt release number (major.minor.micro), the key by which aperture picks the behaviour of the
// libvirt that will start the VM: libvirt changes formulas such as the memlock limit between releases.

#include <compare>
#include <string>

namespace aperture {

struct LibvirtVersion {
    unsigned major = 0;
    unsigned minor = 0;
    unsigned micro = 0;

    friend auto operator<=>(const LibvirtVersion&, const LibvirtVersion&) = default;
};

// "9.0.0" (also "10.7", taken as 10.7.0); throws InputError naming `text` when it is not a version.
LibvirtVersion parse_libvirt_version(const std::string& text);
std::string to_string(const LibvirtVersion& version);  // "9.0.0"

}  // namespace aperture
