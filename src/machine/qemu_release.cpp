#include "machine/qemu_release.hpp"

#include <algorithm>
#include <array>

namespace aperture {

namespace {

// A machine type's version, for deriving its compat facts from the releases that changed them.
struct TypeVersion {
    int major;
    int minor;
    constexpr bool at_least(int ma, int mi) const { return major > ma || (major == ma && minor >= mi); }
};

constexpr MachineTypeFacts facts_of(std::string_view name, MachineFamily family, TypeVersion v) {
    return MachineTypeFacts{
        .name = name,
        .family = family,
        .enforce_amd_1tb_hole = v.at_least(7, 1),
        .virtio_rng_has_msix = v.at_least(7, 2),
        .virtio_balloon_has_msix = v.at_least(10, 0),
        .broken_32bit_mem_addr_check = !v.at_least(8, 2),
        .guest_phys_bits_from_kvm = v.at_least(9, 1),
        .intel_vendor_leaf_blank = v.at_least(10, 1),
    };
}

#define APERTURE_PC_TYPES(MA, MI)                                                     \
    facts_of("pc-q35-" #MA "." #MI, MachineFamily::Q35, TypeVersion{MA, MI}),        \
        facts_of("pc-i440fx-" #MA "." #MI, MachineFamily::I440fx, TypeVersion{MA, MI})

// hw/i386/pc_q35.c DEFINE_Q35_MACHINE and hw/i386/pc_piix.c DEFINE_I440FX_MACHINE: every pc-*-X.Y type
// from 7.0 (older ones are not modelled) to the newest modelled release, newest first. A release offers
// the tail that starts at its own types.
constexpr std::array kMachineTypes{
    APERTURE_PC_TYPES(11, 1), APERTURE_PC_TYPES(11, 0), APERTURE_PC_TYPES(10, 2), APERTURE_PC_TYPES(10, 1),
    APERTURE_PC_TYPES(10, 0), APERTURE_PC_TYPES(9, 2),  APERTURE_PC_TYPES(9, 1),  APERTURE_PC_TYPES(9, 0),
    APERTURE_PC_TYPES(8, 2),  APERTURE_PC_TYPES(8, 1),  APERTURE_PC_TYPES(8, 0),  APERTURE_PC_TYPES(7, 2),
    APERTURE_PC_TYPES(7, 1),  APERTURE_PC_TYPES(7, 0),
};

#undef APERTURE_PC_TYPES

constexpr std::span<const MachineTypeFacts> types_from(std::string_view newest_q35) {
    std::size_t i = 0;
    while (i < kMachineTypes.size() && kMachineTypes[i].name != newest_q35) ++i;
    return std::span<const MachineTypeFacts>(kMachineTypes).subspan(i);
}

// pc_*_X_Y_machine_options of each release set m->alias on its newest types.
constexpr std::array kAliasesOf7_2{MachineTypeAlias{"q35", "pc-q35-7.2"}, MachineTypeAlias{"pc", "pc-i440fx-7.2"}};
constexpr std::array kAliasesOf8_2{MachineTypeAlias{"q35", "pc-q35-8.2"}, MachineTypeAlias{"pc", "pc-i440fx-8.2"}};
constexpr std::array kAliasesOf9_2{MachineTypeAlias{"q35", "pc-q35-9.2"}, MachineTypeAlias{"pc", "pc-i440fx-9.2"}};
constexpr std::array kAliasesOf10_0{MachineTypeAlias{"q35", "pc-q35-10.0"}, MachineTypeAlias{"pc", "pc-i440fx-10.0"}};
constexpr std::array kAliasesOf11_1{MachineTypeAlias{"q35", "pc-q35-11.1"}, MachineTypeAlias{"pc", "pc-i440fx-11.1"}};

// Debian 12's release first: it is the default.
constexpr std::array kReleases{
    QemuRelease{"7.2", "qemu-7.2", "QEMU 7.2", "v7.2.0", "Debian 1:7.2+dfsg-7+deb12u18", ReleaseEvidence::RealBinary,
                false, false, true, false, kAliasesOf7_2, types_from("pc-q35-7.2")},
    QemuRelease{"8.2", "qemu-8.2", "QEMU 8.2", "v8.2.2", "Ubuntu 24.04 1:8.2.2+ds-0ubuntu1 (not run here)",
                ReleaseEvidence::UpstreamSource, true, false, false, false, kAliasesOf8_2, types_from("pc-q35-8.2")},
    QemuRelease{"9.2", "qemu-9.2", "QEMU 9.2", "v9.2.4", "Proxmox VE 8.4 pve-qemu-kvm 9.2 (not run here)",
                ReleaseEvidence::UpstreamSource, true, false, false, true, kAliasesOf9_2, types_from("pc-q35-9.2")},
    QemuRelease{"10.0", "qemu-10.0", "QEMU 10.0", "v10.0.2", "Debian 1:10.0.2+ds-2+deb13u1~bpo12+1", ReleaseEvidence::RealBinary,
                true, true, false, true, kAliasesOf10_0, types_from("pc-q35-10.0")},
    QemuRelease{"11.1", "qemu-11.1", "QEMU 11.1", "v11.1.3", "Debian 1:11.1.3+ds-2~bpo13+1", ReleaseEvidence::RealBinary,
                true, true, false, true, kAliasesOf11_1, types_from("pc-q35-11.1")},
};

static_assert(std::ranges::all_of(kReleases, [](const QemuRelease& r) { return !r.machine_types.empty() && r.machine_types.front().name == r.aliases.front().type; }),
              "each release's machine types start at its own q35 type, which the q35 alias names");

// "10.0.2" -> "10.0": a patch release lays out like its release.
std::string_view without_patch_level(std::string_view name) {
    const auto first = name.find('.');
    if (first == std::string_view::npos) return name;
    const auto second = name.find('.', first + 1);
    return second == std::string_view::npos ? name : name.substr(0, second);
}

}  // namespace

const QemuRelease& default_qemu_release() { return kReleases.front(); }

const QemuRelease* find_qemu_release(std::string_view name) {
    const std::string_view release_name = without_patch_level(name);
    for (const auto& release : kReleases) {
        if (release.name == release_name) return &release;
    }
    return nullptr;
}

std::vector<std::string> qemu_release_names() {
    std::vector<std::string> names;
    for (const auto& release : kReleases) names.emplace_back(release.name);
    return names;
}

}  // namespace aperture
