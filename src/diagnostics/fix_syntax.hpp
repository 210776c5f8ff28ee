#pragma once
// The changes `aperture check` proposes, both as an edit of the VM (to plan again and prove the fix) and
// in the user's own syntax: QEMU arguments and libvirt domain XML.

#include <optional>
#include <string>

#include "config/vm_spec.hpp"
#include "machine/machine_type.hpp"
#include "diagnostics/finding.hpp"

namespace aperture {

// Replaces any opt/ovmf/X-PciMmio64Mb item with one of `mb` MiB.
void set_x_pci_mmio64_mb(VmSpec& spec, u64 mb);
Fix x_pci_mmio64_mb_fix(u64 mb);

// The port's pref64-reserve set to `bytes` (replacing any earlier value).
void set_pref64_reserve(VmSpec& spec, const std::string& port, u64 bytes);
Fix pref64_reserve_fix(const DeviceSpec& port, u64 bytes);

// The remedies of the phys-bits family. phys-bits=N (host-phys-bits=off where the model would copy the
// host's width over it); libvirt's <maxphysaddr mode='emulate'>.
Fix phys_bits_fix(const CpuSpec& cpu, unsigned bits);
// host-phys-bits=on with host-phys-bits-limit=N; libvirt's <maxphysaddr mode='passthrough' limit='N'>.
Fix host_phys_bits_limit_fix(const CpuSpec& cpu, unsigned bits);
// host-phys-bits=on; libvirt's <maxphysaddr mode='passthrough'>.
Fix host_phys_bits_fix(const CpuSpec& cpu);
// Host-side: kvm_intel ept=0 / kvm_amd npt=0 on the source host (nullopt) or a migration target.
Fix disable_tdp_fix(const std::string& vendor, std::optional<std::size_t> target);

// The locked-memory limit: `ulimit -l` on a host (host-side), or the domain's <hard_limit>.
Fix ulimit_fix(u64 kib, std::optional<std::size_t> target);
Fix hard_limit_fix(u64 kib);

// QEMU's 64-bit PCI hole on the machine's host bridge (q35-pcihost or i440FX-pcihost) set to `bytes`,
// replacing any earlier -global of it; `before` is the size it replaces.
void set_pci_hole64_size(VmSpec& spec, MachineFamily family, u64 bytes);
Fix pci_hole64_size_fix(MachineFamily family, u64 bytes, u64 before, const std::string& why);

// The machine: max-ram-below-4g (a wider 32-bit window), another machine type, another -m.
Fix max_ram_below_4g_fix(u64 bytes);
Fix machine_type_fix(const std::string& type, const std::string& why);
Fix memory_size_fix(u64 bytes, u64 before, const std::string& why);

// Two changes that hold only together (a wider window and the host step that lets the host map it): the
// first's words, then the second's; ranked by the more invasive of the two. Neither may have a DomainFix
// the other lacks: the first's is kept.
Fix combined_fix(Fix first, const Fix& second);

// QEMU's size syntax for a whole number of units: "32G", "512M".
std::string qemu_size_text(u64 bytes);

// The -device argument that states `device` (driver, id, bus, addr, then every property as read), for a
// fix that replaces the user's -device with a changed one.
std::string device_option(const DeviceSpec& device);
// Sets `key` (replacing any earlier value of it).
void set_device_property(DeviceSpec& device, const std::string& key, const std::string& value);

// The -cpu argument that states `cpu` (model, then every property), for showing a changed one.
std::string cpu_option(const CpuSpec& cpu);

}  // namespace aperture
