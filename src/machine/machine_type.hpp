#pragma once
// An x86 machine type as a QEMU release resolves it (machine/qemu_release.hpp): its family and the compat
// facts of its version that change the address map.

#include <string>
#include <vector>

#include "devices/device_model.hpp"
#include "machine/qemu_release.hpp"

namespace aperture {

// hw/i386/pc.c pc_max_used_gpa, the highest guest-physical address QEMU checks against phys-bits:
enum class MaxUsedGpaRule {
    PhysBits32OrHole64,    // QEMU 7.2: 2^phys-bits - 1 when phys-bits <= 32, else the end of the 64-bit hole
    LongModeOrPhysBits,    // 8.2+ binaries, types <= 8.1: the hole's end with long mode, else 2^phys-bits - 1
    LongModeOrRamEnd,      // 8.2+ types: the hole's end with long mode, else the end of RAM or device memory
};

struct MachineType {
    std::string name;  // resolved: "pc-q35-7.2"
    MachineFamily family = MachineFamily::Q35;
    bool enforce_amd_1tb_hole = true;  // MachineTypeFacts::enforce_amd_1tb_hole
    bool virtio_rng_has_msix = true;   // MachineTypeFacts::virtio_rng_has_msix
    // The release has virtio-balloon-pci's vectors property and this type leaves it at its default (10.0+ types).
    bool virtio_balloon_has_msix = false;
    // The release's binary has the property and this type's compat properties turn it off (pre-10.0 types on 10.0+).
    bool virtio_balloon_vectors_compat = false;
    MaxUsedGpaRule max_used_gpa_rule = MaxUsedGpaRule::PhysBits32OrHole64;
    bool guest_phys_bits_from_kvm = false;  // MachineTypeFacts::guest_phys_bits_from_kvm
    bool intel_vendor_leaf_blank = false;   // MachineTypeFacts::intel_vendor_leaf_blank

    std::string root_bus_name() const { return family == MachineFamily::Q35 ? "pcie.0" : "pci.0"; }
};

// "q35", "pc", or a versioned type the release offers ("pc-q35-7.1"); InputError for anything else,
// naming the types the release offers.
MachineType resolve_machine_type(const QemuRelease& release, const std::string& written);
// The same for Debian 12's release (default_qemu_release()).
MachineType resolve_machine_type(const std::string& written);
// The aliases, then the versioned types, newest first.
std::vector<std::string> modelled_machine_types(const QemuRelease& release);

}  // namespace aperture
