#pragma once
// A ppc64 pseries VM made ready to plan: its VmSpec, the QEMU release modelled and the host devices it
// passes through (a host snapshot's, the passthrough catalog's, and NVLink2 GPUs and bridges).

#include <memory>
#include <optional>

#include "app/request.hpp"
#include "host/host_snapshot.hpp"
#include "input/libvirt_xml/pseries_domain_reader.hpp"
#include "libvirt/libvirt_version.hpp"
#include "machine/spapr/qemu_release.hpp"
#include "plan/spapr_plan.hpp"

namespace aperture::app {

// A pSeries libvirt domain: what was read, and the libvirt release that starts it.
struct PseriesLibvirt {
    std::string file;
    LibvirtPseriesDomain domain;
    LibvirtVersion version;
};

struct PseriesVm {
    VmSpec spec;
    spapr::QemuRelease release;
    spapr::SpaprHost host;
    std::optional<PseriesLibvirt> libvirt;  // set for --xml
    std::shared_ptr<const HostSnapshot> snapshot;  // the request's, read once: libvirt's memlock formula reads its IOMMU groups
};

// Throws InputError without a command line or domain, for an unknown --qemu release or a --passthrough not
// in a catalog.
PseriesVm prepare_pseries_vm(const VmRequest& request);

// The same VM read from another text of its domain (`aperture fix` reads what it wrote).
PseriesVm with_pseries_domain(const PseriesVm& vm, std::string_view xml_text, const std::string& file_name, const VmRequest& request);

}  // namespace aperture::app
