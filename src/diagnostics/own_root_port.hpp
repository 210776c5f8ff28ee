#pragma once
// A remedy for q35: move a device to a pcie-root-port of its own. A device behind a conventional bridge
// shares that bridge's windows with its neighbours, and one 32-bit-only prefetchable BAR among them keeps
// the bridge's prefetchable window below 4 GiB (SeaBIOS pciinit.c pci_bios_check_devices: a bridge region
// is 64-bit only when every entry in it is); behind a root port of its own the device gets windows sized
// for it alone. Which device to move is found by planning again, and the whole check proves the fix.

#include <optional>

#include "config/vm_spec.hpp"
#include "diagnostics/finding.hpp"
#include "plan/plan.hpp"

namespace aperture {

// The first device (the ones with unassigned BARs first, then by their largest memory BAR) whose move to
// a new pcie-root-port on pcie.0 lets the firmware assign every BAR; nullopt when none does, the machine
// is not q35, or the plan did not get as far as the firmware.
std::optional<Fix> own_root_port_fix(const VmSpec& spec, const PlanOptions& options, const Plan& plan);

}  // namespace aperture
