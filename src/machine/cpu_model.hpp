#pragma once
// The guest CPU as QEMU 7.2 builds it from -cpu: the vendor (it decides QEMU's AMD 1 TiB relocation and
// OVMF's trust in phys-bits), long mode, 1 GiB pages, and the physical address width.

#include <optional>
#include <string>

#include "config/vm_spec.hpp"

namespace aperture {

enum class Accelerator { Tcg, Kvm };

// What aperture needs to know of the host when QEMU copies it (KVM: named models take the host's
// vendor, host-phys-bits takes its address width).
struct HostCpu {
    std::string vendor;  // "GenuineIntel", "AuthenticAMD"
    unsigned phys_bits = 0;
    // CPUID 0x80000008 EAX[23:16] as KVM_GET_SUPPORTED_CPUID reports it: the widest GPA the host's two-dimensional
    // paging maps (Linux 6.10+, b628cb523c65), 0 from older kernels or without TDP; nullopt when unknown.
    std::optional<unsigned> kvm_guest_phys_bits;
};

// What the QEMU release and machine type decide about the CPUID a guest sees.
struct CpuidRules {
    bool guest_phys_bits_property = false;  // QemuRelease::guest_phys_bits_property
    bool guest_phys_bits_from_kvm = false;  // MachineTypeFacts::guest_phys_bits_from_kvm
    bool intel_vendor_leaf_blank = false;   // MachineTypeFacts::intel_vendor_leaf_blank
};

struct GuestCpu {
    std::string model;   // "qemu64"
    std::string vendor;  // CPUID vendor string
    bool long_mode = true;
    bool pdpe1gb = false;  // CPUID 0x80000001 EDX bit 26, 1 GiB pages
    unsigned phys_bits = 40;
    std::string phys_bits_origin;  // why this width: "QEMU default (TCG_PHYS_ADDR_BITS)", "phys-bits=", ...
    unsigned guest_phys_bits = 0;  // CPUID 0x80000008 EAX[23:16]; 0: not reported
    std::string guest_phys_bits_origin;
    // CPUID 0x80000000 EBX/EDX/ECX: the vendor string, or empty where QEMU leaves it out (Intel, 10.1+ types).
    std::string extended_leaf_vendor;

    bool is_amd() const { return vendor == "AuthenticAMD"; }
};

// Throws InputError for an unknown model or option; returns the refusal message QEMU prints for a
// phys-bits it rejects through `refusal` (left empty when QEMU accepts).
GuestCpu resolve_guest_cpu(const CpuSpec& spec, Accelerator accel, const std::optional<HostCpu>& host, const CpuidRules& rules,
                           std::string& refusal);

}  // namespace aperture
