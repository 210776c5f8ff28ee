#include "diagnostics/spapr_checks.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "diagnostics/spapr_memlock_check.hpp"
#include "machine/spapr/spapr_constants.hpp"

namespace aperture {

namespace {

using spapr::SpaprPhb;

Finding make(FindingKind kind, Verdict v, std::string title, std::string evidence, std::string why) {
    Finding f;
    f.kind = kind;
    f.verdict = v;
    f.title = std::move(title);
    f.evidence = std::move(evidence);
    f.why = std::move(why);
    return f;
}

// The lowest PHB index free under the machine's placement.
std::optional<u32> free_index(const spapr::SpaprMachine& m) {
    const u64 limit = m.type.defaults.placement == spapr::PhbPlacementStyle::Legacy ? spapr::LEGACY_MAX_INDEX + 1 : spapr::MAX_PHBS;
    for (u32 i = 0; i < limit; ++i) {
        bool used = false;
        for (const auto& p : m.phbs) used = used || p.index == i;
        if (!used) return i;
    }
    return std::nullopt;
}

// Moves the -device written at `where` onto a new PHB; nullopt when the device is not on the command line.
std::optional<VmSpec> with_device_on_new_phb(const VmSpec& spec, const std::string& where, u32 index, std::vector<std::string>& args) {
    VmSpec moved = spec;
    for (std::size_t i = 0; i < moved.devices.size(); ++i) {
        if (moved.devices[i].where.text != where) continue;
        const std::string id = fmt::format("aperture-phb{}", index);
        DeviceSpec phb;
        phb.driver = "spapr-pci-host-bridge";
        phb.id = id;
        phb.properties.entries.emplace_back("index", std::to_string(index));
        phb.written = fmt::format("spapr-pci-host-bridge,index={},id={}", index, id);
        phb.where.text = "the fix's new PHB";
        moved.devices[i].bus = id + ".0";
        moved.devices[i].addr.reset();
        args = {"-device", phb.written, "and on the moved device: bus=" + id + ".0 (no addr=)"};
        moved.devices.insert(moved.devices.begin() + static_cast<std::ptrdiff_t>(i), std::move(phb));
        return moved;
    }
    return std::nullopt;
}

void check_bars(const SpaprCheckInput& in, std::vector<Finding>& out) {
    const auto& m = in.plan.machine;
    bool any = false;
    for (std::size_t p = 0; p < m.phbs.size() && p < in.plan.slof.size(); ++p) {
        const SpaprPhb& phb = m.phbs[p];
        for (std::size_t k = 0; k < phb.functions.size(); ++k) {
            const auto& f = phb.functions[k];
            std::string outside;
            for (const auto& b : in.plan.slof[p].functions[k].bars) {
                if (b.fits) continue;
                outside += fmt::format("{}BAR {} ({}, {}) at PCI {:#x}, holding {:#x}", outside.empty() ? "" : "; ", b.index,
                                       human_size(b.size), slof::to_string(b.pool), b.bus_address, b.programmed);
            }
            if (outside.empty()) continue;
            any = true;
            const std::string name = f.id.empty() ? f.function.driver : f.id;
            Finding finding = make(FindingKind::SpaprBarWindow, Verdict::Fail, fmt::format("{} does not fit PHB {}'s windows", name, phb.index),
                                   "SLOF places " + outside + ": past the window's end",
                                   std::string("SLOF (pci-properties.fs assign-var-align) never checks a window's end: the BAR is "
                                               "programmed outside what the PHB forwards, so SLOF's own drivers cannot reach the "
                                               "device") +
                                       (m.type.defaults.linux_pci_probe
                                            ? "; Linux (linux,pci-probe-only = 0 from pseries-4.2) may reassign it at boot, which "
                                              "aperture does not model"
                                            : "; Linux stays probe-only on this machine type and keeps SLOF's address"));
            if (auto index = free_index(m)) {
                std::vector<std::string> args;
                if (auto moved = with_device_on_new_phb(in.spec, f.where, *index, args)) {
                    Fix fix;
                    fix.summary = fmt::format("put {} on a PHB of its own (index {})", name, *index);
                    fix.qemu_args = args;
                    fix.libvirt_xml = fmt::format("<controller type='pci' model='pci-root' index='N'><model name='spapr-pci-host-bridge'/>"
                                                  "<target index='{}'/></controller> and the device's <address bus='N'/>",
                                                  *index);
                    // Proven when, planned again, the moved device fits.
                    const SpaprPlan again = make_spapr_plan(*moved, in.release, in.host);
                    bool fits = again.outcome == Outcome::Ok;
                    for (std::size_t q = 0; fits && q < again.machine.phbs.size(); ++q) {
                        for (std::size_t r = 0; r < again.machine.phbs[q].functions.size(); ++r) {
                            if (again.machine.phbs[q].functions[r].where != f.where) continue;
                            for (const auto& b : again.slof[q].functions[r].bars) fits = fits && b.fits;
                        }
                    }
                    fix.proven = fits;
                    finding.fixes.push_back(fix);
                }
            }
            if (finding.fixes.empty()) finding.no_fix = "no free PHB index is left to spread the devices over";
            out.push_back(std::move(finding));
        }
    }
    if (!any) {
        out.push_back(make(FindingKind::SpaprBarWindow, Verdict::Pass, "every BAR fits its PHB's windows", fmt::format("{} PHB(s)", m.phbs.size()),
                           "SLOF assigns bottom-up and never checks a window's end"));
    }
}

void check_ram(const SpaprCheckInput& in, std::vector<Finding>& out) {
    const auto& m = in.plan.machine;
    if (m.type.defaults.placement != spapr::PhbPlacementStyle::NewStyle) return;
    if (m.ram_top > spapr::PCI_BASE) {
        out.push_back(make(FindingKind::SpaprRamBelowPhbs, Verdict::Fail, "RAM reaches the PHB windows at 32 TiB",
                           fmt::format("RAM and hotplug memory end at {:#x}", m.ram_top),
                           "hw/ppc/spapr.c places every PHB between 32 and 64 TiB and does not check RAM against them"));
    }
}

void check_nvlink2(const SpaprCheckInput& in, std::vector<Finding>& out) {
    const auto& m = in.plan.machine;
    if (!in.plan.memlock.nvlink2) return;
    const auto& info = spapr::release_info(in.release);
    if (!info.has_nvlink2) {
        Finding f = make(FindingKind::SpaprNvlink2, Verdict::Fail, fmt::format("QEMU {} has no NVLink2 support", info.name),
                         "an NVLink2 GPU or NPU link is passed through",
                         "QEMU 8.2 removed hw/ppc/spapr_pci_nvlink2.c (merge 6a0eddb34a64): the GPU passes through as a plain PCI "
                         "device and its on-board RAM is not mapped into the guest");
        f.no_fix = "use QEMU 8.1 or older (with a host kernel before 5.13); no argument brings NVLink2 back";
        out.push_back(std::move(f));
        return;
    }
    if (!m.type.defaults.nvlink2_windows) {
        Finding f = make(FindingKind::SpaprNvlink2, Verdict::Fail, fmt::format("{} places no NVLink2 windows", m.type.name),
                         "an NVLink2 GPU or NPU link is passed through",
                         "hw/ppc/spapr.c phb_placement_4_0 zeroes the GPU RAM and ATSD windows for pseries-4.0 and older");
        Fix fix;
        fix.summary = fmt::format("use machine type pseries-{}", info.name);
        fix.qemu_args = {"-machine", fmt::format("pseries-{}", info.name)};
        fix.libvirt_xml = fmt::format("<os><type arch='ppc64' machine='pseries-{}'>hvm</type></os>", info.name);
        VmSpec again = in.spec;
        again.machine.type = fmt::format("pseries-{}", info.name);
        const SpaprPlan replanned = make_spapr_plan(again, in.release, in.host);
        fix.proven = replanned.outcome == Outcome::Ok && replanned.memlock.nvlink2_gpus > 0;
        f.fixes.push_back(fix);
        out.push_back(std::move(f));
        return;
    }
    for (const auto& phb : m.phbs) {
        if (!phb.nvlink2.error.empty()) {
            Finding f = make(FindingKind::SpaprNvlink2, Verdict::Fail, fmt::format("QEMU maps no NVLink2 window on PHB {}", phb.index),
                             fmt::format("QEMU prints \"{}\" at reset", phb.nvlink2.error),
                             "spapr_phb_nvgpu_setup drops every GPU RAM and ATSD window of the PHB on any error");
            f.no_fix = "spread the GPUs (at most 6, 3 links each) over more PHBs";
            out.push_back(std::move(f));
            continue;
        }
        if (phb.nvlink2.ram_end && *phb.nvlink2.ram_end > phb.placement.nv2_gpa + spapr::NV2RAM64_WIN_SIZE) {
            out.push_back(make(FindingKind::SpaprNvlink2, Verdict::Fail, fmt::format("GPU RAM of PHB {} passes its 2 TiB window", phb.index),
                               fmt::format("it ends at {:#x}", *phb.nvlink2.ram_end),
                               "QEMU does not check it: the next PHB's GPU RAM overlaps"));
        }
        if (phb.nvlink2.atsd_count > spapr::NV2ATSD_MAX_IN_DT) {
            out.push_back(make(FindingKind::SpaprNvlink2, Verdict::Warn, fmt::format("PHB {} has more than 8 ATSD blocks", phb.index),
                               fmt::format("{} NVLink bridges", phb.nvlink2.atsd_count),
                               "spapr_phb_nvgpu_populate_dt: \"Only 8 ATSD registers supported\"; the rest are not in the device tree"));
        }
    }
    out.push_back(make(FindingKind::SpaprNvlink2Host, Verdict::Warn, "NVLink2 passthrough needs a host kernel before 5.13",
                       fmt::format("{} GPU RAM window(s) planned", in.plan.memlock.nvlink2_gpus),
                       "Linux 5.13 removed vfio_pci_nvlink2 (commit b392a1989170): without it vfio exposes no GPU RAM region and "
                       "QEMU maps none (not checked here: no host snapshot carries it)"));
}

// A PHB without DDW gives its passed-through devices only the default 32-bit DMA window.
void check_ddw(const SpaprCheckInput& in, std::vector<Finding>& out) {
    for (const auto& phb : in.plan.machine.phbs) {
        const bool vfio = std::any_of(phb.functions.begin(), phb.functions.end(), [](const auto& f) { return f.function.driver == "vfio-pci"; });
        if (!vfio || phb.dma.ddw) continue;
        Finding f = make(FindingKind::SpaprDdw, Verdict::Warn, fmt::format("PHB {} has no dynamic DMA window", phb.index),
                         fmt::format("ddw is off ({}); the only DMA window is {} ({})", in.plan.machine.type.defaults.ddw ? "ddw=off" : in.plan.machine.type.name,
                                     phb.dma.default_window.to_string(), human_size(phb.dma.default_window.size())),
                         "hw/ppc/spapr_pci.c advertises ibm,ddw-applicable only with ddw on: the guest must map every DMA buffer "
                         "through the small default window (pseries-2.6 and older have ddw off)");
        Fix fix;
        fix.summary = "turn DDW on for the PHB";
        fix.qemu_args = {"-global", "spapr-pci-host-bridge.ddw=on"};
        fix.libvirt_xml = "<qemu:commandline><qemu:arg value='-global'/><qemu:arg value='spapr-pci-host-bridge.ddw=on'/></qemu:commandline>";
        VmSpec again = in.spec;
        again.globals.push_back(GlobalSpec{"spapr-pci-host-bridge", "ddw", "on", {"the fix"}});
        // A device's own ddw=off still wins over the global: proven only if the re-plan has DDW here.
        const SpaprPlan replanned = make_spapr_plan(again, in.release, in.host);
        for (const auto& p : replanned.machine.phbs) {
            if (p.index == phb.index) fix.proven = p.dma.ddw;
        }
        f.fixes.push_back(fix);
        out.push_back(std::move(f));
    }
}

// A <hard_limit> fix changes what libvirt gives QEMU and nothing QEMU builds: every check runs again with
// it, and it is proven when host.memlock passes and no other check fails that passed before.
void prove_hard_limit(const SpaprCheckInput& in, const std::vector<Finding>& before, Fix& fix) {
    LibvirtMemlockInput fixed = *in.libvirt_memlock;
    fixed.hard_limit_kib = fix.domain.hard_limit_kib;
    SpaprCheckInput again = in;
    again.libvirt_memlock = &fixed;
    const std::vector<Finding> after = run_spapr_checks(again);
    std::vector<std::string> new_failures;
    for (const auto& f : after) {
        if (f.verdict != Verdict::Fail) continue;
        const bool failed_before = std::any_of(before.begin(), before.end(), [&](const Finding& b) {
            return b.kind == f.kind && b.kind != FindingKind::HostMemlock && b.verdict == Verdict::Fail;
        });
        if (!failed_before) new_failures.emplace_back(to_string(f.kind));
    }
    fix.proven = new_failures.empty();
    fix.proof = fix.proven ? FixProof::Proven : FixProof::Refuted;
    fix.proof_text = fix.proven ? fmt::format("every pSeries check run again with it: host.memlock passes ({})", fix.proof_text)
                                : fmt::format("checked again with it, still failing: {}", fmt::join(new_failures, ", "));
}

}  // namespace

std::vector<Finding> run_spapr_checks(const SpaprCheckInput& in) {
    std::vector<Finding> out;
    if (in.plan.outcome == Outcome::Refused) {
        Finding f = make(FindingKind::QemuRefusal, Verdict::Fail, "QEMU refuses the command line", "qemu-system-ppc64: " + in.plan.refusal,
                         "QEMU exits before the guest runs");
        if (in.plan.refusal.find("for PAPR PHB is too large") != std::string::npos) {
            f.no_fix = fmt::format("use a PHB index of at most {} (pseries-2.8 and later place PHBs between 32 and 64 TiB, 1 TiB each)",
                                   spapr::MAX_PHBS - 1);
        } else {
            f.no_fix = "change the argument QEMU names";
        }
        out.push_back(std::move(f));
        return out;
    }
    check_bars(in, out);
    check_ram(in, out);
    check_ddw(in, out);
    check_nvlink2(in, out);
    if (in.libvirt_memlock) {
        if (auto memlock = check_spapr_memlock({in.plan, *in.libvirt_memlock, in.libvirt_version})) {
            for (auto& fix : memlock->fixes) {
                if (fix.domain.hard_limit_kib) prove_hard_limit(in, out, fix);
            }
            out.push_back(std::move(*memlock));
        }
    }
    return out;
}

}  // namespace aperture
