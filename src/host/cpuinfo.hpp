#pragma once
// The host CPU as /proc/cpuinfo describes it: vendor and physical address width (HostCpu, what QEMU copies
// for KVM guests), and for the host probe also the model name, the virtual address width and the flags
// that decide guest-physical layouts. Parsing takes the text so tests need no real /proc.

#include <optional>
#include <string>

#include "machine/cpu_model.hpp"

namespace aperture {

// Flags from the "flags" line (arch/x86/include/asm/cpufeatures.h names); "ept" is also looked for on the
// "vmx flags" line, where newer kernels list VMX features, and "ept_5level" only there.
struct HostCpuFlags {
    bool pdpe1gb = false;  // 1 GiB pages (CPUID 0x80000001 EDX bit 26)
    bool la57 = false;     // 5-level paging: 57-bit virtual addresses
    bool vmx = false;      // Intel VT-x
    bool svm = false;      // AMD-V
    bool ept = false;      // Intel extended page tables (two-dimensional paging under VT-x)
    bool npt = false;      // AMD nested page tables (two-dimensional paging under AMD-V)
    // 5-level EPT ("vmx flags" only: arch/x86/include/asm/vmxfeatures.h VMX_FEATURE_EPT_5LEVEL)
    bool ept_5level = false;

    friend bool operator==(const HostCpuFlags&, const HostCpuFlags&) = default;
};

// The first value of each field in the text (every processor block repeats them). A field the text lacks,
// or an "address sizes" line not of the form "46 bits physical, 57 bits virtual", is left unknown.
struct HostCpuDetails {
    std::optional<std::string> vendor;      // vendor_id: "GenuineIntel", "AuthenticAMD"
    std::optional<std::string> model_name;  // model name
    std::optional<unsigned> phys_bits;      // address sizes
    std::optional<unsigned> virt_bits;
    HostCpuFlags flags;

    friend bool operator==(const HostCpuDetails&, const HostCpuDetails&) = default;
};

HostCpuDetails parse_cpuinfo_details(const std::string& text);

// What QEMU needs of the host CPU; nullopt when the vendor or the physical width is unknown.
std::optional<HostCpu> host_cpu(const HostCpuDetails& details);

// nullopt when the text has no vendor_id or no "address sizes" line.
std::optional<HostCpu> parse_cpuinfo(const std::string& text);

}  // namespace aperture
