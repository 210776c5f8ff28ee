#pragma once
// The changes `aperture check` proposes, both as an edit of the VM (to plan again and prove the fix) and
// in the user's own syntax: QEMU arguments and libvirt domain XML.

#include <string>

#include "config/vm_spec.hpp"
#include "diagnostics/finding.hpp"

namespace aperture {

// Replaces any opt/ovmf/X-PciMmio64Mb item with one of `mb` MiB.
void set_x_pci_mmio64_mb(VmSpec& spec, u64 mb);
Fix x_pci_mmio64_mb_fix(u64 mb);

// The port's pref64-reserve set to `bytes` (replacing any earlier value).
void set_pref64_reserve(VmSpec& spec, const std::string& port, u64 bytes);
Fix pref64_reserve_fix(const DeviceSpec& port, u64 bytes);

// -cpu as written with phys-bits=N (and host-phys-bits dropped); libvirt's <maxphysaddr mode='emulate'>.
Fix phys_bits_fix(const CpuSpec& cpu, unsigned bits);

// The -cpu argument that states `cpu` (model, then every property), for showing a changed one.
std::string cpu_option(const CpuSpec& cpu);

}  // namespace aperture
