#include "host/kvm_device.hpp"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

#include "core/file_descriptor.hpp"

#if defined(__x86_64__) || defined(__i386__)
#include <linux/kvm.h>
#define APERTURE_HAS_KVM_CPUID 1
#endif

namespace aperture {

namespace {

#ifdef APERTURE_HAS_KVM_CPUID
// arch/x86/kvm/cpuid.h KVM_MAX_CPUID_ENTRIES: the most entries KVM_GET_SUPPORTED_CPUID returns; with fewer
// room it fails with E2BIG.
constexpr std::uint32_t kMaxCpuidEntries = 256;

KvmDeviceOutcome open_failure(int error) {
    if (error == ENOENT || error == ENOTDIR || error == ENXIO || error == ENODEV) return KvmDeviceOutcome::Absent;
    if (error == EACCES || error == EPERM) return KvmDeviceOutcome::NoPermission;
    return KvmDeviceOutcome::Failed;
}
#endif

}  // namespace

const char* to_string(KvmDeviceOutcome outcome) {
    switch (outcome) {
        case KvmDeviceOutcome::NotAsked: return "not-asked";
        case KvmDeviceOutcome::Answered: return "answered";
        case KvmDeviceOutcome::Absent: return "absent";
        case KvmDeviceOutcome::NoPermission: return "no-permission";
        case KvmDeviceOutcome::Failed: return "failed";
    }
    return "";
}

KvmCpuidAnswer DevKvm::supported_cpuid_eax(std::uint32_t function) const {
#ifdef APERTURE_HAS_KVM_CPUID
    // O_NONBLOCK: a path that is not the device (a FIFO in a test) must not hang the probe.
    const FileDescriptor device(::open(path_.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY));
    if (device.fd() < 0) return {open_failure(errno), std::nullopt};
    // struct kvm_cpuid2 ends in a flexible array of kvm_cpuid_entry2: one buffer of 32-bit words holds both.
    std::vector<std::uint32_t> buffer((sizeof(kvm_cpuid2) + kMaxCpuidEntries * sizeof(kvm_cpuid_entry2)) / sizeof(std::uint32_t));
    auto* cpuid = reinterpret_cast<kvm_cpuid2*>(buffer.data());
    cpuid->nent = kMaxCpuidEntries;
    int result = 0;
    do {
        result = ::ioctl(device.fd(), KVM_GET_SUPPORTED_CPUID, cpuid);
    } while (result < 0 && errno == EINTR);
    if (result < 0) return {KvmDeviceOutcome::Failed, std::nullopt};
    for (std::uint32_t i = 0; i < cpuid->nent && i < kMaxCpuidEntries; ++i) {
        const kvm_cpuid_entry2& entry = cpuid->entries[i];
        if (entry.function == function && entry.index == 0) return {KvmDeviceOutcome::Answered, entry.eax};
    }
    return {KvmDeviceOutcome::Answered, std::nullopt};
#else
    (void)function;
    return {KvmDeviceOutcome::Absent, std::nullopt};  // no x86 KVM on this build's architecture
#endif
}

}  // namespace aperture
