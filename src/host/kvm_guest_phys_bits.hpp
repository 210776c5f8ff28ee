#pragma once
// The GuestPhysBits KVM reports: CPUID 0x80000008 EAX[23:16] in KVM_GET_SUPPORTED_CPUID, the widest
// guest-physical address the host's two-dimensional paging can map. QEMU 9.1+ machine types copy it into
// a KVM guest's CPUID (target/i386/kvm/kvm-cpu.c kvm_set_guest_phys_bits), and OVMF 202408+ trusts a
// non-zero value and caps its phys-bits with it, which moves the 64-bit PCI window.
//
// The probe asks KVM when it can (/dev/kvm, host/kvm_device.hpp). Otherwise it infers the answer from
// what Linux does (arch/x86/kvm/cpuid.c __do_cpuid_func, leaf 0x80000008, since b628cb523c65 "KVM: x86:
// Advertise max mappable GPA in CPUID.0x80000008.GuestPhysBits", Linux 6.10): 0 before 6.10 and without
// TDP (EPT/NPT); with TDP the host's MAXPHYADDR, capped at 48 bits unless TDP walks 5 levels.
// The inference reads /proc/cpuinfo's width, which the kernel lowers on hosts that encrypt memory (AMD
// SME, Intel TME-MK) while KVM reports the unreduced one; and a distribution kernel that backported the
// change to an older release is taken for an older kernel.

#include <optional>
#include <string>

#include "host/cpuinfo.hpp"
#include "host/kernel_version.hpp"
#include "host/kvm_device.hpp"
#include "host/kvm_paging.hpp"

namespace aperture {

// b628cb523c65 first shipped in Linux 6.10.
inline constexpr KernelVersion kFirstKernelReportingGuestPhysBits{6, 10};
// arch/x86/kvm/cpuid.c, leaf 0x80000008: g_phys_as = min(g_phys_as, 48) when kvm_mmu_get_max_tdp_level() < 5.
inline constexpr unsigned kFourLevelTdpGuestPhysBits = 48;
// The leaf and its field.
inline constexpr std::uint32_t kAddressSizesLeaf = 0x8000'0008;
inline constexpr unsigned kGuestPhysBitsShift = 16;  // EAX[23:16]
inline constexpr std::uint32_t kGuestPhysBitsMask = 0xff;

enum class GuestPhysBitsSource {
    Measured,            // KVM_GET_SUPPORTED_CPUID answered
    InferredFromKernel,  // from the kernel release, the KVM module's TDP and the host's width
    Unknown,             // neither: a fact the inference needs is unknown
};
// "measured", "inferred-from-kernel", "unknown"
const char* to_string(GuestPhysBitsSource source);

// Why the value is what it is: KVM's answer, the rule of __do_cpuid_func that gives it, or the missing fact.
enum class GuestPhysBitsBasis {
    KvmReported,           // Measured
    KernelBefore610,       // inferred 0: the kernel predates b628cb523c65
    TdpOff,                // inferred 0: kvm_intel ept=N or kvm_amd npt=N (shadow paging)
    HostPhysBits,          // inferred: TDP on, the host's MAXPHYADDR (5-level TDP, or a host of at most 48 bits)
    FourLevelTdpCap,       // inferred 48: TDP on, a host wider than 48 bits, 4-level TDP
    KernelReleaseUnknown,  // unknown: /proc/sys/kernel/osrelease unread or not "MAJOR.MINOR..."
    TdpUnknown,            // unknown: neither kvm_intel nor kvm_amd is loaded
    HostPhysBitsUnknown,   // unknown: /proc/cpuinfo gives no address sizes
};
// "kvm-reported", "kernel-before-6.10", "tdp-off", "host-phys-bits", "4-level-tdp-cap",
// "kernel-release-unknown", "tdp-unknown", "host-phys-bits-unknown"
const char* to_string(GuestPhysBitsBasis basis);
GuestPhysBitsSource source_of(GuestPhysBitsBasis basis);

struct KvmGuestPhysBits {
    GuestPhysBitsBasis basis = GuestPhysBitsBasis::KernelReleaseUnknown;
    std::optional<unsigned> bits;                         // nullopt exactly when the source is Unknown
    KvmDeviceOutcome device = KvmDeviceOutcome::NotAsked;  // what /dev/kvm said

    GuestPhysBitsSource source() const { return source_of(basis); }
    friend bool operator==(const KvmGuestPhysBits&, const KvmGuestPhysBits&) = default;
};

// What the inference reads.
struct GuestPhysBitsFacts {
    std::optional<std::string> kernel_release;
    KvmPaging paging;
    std::optional<unsigned> host_phys_bits;  // /proc/cpuinfo address sizes
    // TDP walks 5 levels: EPT when the CPU has 5-level EPT (arch/x86/kvm/vmx/vmx.c vmx_get_max_ept_level;
    // cpuinfo's "vmx flags" list it as "ept_5level", a kernel too old to list it is taken for 4 levels);
    // NPT when the host kernel runs 5-level paging (svm.c get_npt_level; cpuinfo lists "la57" only then).
    bool five_level_tdp = false;
};

// The facts from what the probe read: `cpu` nullopt when /proc/cpuinfo could not be read, `kernel_release`
// when /proc/sys/kernel/osrelease could not.
GuestPhysBitsFacts guest_phys_bits_facts(const std::optional<HostCpuDetails>& cpu, const KvmPaging& paging,
                                         const std::optional<std::string>& kernel_release);

// What Linux reports for these facts (device NotAsked).
KvmGuestPhysBits infer_kvm_guest_phys_bits(const GuestPhysBitsFacts& facts);

// KVM's answer when `device` gives one; the inference otherwise, recording what the device said.
// `device` nullptr: none is asked (a copied tree).
KvmGuestPhysBits probe_kvm_guest_phys_bits(const GuestPhysBitsFacts& facts, const KvmDevice* device);

}  // namespace aperture
