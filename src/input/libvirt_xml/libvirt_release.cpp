#include "input/libvirt_xml/libvirt_release.hpp"

#include <array>

namespace aperture {

namespace {

// Oldest first. 9.0.0: Debian 12's libvirt-daemon-driver-qemu 9.0.0-4+deb12u2, observed with
// `virsh domxml-to-native qemu-argv` (tests/oracle/libvirt/recorded). 10.7.0: its source
// (src/qemu/qemu_domain.c, src/qemu/qemu_validate.c, src/conf/domain_conf.c).
constexpr std::array kReleases{
    LibvirtReaderRelease{{9, 0, 0}, ExplicitUsbDefault::Piix3Uhci, MaxPhysAddrLimit::Ignored, EmulateWithoutBits::Refused},
    LibvirtReaderRelease{{10, 7, 0}, ExplicitUsbDefault::QemuXhci, MaxPhysAddrLimit::Applied, EmulateWithoutBits::HostPhysBitsOff},
};

}  // namespace

const LibvirtReaderRelease& libvirt_reader_release(const LibvirtVersion& version) {
    const LibvirtReaderRelease* chosen = &kReleases.front();
    for (const auto& release : kReleases) {
        if (release.version <= version) chosen = &release;
    }
    return *chosen;
}

LibvirtVersion default_libvirt_version() { return kReleases.front().version; }

}  // namespace aperture
