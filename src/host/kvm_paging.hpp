#pragma once
// Whether KVM runs guests with two-dimensional paging (Intel EPT, AMD NPT). Without it KVM shadows guest
// page tables and the guest-physical width the host can back changes, so a report must say which. Read from
// the module parameters kvm_intel.ept and kvm_amd.npt.

#include <optional>
#include <string>

#include "host/host_files.hpp"

namespace aperture {

// arch/x86/kvm/vmx/vmx.c: module_param_named(ept, enable_ept, bool, 0444)
inline constexpr const char* kKvmIntelEptParameter = "/sys/module/kvm_intel/parameters/ept";
// arch/x86/kvm/svm/svm.c: module_param_named(npt, npt_enabled, bool, 0444), "Y"/"N"; older kernels had
// module_param(npt, int, S_IRUGO), printed "1"/"0" (the value asked for, even where hardware forced it off)
inline constexpr const char* kKvmAmdNptParameter = "/sys/module/kvm_amd/parameters/npt";

struct KvmPaging {
    std::optional<bool> ept;  // nullopt: kvm_intel is not loaded, so nothing says
    std::optional<bool> npt;  // nullopt: kvm_amd is not loaded

    friend bool operator==(const KvmPaging&, const KvmPaging&) = default;
};

// A module parameter's value: "Y"/"N" for bool parameters, "1"/"0" for int ones; nullopt otherwise.
std::optional<bool> parse_module_bool(const std::string& text);

// Throws InputError naming the parameter file when it holds anything else.
KvmPaging read_kvm_paging(const HostFiles& files);

}  // namespace aperture
