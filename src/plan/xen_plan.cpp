#include "plan/xen_plan.hpp"

#include <fmt/format.h>

#include "core/error.hpp"
#include "machine/xen/xen_layout.hpp"

namespace aperture {

namespace {
// tools/firmware/hvmloader/e820.c build_e820_table: BUG_ON(low_mem_end < MB(2)).
constexpr u64 kHvmloaderMinLowMem = 2 * MiB;
}  // namespace

XenPlan make_xen_plan(const XlDomainConfig& config, const XenPlanOptions& options) {
    XenPlan plan;
    plan.config = config;
    plan.release = options.release;
    plan.phys_bits = options.phys_bits.value_or(xen::HVMLOADER_DEFAULT_PHYS_BITS);
    plan.phys_bits_source = options.phys_bits ? options.phys_bits_source
                                              : "unknown: hvmloader's own default (cacheattr.c cpu_phys_addr) assumed; give --host or --phys-bits";
    if (config.device_model == XenDeviceModel::QemuXenTraditional && !supports_qemu_traditional(options.release)) {
        plan.refusal = "Unknown device_model_version \"qemu-xen-traditional\" specified (removed in Xen 4.21)";
        return plan;
    }
    plan.refusal = libxl_refusal(config);
    if (!plan.refusal.empty()) return plan;
    plan.memory = libxl_memory_layout(config);
    if (plan.memory.lowmem_end < kHvmloaderMinLowMem) {
        throw InputError(fmt::format("{}: memory leaves {} of RAM below 4 GiB; hvmloader stops (BUG_ON low_mem_end < 2 MiB)", config.source, human_size(plan.memory.lowmem_end)));
    }
    plan.bus = build_xenfv_bus(config, options.passthrough, options.not_passable);
    HvmloaderInput input;
    input.release = options.release;
    input.functions = &plan.bus.functions;
    input.memory = plan.memory;
    input.phys_bits = plan.phys_bits;
    input.xen_platform_pci_bar_uc = config.xen_platform_pci_bar_uc;
    plan.hvmloader = run_hvmloader(input);
    if (config.device_model == XenDeviceModel::QemuXenTraditional) {
        plan.notes.push_back("qemu-xen-traditional's own emulated devices are taken to be qemu-xen's (not modelled separately)");
    }
    if (config.maxmem_mib && *config.maxmem_mib < config.memory_mib) {
        plan.notes.push_back(fmt::format("maxmem ({} MiB) is below memory ({} MiB): libxl lays RAM out by maxmem (libxl_dom.c libxl__build_hvm mem_size)",
                                         *config.maxmem_mib, config.memory_mib));
    }
    if (config.gfx_passthru) {
        plan.notes.push_back("gfx_passthru: the IGD OpRegion hvmloader reserves is modelled; qemu's igd-passthru host bridge, "
                             "the IGD's stolen memory and its slot 2 requirement are not");
    }
    if (!config.xen_platform_pci_bar_uc && !places_platform_bar_at_top(options.release)) {
        plan.notes.push_back(fmt::format("xen_platform_pci_bar_uc = 0 has no effect on {} (added in Xen 4.21)", model_name(options.release)));
    }
    return plan;
}

std::string compare_with_release(const XenPlan& plan, const XlDomainConfig& config, XenPlanOptions options, HvmloaderRelease other) {
    options.release = other;
    const XenPlan alt = make_xen_plan(config, options);
    if (!alt.refusal.empty() && plan.refusal.empty()) return fmt::format("{}: refused ({})", model_name(other), alt.refusal);
    if (!alt.hvmloader || !plan.hvmloader) return "";
    unsigned moved = 0, lost = 0;
    for (const auto& a : alt.hvmloader->details.bars) {
        for (const auto& b : plan.hvmloader->details.bars) {
            if (a.function != b.function || a.index != b.index) continue;
            if (!a.address && b.address) ++lost;
            else if (a.address != b.address) ++moved;
        }
    }
    if (moved == 0 && lost == 0) return "";
    return fmt::format("{} would place this guest differently: {} BAR(s) at other addresses{}", model_name(other), moved,
                       lost ? fmt::format(", {} unassigned", lost) : "");
}

bool xen_plan_failed(const XenPlan& plan) {
    return !plan.refusal.empty() || !plan.hvmloader || !plan.hvmloader->firmware.unassigned.empty();
}

std::string xen_model_summary(const XenPlan& plan) {
    return fmt::format("Xen {} ({}, libxl, {})", release_tag(plan.release).substr(8), model_name(plan.release), to_string(plan.config.device_model));
}

}  // namespace aperture
