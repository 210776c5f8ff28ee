#include "plan/stack_choice.hpp"

namespace aperture {

const char* to_string(StackChoiceSource source) {
    switch (source) {
        case StackChoiceSource::Flag: return "flag";
        case StackChoiceSource::CommandLine: return "command-line";
        case StackChoiceSource::DomainXml: return "domain-xml";
        case StackChoiceSource::FirmwareImage: return "firmware-image";
        case StackChoiceSource::HostPackages: return "host-packages";
        case StackChoiceSource::Default: return "default";
    }
    return "default";
}

const char* to_string(StackCaveatKind kind) {
    switch (kind) {
        case StackCaveatKind::ImageNotFound: return "image-not-found";
        case StackCaveatKind::ImageUnreadable: return "image-unreadable";
        case StackCaveatKind::ImageTooLarge: return "image-too-large";
        case StackCaveatKind::ImageNotRecognised: return "image-not-recognised";
        case StackCaveatKind::ImageSmmBuild: return "image-smm-build";
        case StackCaveatKind::HostPackageNotModelled: return "host-package-not-modelled";
        case StackCaveatKind::HostPackageAbsent: return "host-package-absent";
        case StackCaveatKind::HostPackagesUnknown: return "host-packages-unknown";
        case StackCaveatKind::HostPackagesNotRecorded: return "host-packages-not-recorded";
    }
    return "";
}

}  // namespace aperture
