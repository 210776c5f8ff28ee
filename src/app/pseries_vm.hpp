#pragma once
// A ppc64 pseries VM made ready to plan: its VmSpec, the QEMU release modelled and the host devices it
// passes through (a host snapshot's, the passthrough catalog's, and NVLink2 GPUs and bridges).

#include "app/request.hpp"
#include "machine/spapr/qemu_release.hpp"
#include "plan/spapr_plan.hpp"

namespace aperture::app {

struct PseriesVm {
    VmSpec spec;
    spapr::QemuRelease release;
    spapr::SpaprHost host;
};

// Throws InputError without a command line, for an unknown --qemu release or a --passthrough not in a catalog.
PseriesVm prepare_pseries_vm(const VmRequest& request);

}  // namespace aperture::app
