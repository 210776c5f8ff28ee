#include "report/stack_words.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "firmware/ovmf/ovmf_image.hpp"
#include "firmware/seabios/seabios_image.hpp"
#include "host/installed_packages.hpp"

namespace aperture {

namespace {

// default_qemu_release(), default_seabios_release(), default_ovmf_release(): Debian 12's.
constexpr const char* kDefaultRelease = "aperture's default (Debian 12's release)";
// hw/i386/pc_piix.c: "pc" is qemu-system-x86_64's default machine.
constexpr const char* kDefaultMachine = "QEMU's default machine 'pc' (no machine type named)";
// hw/i386/pc_sysfw.c: without -bios or pflash QEMU loads bios-256k.bin from its firmware path.
constexpr const char* kDefaultFirmware = "QEMU's bios-256k.bin (no -bios, pflash or loader)";

const char* firmware_name(FirmwareKind kind) { return kind == FirmwareKind::Ovmf ? "OVMF" : "SeaBIOS"; }

// What a host package is, and the releases of it aperture models.
struct PackageComponent {
    const char* name;
    std::vector<std::string> modelled;
};

PackageComponent component_of(const std::string& package) {
    if (package == kQemuSystemX86Package) return {"QEMU", qemu_release_names()};
    if (package == kSeabiosPackage) return {"SeaBIOS", seabios_release_names()};
    return {"OVMF", ovmf_release_names()};
}

std::vector<std::string> seabios_build_versions() {
    std::vector<std::string> versions;
    for (const auto& release : kSeabiosReleases) versions.emplace_back(release.build_version);
    return versions;
}

// The packages whose images aperture knows by digest, once each: "ovmf 2022.11-6+deb12u2, ...".
std::vector<std::string> known_ovmf_packages() {
    std::vector<std::string> packages;
    for (const auto& image : kKnownOvmfImages) {
        if (std::find(packages.begin(), packages.end(), image.package) == packages.end()) packages.emplace_back(image.package);
    }
    return packages;
}

// What an image that is here but no modelled build is, for this firmware.
std::string not_recognised_message(const std::string& path, FirmwareKind firmware) {
    if (firmware == FirmwareKind::Ovmf) {
        return fmt::format("{}: its SHA-256 is none of the OVMF images aperture knows (Debian's {})", path,
                           fmt::join(known_ovmf_packages(), ", "));
    }
    return fmt::format("{}: its SeaBIOS version was not recognised (aperture models the builds {})", path,
                       fmt::join(seabios_build_versions(), ", "));
}

u64 largest_image(FirmwareKind firmware) { return firmware == FirmwareKind::Ovmf ? kMaxOvmfImageSize : kMaxSeabiosImageSize; }

std::string default_wording(StackPart part) {
    switch (part) {
        case StackPart::Qemu:
        case StackPart::FirmwareRelease: return kDefaultRelease;
        case StackPart::Machine: return kDefaultMachine;
        case StackPart::Firmware: return kDefaultFirmware;
    }
    return "";
}

// The flag that would choose this part instead.
std::string choosing_flag(StackPart part, const Plan& plan) {
    if (part == StackPart::Qemu) return "--qemu";
    return plan.stack.firmware == FirmwareKind::Ovmf ? "--firmware ovmf-RELEASE" : "--firmware seabios-RELEASE";
}

StackEntry entry(StackPart part, std::string chosen, const StackChoice& choice, const Plan& plan) {
    StackEntry e;
    e.part = part;
    e.chosen = std::move(chosen);
    e.choice = &choice;
    e.origin = fmt::format("{}: {}", to_string(choice.source), choice.detail.empty() ? default_wording(part) : choice.detail);
    for (const auto& caveat : choice.caveats) e.notes.push_back(caveat_message(caveat, plan.stack.firmware));
    if (choice.source == StackChoiceSource::Default && !e.notes.empty()) {
        e.notes.back() += fmt::format(": modelled {}; pass {} to choose", e.chosen, choosing_flag(part, plan));
    }
    return e;
}

}  // namespace

const char* to_string(StackPart part) {
    switch (part) {
        case StackPart::Qemu: return "qemu";
        case StackPart::Machine: return "machine";
        case StackPart::Firmware: return "firmware";
        case StackPart::FirmwareRelease: return "firmware_release";
    }
    return "";
}

std::string evidence_text(ReleaseEvidence evidence, std::string_view package, std::string_view tag) {
    // A release checked against a binary names that build; one read from the source names its tag.
    return fmt::format("{} ({})", to_string(evidence), evidence == ReleaseEvidence::RealBinary ? package : tag);
}

std::string evidence_text(const QemuRelease& release) { return evidence_text(release.evidence, release.package, release.tag); }

std::string evidence_text(const FirmwareIdentity& release) { return evidence_text(release.evidence, release.package, release.tag); }

std::string caveat_message(const StackCaveat& caveat, FirmwareKind firmware) {
    const char* name = firmware_name(firmware);
    switch (caveat.kind) {
        case StackCaveatKind::ImageNotFound: return fmt::format("{} is not here, so its {} build is unknown", caveat.subject, name);
        case StackCaveatKind::ImageUnreadable:
            return fmt::format("{} cannot be read ({}), so its {} build is unknown", caveat.subject, caveat.detail, name);
        case StackCaveatKind::ImageTooLarge:
            return fmt::format("{} is larger than {} MiB, so no {} image: it was not read", caveat.subject, largest_image(firmware) / MiB,
                               name);
        case StackCaveatKind::ImageNotRecognised: return not_recognised_message(caveat.subject, firmware);
        case StackCaveatKind::ImageSmmBuild:
            return fmt::format("{} is a build that requires SMM (Secure Boot): it is modelled as the same release without "
                               "SMM, so the SMRAM (TSEG) it reserves is left out",
                               caveat.subject);
        case StackCaveatKind::HostPackageNotModelled: {
            const PackageComponent component = component_of(caveat.subject);
            return fmt::format("the host has {} {} ({} {}); aperture models {}", component.name, upstream_version(caveat.detail),
                               caveat.subject, caveat.detail, fmt::join(component.modelled, ", "));
        }
        case StackCaveatKind::HostPackageAbsent: return fmt::format("the host has no {} package installed", caveat.subject);
        case StackCaveatKind::HostPackagesUnknown:
            return fmt::format("the host has no dpkg database, so which {} it has is unknown", component_of(caveat.subject).name);
        case StackCaveatKind::HostPackagesNotRecorded:
            return "the host snapshot was saved before aperture recorded installed packages (`aperture host --save` records them)";
    }
    return "";
}

std::vector<StackEntry> stack_entries(const Plan& plan) {
    const Stack& stack = plan.stack;
    const StackProvenance& p = stack.provenance;
    std::vector<StackEntry> entries;
    entries.push_back(entry(StackPart::Qemu, std::string(stack.qemu->display_name), p.qemu, plan));
    entries.back().origin += "; " + evidence_text(*stack.qemu);
    entries.push_back(entry(StackPart::Machine, plan.machine.type.name, p.machine, plan));
    entries.push_back(entry(StackPart::Firmware, firmware_name(stack.firmware), p.firmware, plan));
    entries.push_back(entry(StackPart::FirmwareRelease, std::string(stack.firmware_release->display_name), p.firmware_release, plan));
    entries.back().origin += "; " + evidence_text(*stack.firmware_release);
    return entries;
}

std::string stack_origins(const Plan& plan) {
    std::vector<std::string> parts;
    for (const auto& e : stack_entries(plan)) parts.push_back(fmt::format("{} from {}", e.chosen, to_string(e.choice->source)));
    return fmt::format("{}", fmt::join(parts, ", "));
}

}  // namespace aperture
