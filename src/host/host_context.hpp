#pragma once
// From a host snapshot to what the machine model consumes: the host CPU QEMU copies for KVM guests, and
// for every function vfio-pci can pass through, the PciFunctionSpec QEMU's vfio-pci builds from it, so
// `-device vfio-pci,host=0000:41:00.0` takes its BARs from the host instead of the catalog.

#include <optional>
#include <string>

#include "devices/pci_function.hpp"
#include "host/host_snapshot.hpp"
#include "machine/machine.hpp"

namespace aperture {

// The function vfio-pci exposes for `device`: its IDs, class word, multi-function bit and every BAR at
// its index with the kind, width and prefetchability the host reports, at the size the host currently
// decodes (a resizable BAR at its current size), and the ROM as index 6. nullopt with `why_not` filled
// when vfio-pci cannot take the device: a bridge (vfio_pci_core_register_device refuses any header type
// but 0), or a BAR whose size is not a power of two (QEMU's pci_register_bar asserts one).
std::optional<PciFunctionSpec> passthrough_function(const HostPciDevice& device, std::string& why_not);

// HostContext::cpu from the snapshot's CPU (when vendor and phys-bits are known) with the GuestPhysBits
// KVM reports (when the snapshot knows it) and ::passthrough for
// every function passthrough_function accepts, keyed by its address ("0000:41:00.0").
HostContext host_context(const HostSnapshot& snapshot);

// This host's CPU for a KVM plan without a snapshot: /proc/cpuinfo, and the GuestPhysBits KVM reports
// (/dev/kvm, or inferred from the kernel release and the KVM module; probe_kvm_guest_phys_bits). Reads
// only; nullopt when cpuinfo gives no vendor or width.
std::optional<HostCpu> live_host_cpu();

}  // namespace aperture
