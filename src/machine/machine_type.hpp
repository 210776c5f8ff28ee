#pragma once
// QEMU 7.2's x86 machine types and the compat flags of each that change the address map.

#include <string>
#include <vector>

#include "devices/device_model.hpp"

namespace aperture {

struct MachineType {
    std::string name;  // resolved: "pc-q35-7.2"
    MachineFamily family = MachineFamily::Q35;
    int minor = 2;     // 7.<minor>
    // hw/i386/pc.c: false for 7.0 and older (pc_*_7_0_machine_options).
    bool enforce_amd_1tb_hole = true;
    // hw/core/machine.c hw_compat_7_1: { "virtio-rng-pci", "vectors", "0" }.
    bool virtio_rng_has_msix = true;

    std::string root_bus_name() const { return family == MachineFamily::Q35 ? "pcie.0" : "pci.0"; }
};

// "q35", "pc", "pc-q35-7.1", "pc-i440fx-7.2", "pc-q35-7.2"; InputError for anything else, naming the
// types aperture models.
MachineType resolve_machine_type(const std::string& written);
std::vector<std::string> modelled_machine_types();

}  // namespace aperture
