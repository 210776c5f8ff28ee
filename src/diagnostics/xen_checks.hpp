#pragma once
// `aperture check --xl`: findings for a Xen HVM guest, with fixes written as xl.cfg lines and proven by
// planning again with them applied.

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "diagnostics/finding.hpp"
#include "plan/xen_plan.hpp"

namespace aperture {

// A device to `xl pci-attach` after boot.
struct XenHotplugRequest {
    std::string what;                         // as the user named it
    PciFunctionSpec device;
    std::optional<std::string> host_address;  // when it is a host device: then pci=[...] at boot is a fix
};

struct XenCheckInput {
    const XlDomainConfig& config;
    const XenPlanOptions& options;
    const XenPlan& plan;
    std::vector<XenHotplugRequest> hotplug = {};
};

std::vector<Finding> run_xen_checks(const XenCheckInput& input);

// The smallest mmio_hole (MiB, within xl's 256..3840) whose plan satisfies `accept`; nullopt when none.
std::optional<u64> smallest_mmio_hole(const XlDomainConfig& config, const XenPlanOptions& options,
                                      const std::function<bool(const XenPlan&)>& accept);

}  // namespace aperture
