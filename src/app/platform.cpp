#include "app/platform.hpp"

#include "input/ppc64_command_line.hpp"

namespace aperture::app {

namespace {

bool is_ppc64_invocation(const std::vector<std::string>& qemu_args, const std::string& arch) {
    if (arch == "ppc64") return true;
    if (!arch.empty()) return false;
    return looks_like_ppc64_command_line(qemu_args);
}

}  // namespace

Platform platform_of(const VmRequest& vm) {
    if (!vm.source.xl_cfg.empty()) return Platform::XenHvm;
    if (is_ppc64_invocation(vm.source.qemu_args, vm.arch)) return Platform::QemuPseries;
    return Platform::QemuX86;
}

}  // namespace aperture::app
