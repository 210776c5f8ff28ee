#include "machine/machine_type.hpp"

#include <cctype>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/did_you_mean.hpp"
#include "core/error.hpp"

namespace aperture {

namespace {

MachineType make(const QemuRelease& release, const MachineTypeFacts& facts) {
    MachineType type;
    type.name = std::string(facts.name);
    type.family = facts.family;
    type.enforce_amd_1tb_hole = facts.enforce_amd_1tb_hole;
    type.virtio_rng_has_msix = facts.virtio_rng_has_msix;
    type.virtio_balloon_has_msix = release.virtio_balloon_has_vectors && facts.virtio_balloon_has_msix;
    type.virtio_balloon_vectors_compat = release.virtio_balloon_has_vectors && !facts.virtio_balloon_has_msix;
    if (!release.max_used_gpa_checks_long_mode) type.max_used_gpa_rule = MaxUsedGpaRule::PhysBits32OrHole64;
    else if (facts.broken_32bit_mem_addr_check) type.max_used_gpa_rule = MaxUsedGpaRule::LongModeOrPhysBits;
    else type.max_used_gpa_rule = MaxUsedGpaRule::LongModeOrRamEnd;
    type.guest_phys_bits_from_kvm = facts.guest_phys_bits_from_kvm;
    type.intel_vendor_leaf_blank = facts.intel_vendor_leaf_blank;
    return type;
}

const MachineTypeFacts* find_type(const QemuRelease& release, std::string_view name) {
    for (const auto& facts : release.machine_types) {
        if (facts.name == name) return &facts;
    }
    return nullptr;
}

}  // namespace

std::vector<std::string> modelled_machine_types(const QemuRelease& release) {
    std::vector<std::string> names;
    for (const auto& alias : release.aliases) names.emplace_back(alias.alias);
    for (const auto& facts : release.machine_types) names.emplace_back(facts.name);
    return names;
}

MachineType resolve_machine_type(const QemuRelease& release, const std::string& written) {
    std::string_view name = written;
    for (const auto& alias : release.aliases) {
        if (alias.alias == written) name = alias.type;
    }
    if (const MachineTypeFacts* facts = find_type(release, name)) return make(release, *facts);
    // The releases that do have it: what the user can pass as --qemu.
    std::vector<std::string> others;
    for (const auto& other_name : qemu_release_names()) {
        const QemuRelease* other = find_qemu_release(other_name);
        if (other == nullptr || other == &release) continue;
        if (find_type(*other, name) != nullptr) others.push_back("--qemu " + other_name);
    }
    const std::string elsewhere = others.empty() ? "" : fmt::format(" (modelled with {})", fmt::join(others, " or "));
    std::vector<std::string> known = modelled_machine_types(release);
    for (const auto& alias : release.aliases) known.emplace_back(alias.alias);
    // A versioned type ("pc-q35-11.1") is another release's, not a typo of this release's nearest version.
    const bool versioned = written.starts_with("pc-") && !written.empty() && std::isdigit(static_cast<unsigned char>(written.back()));
    const std::string suggestion = versioned ? "" : did_you_mean(written, known);
    throw InputError(fmt::format("machine type '{}' is not modelled{}; aperture models {}'s {}{}", written, suggestion,
                                 release.display_name, fmt::join(modelled_machine_types(release), ", "), elsewhere));
}

MachineType resolve_machine_type(const std::string& written) { return resolve_machine_type(default_qemu_release(), written); }

}  // namespace aperture
