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

}  // namespace

void choose_qemu_from_host(PlanOptions& options, const HostSnapshot& host) {
    if (chosen(options.qemu_choice)) return;
    constexpr std::array names{kQemuSystemX86Package};
    if (const QemuRelease* release = release_of(host, names, options.qemu_choice, &find_qemu_release)) options.qemu = release;
}

void choose_seabios_release(PlanOptions& options, const std::string& image_path, const std::optional<SeabiosImage>& image,
                            const HostSnapshot* host) {
    StackChoice& choice = options.seabios_choice;
    if (chosen(choice)) return;
    if (image) {
        switch (image->outcome) {
            case SeabiosImageOutcome::Recognised:
                options.seabios = image->release;
                choice.source = StackChoiceSource::FirmwareImage;
                choice.detail = image_path;
                return;
            // The file is here and is no modelled build: nothing else speaks for it.
            case SeabiosImageOutcome::NotRecognised:
                choice.caveats.push_back({StackCaveatKind::ImageNotRecognised, image_path, ""});
                return;
            case SeabiosImageOutcome::TooLarge:
                choice.caveats.push_back({StackCaveatKind::ImageTooLarge, image_path, ""});
                return;
            // Not examined: the host's package may still say which build it is.
            case SeabiosImageOutcome::NotFound:
                choice.caveats.push_back({StackCaveatKind::ImageNotFound, image_path, ""});
                break;
            case SeabiosImageOutcome::Unreadable:
                choice.caveats.push_back({StackCaveatKind::ImageUnreadable, image_path, image->reason});
                break;
        }
    }
    if (!host) return;
    constexpr std::array names{kSeabiosPackage};
    if (const SeabiosRelease* release = release_of(*host, names, choice, &find_seabios_release)) options.seabios = release;
}

void choose_ovmf_release(PlanOptions& options, const HostSnapshot& host) {
    if (chosen(options.ovmf_choice)) return;
    if (const OvmfRelease* release = release_of(host, kOvmfPackages, options.ovmf_choice, &find_ovmf_release)) options.ovmf = release;
}

void choose_firmware_release(PlanOptions& options, const VmSpec& spec, const HostSnapshot* host) {
    if (effective_firmware(spec, options) == FirmwareKind::Ovmf) {
        if (host) choose_ovmf_release(options, *host);
        return;
    }
    // Only an image the description itself runs as SeaBIOS is one: under --firmware seabios, an OVMF image
    // the command line names is not the SeaBIOS modelled.
    std::optional<SeabiosImage> image;
    const bool names_image = spec.firmware.kind == FirmwareKind::SeaBios && !spec.firmware.image.empty();
    if (names_image && !chosen(options.seabios_choice)) image = examine_seabios_image(spec.firmware.image);
    choose_seabios_release(options, spec.firmware.image, image, host);
}

}  // namespace aperture
