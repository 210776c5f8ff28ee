#include "diagnostics/spapr_memlock_check.hpp"

#include <fmt/format.h>

#include "diagnostics/fix_syntax.hpp"
#include "libvirt/libvirt_memlock_release.hpp"

namespace aperture {

namespace {

// <hard_limit> is also the cgroup's memory limit: 1 GiB above what is locked leaves QEMU room for its own
// memory, as the x86 host.memlock fix does.
constexpr u64 kHardLimitHeadroomKiB = GiB / KiB;

std::string limit_text(const LibvirtMemlockLimit& limit) {
    switch (limit.action) {
        case LibvirtMemlockAction::Set: return fmt::format("{} ({})", human_size(limit.bytes), limit.explanation);
        case LibvirtMemlockAction::Unlimited: return fmt::format("unlimited ({})", limit.explanation);
        case LibvirtMemlockAction::Leave: return fmt::format("nothing: libvirtd's own limit stays ({})", limit.explanation);
    }
    return "";
}

bool covers(const LibvirtMemlockLimit& limit, u64 need) {
    return limit.action == LibvirtMemlockAction::Unlimited || (limit.action == LibvirtMemlockAction::Set && limit.bytes >= need);
}

}  // namespace

LibvirtMemlockLimit spapr_memlock_need(const SpaprMemlockInput& in) {
    LibvirtMemlockInput need = in.domain;
    need.hard_limit_kib.reset();
    need.locked = false;
    // What KVM and the SPAPR TCE IOMMU lock does not depend on how libvirt was told to start QEMU.
    need.arch = LibvirtGuestArch::Ppc64;
    need.virt_type = LibvirtVirtType::Kvm;
    need.pseries_phbs = in.plan.memlock.phb_count;
    // The 128 TiB DMA window exists when QEMU maps GPU RAM (an NVLink2-capable QEMU and machine type).
    need.nvlink2 = in.plan.memlock.nvlink2_gpus > 0;
    return libvirt_memlock_limit(need, libvirt_memlock_newest_read());
}

std::optional<Finding> check_spapr_memlock(const SpaprMemlockInput& in) {
    if (!in.plan.memlock.vfio) return std::nullopt;
    const LibvirtMemlockLimit need = spapr_memlock_need(in);
    const LibvirtMemlockLimit limit = libvirt_memlock_limit(in.domain, in.version);
    const bool nvlink2 = in.plan.memlock.nvlink2_gpus > 0;

    Finding f;
    f.kind = FindingKind::HostMemlock;
    f.title = nvlink2 ? "The locked-memory limit covers what VFIO and NVLink2 lock" : "The locked-memory limit covers what VFIO locks";
    f.evidence = fmt::format("{} need {} ({}); libvirt {}{} gives QEMU {}", nvlink2 ? "VFIO and NVLink2" : "VFIO", human_size(need.bytes),
                             need.explanation, to_string(in.version), limit.verified ? "" : " (formula as of 10.7.0, the newest read)",
                             limit_text(limit));
    f.why = "the host's SPAPR TCE IOMMU charges every pinned guest page and every TCE table to QEMU's RLIMIT_MEMLOCK "
            "(drivers/vfio/vfio_iommu_spapr_tce.c, account_locked_vm)";
    if (covers(limit, need.bytes)) return f;
    if (limit.action == LibvirtMemlockAction::Leave) {
        f.verdict = Verdict::Warn;
        f.why += "; with <hard_limit> 0 libvirt leaves QEMU libvirtd's own limit, which aperture cannot see";
        return f;
    }
    f.verdict = Verdict::Fail;
    const u64 short_by = need.bytes - limit.bytes;
    if (in.domain.hard_limit_kib) {
        f.why += fmt::format(": <hard_limit> replaces libvirt's formula and is {} short; past it, creating the DMA window or mapping guest RAM "
                             "fails with ENOMEM and the device gets no DMA",
                             human_size(short_by));
    } else if (nvlink2 && !libvirt_has_memlock_branch(in.version, LibvirtMemlockBranch::Ppc64Nvlink2)) {
        f.why += fmt::format(": libvirt {} predates the NVLink2 term of getPPC64MemLockLimitBytes (libvirt {}), so it sizes the limit for "
                             "plain VFIO, {} short of the TCE tables of a DMA window reaching 128 TiB",
                             to_string(in.version), to_string(libvirt_memlock_branch_since(LibvirtMemlockBranch::Ppc64Nvlink2)), human_size(short_by));
    } else {
        f.why += fmt::format(": libvirt {}'s formula is {} short for this domain", to_string(in.version), human_size(short_by));
    }
    // Proven when libvirt's own formula, given the new <hard_limit>, covers the need; `aperture fix`
    // then writes it and checks the written domain again.
    const u64 hard_limit_kib = need.bytes / KiB + kHardLimitHeadroomKiB;
    Fix fix = hard_limit_fix(hard_limit_kib);
    fix.apply = nullptr;  // the x86 whole-check proof does not run for pSeries; proven below
    LibvirtMemlockInput fixed = in.domain;
    fixed.hard_limit_kib = hard_limit_kib;
    const LibvirtMemlockLimit after = libvirt_memlock_limit(fixed, in.version);
    fix.proven = covers(after, need.bytes);
    fix.proof = fix.proven ? FixProof::Proven : FixProof::Refuted;
    fix.proof_text = fmt::format("libvirt {} then sets {}", to_string(in.version), human_size(after.bytes));
    fix.closes.emplace_back(to_string(f.kind));
    f.fixes.push_back(std::move(fix));
    if (nvlink2 && !in.domain.hard_limit_kib && !libvirt_has_memlock_branch(in.version, LibvirtMemlockBranch::Ppc64Nvlink2)) {
        Fix upgrade;
        upgrade.summary = fmt::format("start the domain with libvirt {} or later, whose formula has the NVLink2 term",
                                      to_string(libvirt_memlock_branch_since(LibvirtMemlockBranch::Ppc64Nvlink2)));
        upgrade.scope = FixScope::HostSide;
        upgrade.trade_off = "a libvirt upgrade on the host; every domain there gets the newer release's behaviour";
        const LibvirtVersion first = libvirt_memlock_branch_since(LibvirtMemlockBranch::Ppc64Nvlink2);
        const LibvirtMemlockLimit upgraded = libvirt_memlock_limit(in.domain, first);
        upgrade.proven = covers(upgraded, need.bytes);
        upgrade.proof = upgrade.proven ? FixProof::Proven : FixProof::Refuted;
        upgrade.proof_text = fmt::format("libvirt {} sets {}", to_string(first), human_size(upgraded.bytes));
        upgrade.closes.emplace_back(to_string(f.kind));
        f.fixes.push_back(std::move(upgrade));
    }
    return f;
}

}  // namespace aperture
