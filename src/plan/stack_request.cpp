#include "plan/stack_request.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/error.hpp"

namespace aperture {

namespace {

constexpr std::string_view SEABIOS = "seabios";
constexpr std::string_view OVMF = "ovmf";

// "seabios-1.16.2" -> "1.16.2" when `choice` is `kind` followed by "-" and a release name.
bool names_release_of(std::string_view choice, std::string_view kind, std::string_view& release) {
    if (!choice.starts_with(kind) || choice.size() <= kind.size() + 1 || choice[kind.size()] != '-') return false;
    release = choice.substr(kind.size() + 1);
    return true;
}

}  // namespace

void request_qemu_release(PlanOptions& options, std::string_view name) {
    const QemuRelease* release = find_qemu_release(name);
    if (!release) {
        throw InputError(fmt::format("--qemu {}: this QEMU release is not modelled for x86 (pc, q35); aperture models {}", name,
                                     fmt::join(qemu_release_names(), ", ")));
    }
    options.qemu = release;
    options.qemu_choice = StackChoice{StackChoiceSource::Flag, fmt::format("--qemu {}", name), {}};
}

void request_firmware(PlanOptions& options, std::string_view choice) {
    const StackChoice flag{StackChoiceSource::Flag, fmt::format("--firmware {}", choice), {}};
    std::string_view release;
    if (choice == SEABIOS) {
        options.firmware = FirmwareKind::SeaBios;
    } else if (choice == OVMF) {
        options.firmware = FirmwareKind::Ovmf;
    } else if (names_release_of(choice, SEABIOS, release) && find_seabios_release(release)) {
        options.firmware = FirmwareKind::SeaBios;
        options.seabios = find_seabios_release(release);
        options.seabios_choice = flag;
    } else if (names_release_of(choice, OVMF, release) && find_ovmf_release(release)) {
        options.firmware = FirmwareKind::Ovmf;
        options.ovmf = find_ovmf_release(release);
        options.ovmf_choice = flag;
    } else {
        throw InputError(fmt::format("--firmware {}: expected one of {}", choice, fmt::join(firmware_choices(), ", ")));
    }
    options.firmware_choice = flag;
}

std::vector<std::string> firmware_choices() {
    std::vector<std::string> choices{std::string(SEABIOS), std::string(OVMF)};
    for (const auto& name : seabios_release_names()) choices.push_back(fmt::format("{}-{}", SEABIOS, name));
    for (const auto& name : ovmf_release_names()) choices.push_back(fmt::format("{}-{}", OVMF, name));
    return choices;
}

}  // namespace aperture
