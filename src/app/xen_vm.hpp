#pragma once
// A Xen HVM guest made ready to plan: its xl.cfg and the plan options (release, phys-bits, the BARs of
// the devices it passes through, from a host snapshot or the passthrough catalog).

#include <string>
#include <vector>

#include "app/request.hpp"
#include "diagnostics/xen_checks.hpp"
#include "input/xl_cfg/xl_domain_config.hpp"
#include "plan/xen_plan.hpp"

namespace aperture::app {

struct XenVm {
    XlDomainConfig config;
    XenPlanOptions options;
};

// Throws InputError for an unreadable xl.cfg, an unknown release or a --passthrough not in the catalog.
XenVm prepare_xen_vm(const VmRequest& request);

// --will-attach DEVICE (app/will_attach_option.hpp): a size, a catalog name, a host BDF (from --host /
// --passthrough) or mem32=SIZE,mem64=SIZE.
XenHotplugRequest xen_hotplug_request(const std::string& text, const XenPlanOptions& options);

}  // namespace aperture::app
