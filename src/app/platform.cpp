#include "app/platform.hpp"

#include <fmt/format.h>

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
        bool ppc64 = false;
        try {
            ppc64 = libvirt_domain_is_ppc64(read_input_file(path, kDomainXmlKind), input_display_name(path));
        } catch (const InputError&) {
            // Unreadable or not XML: the x86 reader reads it again and says so in its own words, as before.
            return Platform::QemuX86;
        }
        // --arch is for a command line that does not name its binary; a domain names its own architecture,
        // and an --arch that contradicts it is a mistake, not a choice.
        const bool arch_ppc64 = vm.arch == "ppc64" || vm.arch == "ppc64le";
        if (!vm.arch.empty() && arch_ppc64 != ppc64) {
            throw InputError(fmt::format("--arch {}: {} is {} (its <os><type arch=...>); drop --arch, a libvirt domain names its "
                                         "own architecture",
                                         vm.arch, path, ppc64 ? "a ppc64 pSeries domain" : "not a ppc64 domain"));
        }
        return ppc64 ? Platform::QemuPseries : Platform::QemuX86;
    }
    if (is_ppc64_invocation(vm.source.qemu_args, vm.arch)) return Platform::QemuPseries;
    return Platform::QemuX86;
}

}  // namespace aperture::app
