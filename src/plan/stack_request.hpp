#pragma once
// The stack a caller names for an x86 plan: a QEMU release (--qemu 7.2) and a firmware with or without
// its release (--firmware ovmf, --firmware ovmf-2022.11), checked against the release tables and applied
// to PlanOptions. Unnamed parts stay Debian 12's.

#include <string>
#include <string_view>
#include <vector>

#include "plan/plan.hpp"

namespace aperture {

// InputError naming the modelled x86 releases for a release aperture does not model.
void request_qemu_release(PlanOptions& options, std::string_view name);
// "seabios", "ovmf", or either with a release: "seabios-1.16.2", "ovmf-2022.11". InputError otherwise.
void request_firmware(PlanOptions& options, std::string_view choice);
// Every value request_firmware accepts, kinds first.
std::vector<std::string> firmware_choices();

}  // namespace aperture
