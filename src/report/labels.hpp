#pragma once
// The words every report uses for the same things, so the text report, the SVG map and the HTML page
// name a BAR or a firmware identically.

#include <string>

#include "devices/pci_function.hpp"
#include "plan/plan.hpp"

namespace aperture {

// "io", "rom", "mem32", "mem64 pref".
std::string bar_kind_label(const BarSpec& bar);

// The stack in a title: "QEMU 7.2 pc-q35-7.2 with SeaBIOS 1.16.2" (the names come from the release tables).
std::string stack_title(const Plan& plan);

// Whether a report mentions the guest CPU's GuestPhysBits (CPUID 0x80000008 EAX[23:16]): when it is set, or
// when something decided it (-cpu guest-phys-bits=, or KVM under a QEMU 9.1+ machine type, even to 0).
bool reports_guest_phys_bits(const GuestCpu& cpu);

// The plan's outcome in one line: "every BAR and bridge window assigned", "2 BAR(s) left unassigned", ...
std::string outcome_summary(const Plan& plan);

}  // namespace aperture
