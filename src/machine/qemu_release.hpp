#pragma once
// The QEMU releases whose x86 pc/q35 machines aperture models, as data: the machine types each offers,
// the aliases "q35" and "pc", each machine type's compat facts that change the address map or the
// devices, and the few facts of a release's binary that no machine type undoes. Code asks for a named
// fact (MachineType::enforce_amd_1tb_hole), never for a version number. What every modelled release
// shares stays in machine/qemu_x86_layout.hpp.

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/release_evidence.hpp"
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
    // hw/core/machine.c hw_compat_9_2: { "virtio-balloon-pci*", "vectors", "0" } (the property is new in 10.0).
    bool virtio_balloon_has_msix;
    // hw/i386/pc.c pc_max_used_gpa: PCMachineClass::broken_32bit_mem_addr_check, set by pc_*_8_1_machine_options;
    // read only by releases whose QemuRelease::max_used_gpa_checks_long_mode is set.
    bool broken_32bit_mem_addr_check;
    // target/i386/cpu.c: pc_compat_9_0 sets guest-phys-bits=0; newer types let KVM report it (CPUID 0x80000008 EAX[23:16]).
    bool guest_phys_bits_from_kvm;
    // target/i386/cpu.c cpu_x86_cpuid leaf 0x80000000: x-vendor-cpuid-only-v2 (pc_compat_10_0 turns it off)
    // leaves the vendor string out for Intel and Zhaoxin guests; OVMF reads its vendor from that leaf.
    bool intel_vendor_leaf_blank;
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
    std::string_view tag;           // the upstream tag modelled: "v7.2.0"
    std::string_view package;       // the build modelled and checked: "Debian 1:7.2+dfsg-7+deb12u18"
    ReleaseEvidence evidence;
    // hw/i386/pc.c pc_max_used_gpa (8.2, "hw/i386/pc: improve physical address space bound check for 32-bit
    // systems"): a CPU without long mode is bounded by RAM, not by phys-bits <= 32 and the 64-bit hole.
    bool max_used_gpa_checks_long_mode;
    // hw/virtio/virtio-balloon-pci.c (10.0): virtio-balloon-pci has a vectors property, 2 when unspecified.
    bool virtio_balloon_has_vectors;
    // hw/acpi/pcihp.c acpi_pcihp_device_plug_cb: 7.2 takes every hotplug handler off the bus of a cold-plugged
    // PCIe port with hotplug=off, so a bridge plugged there keeps its own SHPC (which refuses slot 0); by 10.0
    // ACPI handles that bus too (both seen on the real binaries).
    bool acpi_pcihp_unsets_hotplug_off_ports;
    // target/i386/cpu.c (9.1, "allow setting guest-phys-bits"): -cpu takes guest-phys-bits=N.
    bool guest_phys_bits_property;
    std::span<const MachineTypeAlias> aliases;
    std::span<const MachineTypeFacts> machine_types;  // newest first, q35 before i440fx
};

// Debian 12's release: what aperture models unless asked for another.
const QemuRelease& default_qemu_release();
// "7.2" (a patch level is accepted: "10.0.2"); nullptr for a release aperture does not model.
const QemuRelease* find_qemu_release(std::string_view name);
std::vector<std::string> qemu_release_names();

}  // namespace aperture
