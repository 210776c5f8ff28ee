#pragma once
// The plan as JSON, schema "aperture-plan/2" (docs/plan-json.md).

#include <string>

#include <nlohmann/json.hpp>

#include "plan/plan.hpp"

namespace aperture {

std::string render_json(const Plan& plan);
// The plan's `stack` object alone, as JSON text (check reports carry it too).
std::string render_stack_json(const Plan& plan);
// A BAR or bridge window the firmware left unassigned, as every plan lists it (the Xen plan too).
nlohmann::ordered_json unassigned_json(const UnassignedResource& resource);

}  // namespace aperture
