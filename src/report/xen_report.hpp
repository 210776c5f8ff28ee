#pragma once
// `aperture plan --xl`: the map libxl, qemu-xen and hvmloader build for a Xen HVM guest, as text or JSON
// ("aperture-xen-plan/2"), naming the modelled release and that it was not checked against a running system.

#include <string>

#include "plan/xen_plan.hpp"

namespace aperture {

std::string render_xen_text(const XenPlan& plan);
std::string render_xen_json(const XenPlan& plan);

}  // namespace aperture
