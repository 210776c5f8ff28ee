#pragma once
// What QEMU x86 and Xen share on the way to a PlanView: both firmwares (SeaBIOS, OVMF, hvmloader) report
// through FirmwareResult, so their root windows, bridge windows, BARs and dropped BARs read the same way.
// Internal to src/plan.

#include <string>

#include "firmware/firmware_result.hpp"
#include "machine/pci_topology.hpp"
#include "plan/plan_view.hpp"

namespace aperture::plan_view_detail {

// One region of `view`, owned by `owner`.
void add_region(PlanView& view, RegionOwner owner, AddressSpace space, AddressRange range, std::string description);

// Adds `firmware`'s root windows, functions with their bridge windows and BARs, and what it left
// unassigned. `topology` gives bridge nesting (nullptr: every function is on the root bus, as on Xen).
void add_firmware_result(PlanView& view, const FirmwareResult& firmware, const PciTopology* topology);

// "qemu-7.2" -> "QEMU 7.2"; other models as they are.
std::string qemu_display_name(const std::string& model);

// The outcome from the facts every platform has.
PredictedOutcome predicted_outcome(bool refused, bool firmware_failed, bool unassigned, bool beyond_phys_bits);

}  // namespace aperture::plan_view_detail
