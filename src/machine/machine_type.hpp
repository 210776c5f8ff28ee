#pragma once
// An x86 machine type as a QEMU release resolves it (machine/qemu_release.hpp): its family and the compat
// facts of its version that change the address map.

#include <string>
#include <vector>

#include "devices/device_model.hpp"
#include "machine/qemu_release.hpp"

namespace aperture {

struct MachineType {
    std::string name;  // resolved: "pc-q35-7.2"
    MachineFamily family = MachineFamily::Q35;
    bool enforce_amd_1tb_hole = true;  // MachineTypeFacts::enforce_amd_1tb_hole
    bool virtio_rng_has_msix = true;   // MachineTypeFacts::virtio_rng_has_msix

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
