#pragma once
// Where each part of a modelled stack came from: the QEMU release, the machine type, the firmware and
// the firmware's release. A flag beats the firmware image the command line names, which beats the host
// snapshot's installed packages, which beat aperture's defaults (Debian 12's); the machine type and
// the firmware kind come from the VM's description unless a flag overrides them. Values, so reports word
// them and tests compare them.

#include <string>
#include <vector>

namespace aperture {

enum class StackChoiceSource {
    Flag,           // --qemu, --firmware
    CommandLine,    // the QEMU command line (-machine, -bios, pflash)
    DomainXml,      // the libvirt domain (<type machine=...>, <loader>, <os firmware=...>)
    FirmwareImage,  // the -bios / pflash / <loader> image: SeaBIOS's build VERSION in it, OVMF's digest
    HostPackages,   // the host snapshot's installed package (dpkg)
    Default,        // nothing chose: aperture's default, or QEMU's
};
// "flag", "command-line", "domain-xml", "firmware-image", "host-packages", "default"
const char* to_string(StackChoiceSource source);

// Something that had a say but did not choose, and why, or what the choice leaves out; a report words it
// with the part (and for an image, the firmware) it concerns.
enum class StackCaveatKind {
    ImageNotFound,           // the named image is not here: its build is unknown
    ImageUnreadable,         // it exists but could not be read (detail: the system's words)
    ImageTooLarge,           // larger than any image of its firmware: not read
    ImageNotRecognised,      // read, but no modelled build (SeaBIOS: no VERSION; OVMF: no known digest): the default stays
    ImageSmmBuild,           // the recognised OVMF image is a build requiring SMM: planned as the build without it
    HostPackageNotModelled,  // the host's package is a release aperture does not model (detail: its version)
    HostPackageAbsent,       // the host snapshot has the dpkg database but not this package installed
    HostPackagesUnknown,     // the host has no dpkg database (not a Debian-family host)
    HostPackagesNotRecorded, // the host snapshot was saved before aperture recorded packages
};
// "image-not-found", "image-unreadable", "image-too-large", "image-not-recognised", "image-smm-build",
// "host-package-not-modelled", "host-package-absent", "host-packages-unknown", "host-packages-not-recorded"
const char* to_string(StackCaveatKind kind);

struct StackCaveat {
    StackCaveatKind kind = StackCaveatKind::ImageNotFound;
    std::string subject;  // the image's path, or the package's name
    std::string detail;   // ImageUnreadable: why; HostPackageNotModelled: the package's version
    friend bool operator==(const StackCaveat&, const StackCaveat&) = default;
};

struct StackChoice {
    StackChoiceSource source = StackChoiceSource::Default;
    // What chose, as the user wrote or can find it: "--qemu 10.0", "argument 1 (-machine q35)", the
    // image's path, "qemu-system-x86 1:10.0.2+ds-2+deb13u1~bpo12+1"; empty for a default.
    std::string detail;
    std::vector<StackCaveat> caveats;  // in the order the sources were consulted
    friend bool operator==(const StackChoice&, const StackChoice&) = default;
};

// The four choices of an x86 plan's stack.
struct StackProvenance {
    StackChoice qemu;
    StackChoice machine;
    StackChoice firmware;          // the kind: SeaBIOS or OVMF
    StackChoice firmware_release;  // that firmware's release
    friend bool operator==(const StackProvenance&, const StackProvenance&) = default;
};

}  // namespace aperture
