#include "app/platform.hpp"

#include "core/error.hpp"
#include "core/input_file.hpp"
#include "input/libvirt_xml/pseries_domain_reader.hpp"
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
    // A libvirt domain says its architecture: <os><type arch='ppc64|ppc64le'> is a pSeries guest.
    if (!vm.source.libvirt_xml.empty()) {
        const std::string& path = vm.source.libvirt_xml;
        try {
            return libvirt_domain_is_ppc64(read_input_file(path, kDomainXmlKind), path) ? Platform::QemuPseries : Platform::QemuX86;
        } catch (const InputError&) {
            // Unreadable or not XML: the x86 reader reads it again and says so in its own words, as before.
            return Platform::QemuX86;
        }
    }
    if (is_ppc64_invocation(vm.source.qemu_args, vm.arch)) return Platform::QemuPseries;
    return Platform::QemuX86;
}

}  // namespace aperture::app
