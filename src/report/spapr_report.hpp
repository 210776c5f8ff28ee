#pragma once
// The pseries plan as text and as JSON ("aperture-pseries-plan/2"). Both name the modelled QEMU release
// and SLOF version and say the model was not checked against a running system, and both carry what
// libvirt's pseries memlock formula needs (nPHB, NVLink2 presence).

#include <string>

#include "plan/spapr_plan.hpp"

namespace aperture {

std::string render_spapr_text(const SpaprPlan& plan);
std::string render_spapr_json(const SpaprPlan& plan);

}  // namespace aperture
