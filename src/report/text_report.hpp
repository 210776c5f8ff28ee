#pragma once
// The plan as a report a person reads at a glance: CPU and RAM, the e820 map, the PCI windows, then
// every function with its BARs and bridge windows, and the outcome.

#include <string>

#include "plan/plan.hpp"

namespace aperture {

std::string render_text(const Plan& plan);
// The report's Stack block alone: each part of the stack, where it came from, and notes (check reports it too).
std::string render_stack_text(const Plan& plan);

}  // namespace aperture
