#include "machine/qemu_release.hpp"

#include <array>

namespace aperture {

namespace {

// hw/i386/pc_q35.c DEFINE_Q35_MACHINE and hw/i386/pc_piix.c DEFINE_I440FX_MACHINE of QEMU v7.2.0: the
// pc-*-7.x types (older ones are not modelled); pc_*_7_2_machine_options sets the aliases.
constexpr std::array kMachineTypesOf7_2{
    MachineTypeFacts{"pc-q35-7.2", MachineFamily::Q35, true, true},
    MachineTypeFacts{"pc-i440fx-7.2", MachineFamily::I440fx, true, true},
    MachineTypeFacts{"pc-q35-7.1", MachineFamily::Q35, true, false},
    MachineTypeFacts{"pc-i440fx-7.1", MachineFamily::I440fx, true, false},
    MachineTypeFacts{"pc-q35-7.0", MachineFamily::Q35, false, false},
    MachineTypeFacts{"pc-i440fx-7.0", MachineFamily::I440fx, false, false},
};
constexpr std::array kAliasesOf7_2{
    MachineTypeAlias{"q35", "pc-q35-7.2"},
    MachineTypeAlias{"pc", "pc-i440fx-7.2"},
};

constexpr std::array kReleases{
    QemuRelease{"7.2", "qemu-7.2", "QEMU 7.2", "Debian 1:7.2+dfsg-7+deb12u18", kAliasesOf7_2, kMachineTypesOf7_2},
};

}  // namespace

const QemuRelease& default_qemu_release() { return kReleases.front(); }

const QemuRelease* find_qemu_release(std::string_view name) {
    for (const auto& release : kReleases) {
        if (release.name == name) return &release;
    }
    return nullptr;
}

std::vector<std::string> qemu_release_names() {
    std::vector<std::string> names;
    for (const auto& release : kReleases) names.emplace_back(release.name);
    return names;
}

}  // namespace aperture
