#pragma once
// The plan as JSON, schema "aperture-plan/1" (docs/plan-json.md).

#include <string>

#include "plan/plan.hpp"

namespace aperture {

std::string render_json(const Plan& plan);
// The plan's `stack` object alone, as JSON text (check reports carry it too).
std::string render_stack_json(const Plan& plan);

}  // namespace aperture
