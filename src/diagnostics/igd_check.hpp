#pragma once
// igd.placement: an Intel IGD passed through gets what its video BIOS and guest driver need: QEMU's legacy
// mode, and from the firmware a 1 MiB-aligned stolen-memory block (BDSM) and an OpRegion copy (ASLS)
// below 4 GiB (seed 003).

#include <optional>

#include "diagnostics/checks.hpp"

namespace aperture {

std::optional<Finding> check_igd(const CheckInput& in);

}  // namespace aperture
