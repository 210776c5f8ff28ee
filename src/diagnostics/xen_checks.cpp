#include "diagnostics/xen_checks.hpp"

#include <fmt/format.h>

#include "firmware/xen/xen_hotplug.hpp"
#include "machine/xen/xen_layout.hpp"

namespace aperture {

namespace {

std::string bar_name(const XenPlan& plan, const UnassignedResource& u) {
    std::string driver;
    for (const auto& n : plan.bus.functions) {
        if (n.devfn == u.bdf.devfn) driver = n.function.driver;
    }
    return fmt::format("{:02x}.{} {} {} ({})", u.bdf.devfn.device, u.bdf.devfn.function, driver, u.what, human_size(u.size));
}

// What an mmio_hole does to RAM, in the user's terms.
std::string ram_effect(const XenPlan& before, const XenPlan& after) {
    const u64 was = before.memory.lowmem_end;
    const u64 now = after.memory.lowmem_end;
    if (now >= was) return "no RAM moves";
    return fmt::format("RAM below 4 GiB ends at {} instead of {}: {} of RAM moves above 4 GiB (libxl builds it there; nothing is lost)",
                       hex(now), hex(was), human_size(was - now));
}

Fix mmio_hole_fix(u64 mib, const std::string& summary) {
    Fix fix;
    fix.summary = summary;
    fix.xl_cfg = {fmt::format("mmio_hole = {}", mib)};
    fix.proven = true;
    return fix;
}

Finding toolstack_finding(const XenCheckInput& in) {
    Finding f{FindingKind::XenToolstack, Verdict::Pass, "", "xl and libxl accept the configuration", "", "", std::vector<Fix>{}, "", {}};
    if (in.plan.refusal.empty()) {
        f.evidence = fmt::format("memory {} MiB{}, {}", in.config.memory_mib,
                                 in.config.maxmem_mib ? fmt::format(", maxmem {} MiB", *in.config.maxmem_mib) : "", to_string(in.config.device_model));
        return f;
    }
    f.verdict = Verdict::Fail;
    f.title = "xl/libxl refuses to create the domain";
    f.evidence = fmt::format("libxl: error: {}", in.plan.refusal);
    if (in.plan.refusal.find("PoD") != std::string::npos) {
        f.why = "memory < maxmem makes libxl build the guest with populate-on-demand, and a passed-through device needs every page populated for the IOMMU";
        XlDomainConfig fixed = in.config;
        fixed.maxmem_mib = fixed.memory_mib;
        const XenPlan again = make_xen_plan(fixed, in.options);
        Fix fix;
        fix.summary = "make maxmem equal to memory (no ballooning up with passthrough)";
        fix.xl_cfg = {fmt::format("maxmem = {}", in.config.memory_mib)};
        fix.proven = again.refusal.empty();
        f.fixes.push_back(fix);
    } else {
        f.why = "the toolstack of this release does not start this device model";
        f.no_fix = "use device_model_version = \"qemu-xen\"";
    }
    return f;
}

Finding assignment_finding(const XenCheckInput& in) {
    const XenPlan& plan = in.plan;
    const HvmloaderDetails& d = plan.hvmloader->details;
    const FirmwareResult& fw = plan.hvmloader->firmware;
    Finding f{FindingKind::FirmwareAssignment, Verdict::Pass, "", "hvmloader assigns every BAR", "", "", std::vector<Fix>{}, "", {}};
    unsigned high = 0;
    for (const auto& b : d.bars) high += b.high && b.address ? 1 : 0;
    if (d.pci_mem_end > d.pci_mem_start) f.subject.range = AddressRange::from_first_and_last(d.pci_mem_start, d.pci_mem_end - 1);
    for (const auto& u : fw.unassigned) f.subject.bars.push_back({u.bdf, u.bar >= 0 ? std::optional<int>(u.bar) : std::nullopt});
    f.evidence = fmt::format("low hole [{}, {}) ({}{}), {} BAR(s) above RAM from {}", hex(d.pci_mem_start), hex(d.pci_mem_end),
                             human_size(d.pci_mem_end - d.pci_mem_start), d.hole_from_mmio_hole ? ", from mmio_hole" : "", high,
                             hex(d.high_base));
    if (fw.unassigned.empty()) return f;

    f.verdict = Verdict::Fail;
    f.title = fmt::format("hvmloader leaves {} BAR(s) unassigned (\"no space for resource!\")", fw.unassigned.size());
    std::string list;
    bool any32 = false;
    for (const auto& u : fw.unassigned) {
        list += (list.empty() ? "" : "; ") + bar_name(plan, u);
        if (u.short_window == RootWindowKind::Mem32) any32 = true;
    }
    f.evidence = fmt::format("{}; low hole [{}, {}) is {} for {} of BARs counted (mmio_total); window above RAM [{}, 2^{})", list,
                             hex(d.pci_mem_start), hex(d.pci_mem_end), human_size(d.pci_mem_end - d.pci_mem_start), human_size(d.mmio_total),
                             hex(d.high_base), plan.phys_bits);
    f.why = any32 ? "a 32-bit BAR must sit below 4 GiB, and with qemu-xen hvmloader may not move RAM to grow the hole (libxl writes "
                    "allow-memory-relocate=0): only mmio_hole makes it bigger"
                  : "hvmloader's 64-bit window runs from the end of RAM to 2^phys-bits, and the guest sees the host's phys-bits";
    const auto hole = smallest_mmio_hole(in.config, in.options, [](const XenPlan& p) { return !xen_plan_failed(p); });
    if (hole) {
        XlDomainConfig fixed = in.config;
        fixed.mmio_hole_mib = *hole;
        const XenPlan again = make_xen_plan(fixed, in.options);
        f.fixes.push_back(mmio_hole_fix(*hole, fmt::format("the smallest mmio_hole that holds every BAR: {} MiB; {}", *hole, ram_effect(plan, again))));
    } else {
        f.no_fix = fmt::format("no mmio_hole from {} to {} MiB assigns everything; BARs above RAM must end below 2^{} (the host's phys-bits): "
                               "less RAM (memory/maxmem), fewer devices, or a host with more physical address bits",
                               xen::MMIO_HOLE_MIN_MIB, xen::MMIO_HOLE_MAX_MIB, plan.phys_bits);
    }
    return f;
}

Finding hotplug_finding(const XenCheckInput& in, const XenHotplugRequest& request) {
    const XenPlan& plan = in.plan;
    Finding f{FindingKind::XenHotplug, Verdict::Pass, "", fmt::format("xl pci-attach {}: the device fits what _CRS leaves free", request.what), "", "", std::vector<Fix>{}, "", {}};
    const HotplugFit fit = fit_hotplug(*plan.hvmloader, request.device);
    const CrsWindows crs = crs_windows(plan.hvmloader->details);
    auto ranges = [](const std::vector<AddressRange>& rs) {
        std::string s;
        for (const auto& r : rs) s += (s.empty() ? "" : ", ") + fmt::format("[{}, {}] {}", hex(r.first()), hex(r.last()), human_size(r.size()));
        return s.empty() ? std::string("none") : s;
    };
    std::string bars;
    for (const auto& b : fit.bars) {
        bars += (bars.empty() ? "" : "; ") + fmt::format("{} {}{} -> {}", b.bar.kind == BarKind::Rom ? "ROM" : fmt::format("BAR {}", b.bar.index),
                                                        human_size(b.bar.size), b.bar.is64 ? " 64-bit" : "", b.address ? hex(*b.address) : "no room");
    }
    f.evidence = fmt::format("_CRS: low {}{}; free low: {}; free high: {}; {}", crs.low.to_string(),
                             crs.high ? ", high " + crs.high->to_string() : ", no high window (no BAR went above 4 GiB at boot)",
                             ranges(fit.free_low), ranges(fit.free_high), bars);
    if (fit.fits) return f;
    f.verdict = Verdict::Fail;
    f.title = fmt::format("xl pci-attach {}: the guest cannot place its BARs", request.what);
    f.why = "after boot only the guest OS assigns the new BARs, inside the windows ACPI _CRS advertises minus what hvmloader used; "
            "hvmloader reserves nothing for later (Xen seed thread: 'reserve some MMIO space for the device you are about to attach')";
    const auto hole = smallest_mmio_hole(in.config, in.options, [&](const XenPlan& p) {
        return !xen_plan_failed(p) && fit_hotplug(*p.hvmloader, request.device).fits;
    });
    if (hole) {
        XlDomainConfig fixed = in.config;
        fixed.mmio_hole_mib = *hole;
        const XenPlan again = make_xen_plan(fixed, in.options);
        f.fixes.push_back(mmio_hole_fix(*hole, fmt::format("reserve room at boot: mmio_hole = {} MiB is the smallest that leaves room for it; {}", *hole, ram_effect(plan, again))));
        return f;
    }
    if (request.host_address) {
        XlDomainConfig fixed = in.config;
        XlPciDevice device;
        device.host_address = *request.host_address;
        device.spec = request.host_address->substr(5);
        fixed.pci.push_back(device);
        const XenPlan again = make_xen_plan(fixed, in.options);
        Fix fix;
        fix.summary = "no mmio_hole leaves room; pass it through at boot instead, so hvmloader places it (above RAM if it must)";
        std::string list;
        for (const auto& p : fixed.pci) list += (list.empty() ? "" : ", ") + ("'" + p.spec + "'");
        fix.xl_cfg = {fmt::format("pci = [ {} ]", list)};
        fix.proven = !xen_plan_failed(again);
        f.fixes.push_back(fix);
        return f;
    }
    f.no_fix = fmt::format("no mmio_hole from {} to {} MiB leaves room for it; pass it through at boot (pci = [...]) instead", xen::MMIO_HOLE_MIN_MIB, xen::MMIO_HOLE_MAX_MIB);
    return f;
}

}  // namespace

std::optional<u64> smallest_mmio_hole(const XlDomainConfig& config, const XenPlanOptions& options,
                                      const std::function<bool(const XenPlan&)>& accept) {
    for (u64 mib = xen::MMIO_HOLE_MIN_MIB; mib <= xen::MMIO_HOLE_MAX_MIB; ++mib) {
        XlDomainConfig trial = config;
        trial.mmio_hole_mib = mib;
        const XenPlan plan = make_xen_plan(trial, options);
        if (accept(plan)) return mib;
    }
    return std::nullopt;
}

std::vector<Finding> run_xen_checks(const XenCheckInput& in) {
    std::vector<Finding> findings;
    findings.push_back(toolstack_finding(in));
    if (!in.plan.hvmloader) return findings;
    findings.push_back(assignment_finding(in));
    if (const auto& op = in.plan.hvmloader->details.igd_opregion) {
        findings.push_back({FindingKind::XenIgdOpregion, Verdict::Pass, "", "hvmloader reserves the IGD OpRegion",
                            fmt::format("3 pages at {} (ACPI NVS in e820), below the reserved area, written to the IGD's config 0xfc", hex(*op)), "",
                            std::vector<Fix>{}, "", {}});
    }
    for (const auto& request : in.hotplug) findings.push_back(hotplug_finding(in, request));
    if (in.plan.phys_bits_source.starts_with("unknown")) {
        findings.push_back({FindingKind::XenPhysBits, Verdict::Warn, "", "the guest's physical address width is assumed",
                            fmt::format("{} bits: {}", in.plan.phys_bits, in.plan.phys_bits_source),
                            "hvmloader's window for 64-bit BARs ends at 2^phys-bits, and Xen shows HVM guests the host's width", std::vector<Fix>{}, "", {}});
    }
    for (const auto& note : in.config.unmodelled) {
        findings.push_back({FindingKind::XenUnmodelled, Verdict::Warn, "", "a setting that changes the map is not modelled", note,
                            "the prediction ignores it", std::vector<Fix>{}, "", {}});
    }
    return findings;
}

}  // namespace aperture
