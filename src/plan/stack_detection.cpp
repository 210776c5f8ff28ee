#include "plan/stack_detection.hpp"

#include <array>
#include <span>

namespace aperture {

namespace {

// Debian 13 splits OVMF: ovmf-generic is the same edk2 release built without SMM.
constexpr std::array kOvmfPackages{kOvmfPackage, kOvmfGenericPackage};

bool chosen(const StackChoice& choice) { return choice.source != StackChoiceSource::Default; }

// The first of `names` the host has installed; nullptr, with the caveat saying why, when there is none.
const InstalledPackage* installed_package(const HostSnapshot& host, std::span<const std::string_view> names, StackChoice& choice) {
    if (!host.software || !host.software->packages) {
        const auto kind = host.software ? StackCaveatKind::HostPackagesUnknown : StackCaveatKind::HostPackagesNotRecorded;
        choice.caveats.push_back({kind, std::string(names.front()), ""});
        return nullptr;
    }
    for (const auto name : names) {
        if (const InstalledPackage* package = host.software->installed(name)) return package;
    }
    choice.caveats.push_back({StackCaveatKind::HostPackageAbsent, std::string(names.front()), ""});
    return nullptr;
}

// The release the installed package is, found by its upstream version in a release table; nullptr, with
// the caveat, for a release aperture does not model. Caveats of sources consulted before stay.
template <class Release>
const Release* release_of(const HostSnapshot& host, std::span<const std::string_view> names, StackChoice& choice,
                          const Release* (*find)(std::string_view)) {
    const InstalledPackage* package = installed_package(host, names, choice);
    if (!package) return nullptr;
    const Release* release = find(upstream_version(package->version));
    if (!release) {
        choice.caveats.push_back({StackCaveatKind::HostPackageNotModelled, package->name, package->version});
        return nullptr;
    }
    choice.source = StackChoiceSource::HostPackages;
    choice.detail = package->name + " " + package->version;
    return release;
}

// What an examined image does to the choice.
enum class ImageVerdict {
    Chose,  // a modelled build: the image chose
    Kept,   // the file is here and is no modelled build: nothing else speaks for it, the default stays
    Open,   // not examined (absent, unreadable): the host's package may still say which build it is
};

// Records what the image at `path` said (`reason`: why it could not be read) and what follows.
ImageVerdict weigh_image(StackChoice& choice, const std::string& path, FirmwareImageOutcome outcome, const std::string& reason) {
    switch (outcome) {
        case FirmwareImageOutcome::Recognised:
            choice.source = StackChoiceSource::FirmwareImage;
            choice.detail = path;
            return ImageVerdict::Chose;
        case FirmwareImageOutcome::NotRecognised:
            choice.caveats.push_back({StackCaveatKind::ImageNotRecognised, path, ""});
            return ImageVerdict::Kept;
        case FirmwareImageOutcome::TooLarge:
            choice.caveats.push_back({StackCaveatKind::ImageTooLarge, path, ""});
            return ImageVerdict::Kept;
        case FirmwareImageOutcome::NotFound:
            choice.caveats.push_back({StackCaveatKind::ImageNotFound, path, ""});
            return ImageVerdict::Open;
        case FirmwareImageOutcome::Unreadable:
            choice.caveats.push_back({StackCaveatKind::ImageUnreadable, path, reason});
            return ImageVerdict::Open;
    }
    return ImageVerdict::Open;
}

}  // namespace

void choose_qemu_from_host(PlanOptions& options, const HostSnapshot& host) {
    if (chosen(options.qemu_choice)) return;
    constexpr std::array names{kQemuSystemX86Package, kPveQemuKvmPackage};
    if (const QemuRelease* release = release_of(host, names, options.qemu_choice, &find_qemu_release)) options.qemu = release;
}

void choose_seabios_release(PlanOptions& options, const std::string& image_path, const std::optional<SeabiosImage>& image,
                            const HostSnapshot* host) {
    StackChoice& choice = options.seabios_choice;
    if (chosen(choice)) return;
    if (image) {
        switch (weigh_image(choice, image_path, image->outcome, image->reason)) {
            case ImageVerdict::Chose: options.seabios = image->release; return;
            case ImageVerdict::Kept: return;
            case ImageVerdict::Open: break;
        }
    }
    if (!host) return;
    constexpr std::array names{kSeabiosPackage};
    if (const SeabiosRelease* release = release_of(*host, names, choice, &find_seabios_release)) options.seabios = release;
}

void choose_ovmf_release(PlanOptions& options, const std::string& image_path, const std::optional<OvmfImage>& image,
                         const HostSnapshot* host) {
    StackChoice& choice = options.ovmf_choice;
    if (chosen(choice)) return;
    if (image) {
        switch (weigh_image(choice, image_path, image->outcome, image->reason)) {
            case ImageVerdict::Chose:
                options.ovmf = image->release;
                // The model has no SMM: an SMM build is planned as its release's build without it.
                if (image->known->smm == OvmfSmm::Required) choice.caveats.push_back({StackCaveatKind::ImageSmmBuild, image_path, ""});
                return;
            case ImageVerdict::Kept: return;
            case ImageVerdict::Open: break;
        }
    }
    if (!host) return;
    if (const OvmfRelease* release = release_of(*host, kOvmfPackages, choice, &find_ovmf_release)) options.ovmf = release;
}

void choose_firmware_release(PlanOptions& options, const VmSpec& spec, const HostSnapshot* host) {
    // Only an image the description itself runs as this firmware is one: under --firmware seabios, an OVMF
    // image the command line names is not the SeaBIOS modelled, nor a SeaBIOS image under --firmware ovmf.
    const FirmwareKind kind = effective_firmware(spec, options);
    const bool names_image = spec.firmware.kind == kind && !spec.firmware.image.empty();
    if (kind == FirmwareKind::Ovmf) {
        std::optional<OvmfImage> image;
        if (names_image && !chosen(options.ovmf_choice)) image = examine_ovmf_image(spec.firmware.image);
        choose_ovmf_release(options, spec.firmware.image, image, host);
        return;
    }
    std::optional<SeabiosImage> image;
    if (names_image && !chosen(options.seabios_choice)) image = examine_seabios_image(spec.firmware.image);
    choose_seabios_release(options, spec.firmware.image, image, host);
}

}  // namespace aperture
