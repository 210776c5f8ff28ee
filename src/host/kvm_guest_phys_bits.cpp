#include "host/kvm_guest_phys_bits.hpp"

namespace aperture {

const char* to_string(GuestPhysBitsSource source) {
    switch (source) {
        case GuestPhysBitsSource::Measured: return "measured";
        case GuestPhysBitsSource::InferredFromKernel: return "inferred-from-kernel";
        case GuestPhysBitsSource::Unknown: return "unknown";
    }
    return "";
}

const char* to_string(GuestPhysBitsBasis basis) {
    switch (basis) {
        case GuestPhysBitsBasis::KvmReported: return "kvm-reported";
        case GuestPhysBitsBasis::KernelBefore610: return "kernel-before-6.10";
        case GuestPhysBitsBasis::TdpOff: return "tdp-off";
        case GuestPhysBitsBasis::HostPhysBits: return "host-phys-bits";
        case GuestPhysBitsBasis::FourLevelTdpCap: return "4-level-tdp-cap";
        case GuestPhysBitsBasis::KernelReleaseUnknown: return "kernel-release-unknown";
        case GuestPhysBitsBasis::TdpUnknown: return "tdp-unknown";
        case GuestPhysBitsBasis::HostPhysBitsUnknown: return "host-phys-bits-unknown";
    }
    return "";
}

GuestPhysBitsSource source_of(GuestPhysBitsBasis basis) {
    switch (basis) {
        case GuestPhysBitsBasis::KvmReported: return GuestPhysBitsSource::Measured;
        case GuestPhysBitsBasis::KernelBefore610:
        case GuestPhysBitsBasis::TdpOff:
        case GuestPhysBitsBasis::HostPhysBits:
        case GuestPhysBitsBasis::FourLevelTdpCap: return GuestPhysBitsSource::InferredFromKernel;
        case GuestPhysBitsBasis::KernelReleaseUnknown:
        case GuestPhysBitsBasis::TdpUnknown:
        case GuestPhysBitsBasis::HostPhysBitsUnknown: return GuestPhysBitsSource::Unknown;
    }
    return GuestPhysBitsSource::Unknown;
}

GuestPhysBitsFacts guest_phys_bits_facts(const std::optional<HostCpuDetails>& cpu, const KvmPaging& paging,
                                         const std::optional<std::string>& kernel_release) {
    GuestPhysBitsFacts facts;
    facts.kernel_release = kernel_release;
    facts.paging = paging;
    if (!cpu) return facts;
    facts.host_phys_bits = cpu->phys_bits;
    const bool ept = paging.ept.value_or(false);
    const bool npt = paging.npt.value_or(false);
    facts.five_level_tdp = (ept && cpu->flags.ept_5level) || (npt && cpu->flags.la57);
    return facts;
}

KvmGuestPhysBits infer_kvm_guest_phys_bits(const GuestPhysBitsFacts& facts) {
    const auto kernel = facts.kernel_release ? parse_kernel_version(*facts.kernel_release) : std::nullopt;
    if (!kernel) return {GuestPhysBitsBasis::KernelReleaseUnknown, std::nullopt};
    if (*kernel < kFirstKernelReportingGuestPhysBits) return {GuestPhysBitsBasis::KernelBefore610, 0u};
    const KvmPaging& paging = facts.paging;
    if (!paging.ept && !paging.npt) return {GuestPhysBitsBasis::TdpUnknown, std::nullopt};
    // tdp_enabled: the loaded module's parameter (only one of kvm_intel and kvm_amd loads on a host).
    if (!paging.ept.value_or(false) && !paging.npt.value_or(false)) return {GuestPhysBitsBasis::TdpOff, 0u};
    if (!facts.host_phys_bits) return {GuestPhysBitsBasis::HostPhysBitsUnknown, std::nullopt};
    if (facts.five_level_tdp || *facts.host_phys_bits <= kFourLevelTdpGuestPhysBits) {
        return {GuestPhysBitsBasis::HostPhysBits, *facts.host_phys_bits};
    }
    return {GuestPhysBitsBasis::FourLevelTdpCap, kFourLevelTdpGuestPhysBits};
}

KvmGuestPhysBits probe_kvm_guest_phys_bits(const GuestPhysBitsFacts& facts, const KvmDevice* device) {
    KvmDeviceOutcome outcome = KvmDeviceOutcome::NotAsked;
    if (device) {
        const KvmCpuidAnswer answer = device->supported_cpuid_eax(kAddressSizesLeaf);
        outcome = answer.outcome;
        if (outcome == KvmDeviceOutcome::Answered) {
            // kvm_arch_get_supported_cpuid gives QEMU 0 for a leaf KVM does not list.
            const std::uint32_t eax = answer.eax.value_or(0);
            return {GuestPhysBitsBasis::KvmReported, (eax >> kGuestPhysBitsShift) & kGuestPhysBitsMask, outcome};
        }
    }
    KvmGuestPhysBits inferred = infer_kvm_guest_phys_bits(facts);
    inferred.device = outcome;
    return inferred;
}

}  // namespace aperture
