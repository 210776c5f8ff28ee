#pragma once
// The QEMU releases whose x86 pc/q35 machines aperture models, as data: the machine types each offers,
// the aliases "q35" and "pc", and each machine type's compat facts that change the address map or the
// devices. Code asks for a named fact (MachineType::enforce_amd_1tb_hole), never for a version number.
// What every modelled release shares stays in machine/qemu_x86_layout.hpp.

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "devices/device_model.hpp"

namespace aperture {

// One versioned machine type and its compat facts: the same in every release that offers it (a machine
// type freezes the behaviour of the release that introduced it).
struct MachineTypeFacts {
    std::string_view name;  // "pc-q35-7.2"
    MachineFamily family;
    // hw/i386/pc.c: false for 7.0 and older (pc_*_7_0_machine_options).
    bool enforce_amd_1tb_hole;
    // hw/core/machine.c hw_compat_7_1: { "virtio-rng-pci", "vectors", "0" }.
    bool virtio_rng_has_msix;
};

// "-machine q35" names the newest q35 type the release offers.
struct MachineTypeAlias {
    std::string_view alias;  // "q35"
    std::string_view type;   // "pc-q35-7.2"
};

struct QemuRelease {
    std::string_view name;          // "7.2": what --qemu takes
    std::string_view model_name;    // "qemu-7.2": the plan's hypervisor model (JSON)
    std::string_view display_name;  // "QEMU 7.2": how reports and messages name it
    std::string_view package;       // the build modelled and checked: "Debian 1:7.2+dfsg-7+deb12u18"
    std::span<const MachineTypeAlias> aliases;
    std::span<const MachineTypeFacts> machine_types;  // newest first, q35 before i440fx
};

// Debian 12's release: what aperture models unless asked for another.
const QemuRelease& default_qemu_release();
// "7.2"; nullptr for a release aperture does not model.
const QemuRelease* find_qemu_release(std::string_view name);
std::vector<std::string> qemu_release_names();

}  // namespace aperture
