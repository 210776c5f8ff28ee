#pragma once
// KVM's own word on the CPUID it can give a guest: KVM_GET_SUPPORTED_CPUID on /dev/kvm, which QEMU asks
// before it builds a KVM guest's CPUID (target/i386/kvm/kvm.c kvm_arch_get_supported_cpuid). It is the one
// question the host probe asks the kernel other than by reading a file, so it sits behind an interface
// that tests replace.

#include <cstdint>
#include <optional>
#include <string>

namespace aperture {

// The KVM device node (Documentation/virt/kvm/api.rst, "System ioctls").
inline constexpr const char* kDevKvm = "/dev/kvm";

enum class KvmDeviceOutcome {
    NotAsked,      // a copied tree or a saved snapshot: no device belongs to it
    Answered,      // KVM_GET_SUPPORTED_CPUID succeeded
    Absent,        // no /dev/kvm: KVM is not built in, or no kvm module is loaded
    NoPermission,  // /dev/kvm is there, but this user may not open it (not in its group, usually "kvm")
    Failed,        // opening it or the ioctl failed otherwise
};
// "not-asked", "answered", "absent", "no-permission", "failed"
const char* to_string(KvmDeviceOutcome outcome);

struct KvmCpuidAnswer {
    KvmDeviceOutcome outcome = KvmDeviceOutcome::NotAsked;
    std::optional<std::uint32_t> eax;  // Answered: the leaf's EAX; nullopt when KVM lists no such leaf
};

class KvmDevice {
public:
    virtual ~KvmDevice() = default;
    // EAX of KVM's supported-CPUID entry for leaf `function` (subleaf 0).
    virtual KvmCpuidAnswer supported_cpuid_eax(std::uint32_t function) const = 0;
};

// The live device. It is opened O_RDONLY: KVM_GET_SUPPORTED_CPUID is a system ioctl on the /dev/kvm file
// itself (virt/kvm/kvm_main.c kvm_dev_ioctl, which checks no open mode); it creates no VM and changes
// nothing, it only copies out the CPUID KVM supports. Without root it works for members of the device's
// group; otherwise the answer is NoPermission.
class DevKvm final : public KvmDevice {
public:
    explicit DevKvm(std::string path = kDevKvm) : path_(std::move(path)) {}
    KvmCpuidAnswer supported_cpuid_eax(std::uint32_t function) const override;

private:
    std::string path_;
};

}  // namespace aperture
