#pragma once
// The Xen HVM pipeline: xl.cfg -> what libxl builds (RAM below/above 4 GiB, the hole it tells hvmloader
// and qemu-xen about) -> the bus qemu-xen creates -> hvmloader's pci_setup and e820. Nothing here was
// checked against a running Xen: each step follows the upstream source of the release named.

#include <map>
#include <optional>
#include <string>

#include "firmware/xen/hvmloader.hpp"
#include "input/xl_cfg/xl_domain_config.hpp"
#include "machine/xen/libxl_memory.hpp"
#include "machine/xen/xenfv_bus.hpp"

namespace aperture {

struct XenPlanOptions {
    HvmloaderRelease release = kDefaultHvmloaderRelease;
    std::optional<unsigned> phys_bits;      // the guest's CPUID phys-bits (Xen passes the host's through)
    std::string phys_bits_source;           // where phys_bits came from, for the report
    std::map<std::string, PciFunctionSpec> passthrough;  // host address -> function (host snapshot / catalog)
    std::map<std::string, std::string> not_passable;     // host address -> why it cannot be passed through
};

// Results point into `bus`, so a plan moves but never copies.
struct XenPlan {
    XenPlan() = default;
    XenPlan(XenPlan&&) = default;
    XenPlan& operator=(XenPlan&&) = default;
    XenPlan(const XenPlan&) = delete;
    XenPlan& operator=(const XenPlan&) = delete;

    XlDomainConfig config;
    HvmloaderRelease release = kDefaultHvmloaderRelease;
    unsigned phys_bits = 0;
    std::string phys_bits_source;
    std::string refusal;  // what xl/libxl prints when it refuses to create the domain
    LibxlMemoryLayout memory;
    XenBus bus;
    std::optional<HvmloaderResult> hvmloader;  // absent when refused
    std::vector<std::string> notes;
};

XenPlan make_xen_plan(const XlDomainConfig& config, const XenPlanOptions& options);

// How the same guest fares under `other`: "" when every BAR lands at the same address, otherwise a
// sentence saying how many BARs move or go unassigned, or that it is refused.
std::string compare_with_release(const XenPlan& plan, const XlDomainConfig& config, XenPlanOptions options, HvmloaderRelease other);

// Refused, or a BAR left unassigned.
bool xen_plan_failed(const XenPlan& plan);

// "Xen 4.17.7 (hvmloader-4.17.7, libxl, qemu-xen)": the release named in reports.
std::string xen_model_summary(const XenPlan& plan);
inline constexpr const char* kXenNotChecked = "modelled from the upstream source; not checked against a running system";

}  // namespace aperture
