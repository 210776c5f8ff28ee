#include "app/xen_vm.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "app/passthrough_option.hpp"
#include "app/requested_host.hpp"
#include "app/will_attach_option.hpp"
#include "core/error.hpp"
#include "host/host_context.hpp"

namespace aperture::app {

XenVm prepare_xen_vm(const VmRequest& request) {
    XenVm vm{load_xl_domain_config(request.source.xl_cfg), {}};
    if (!request.xen_release.empty()) {
        auto release = parse_hvmloader_release(request.xen_release);
        if (!release) {
            throw InputError(fmt::format("--xen {}: expected one of {}", request.xen_release, fmt::join(hvmloader_release_names(), ", ")));
        }
        vm.options.release = *release;
    }
    if (const std::shared_ptr<const HostSnapshot> requested = requested_host(request)) {
        const HostSnapshot& host = *requested;
        vm.options.passthrough = host_context(host).passthrough;
        for (const auto& device : host.pci) {
            std::string why_not;
            if (!passthrough_function(device, why_not)) vm.options.not_passable[device.address] = why_not;
        }
        if (host.cpu && host.cpu->phys_bits) {
            vm.options.phys_bits = *host.cpu->phys_bits;
            vm.options.phys_bits_source = "the host's, from " + requested_host_name(request) + " (Xen passes it to HVM guests)";
        }
    }
    for (auto& [address, function] : passthrough_functions(request.passthrough)) vm.options.passthrough[address] = std::move(function);
    if (request.xen_phys_bits) {
        vm.options.phys_bits = request.xen_phys_bits;
        vm.options.phys_bits_source = "--phys-bits";
    }
    return vm;
}

XenHotplugRequest xen_hotplug_request(const std::string& text, const XenPlanOptions& options) {
    AttachedDevice attached = parse_attached_device(text, text, KnownHostDevices{options.passthrough, options.not_passable});
    return XenHotplugRequest{std::move(attached.what), std::move(attached.function), std::move(attached.host_address)};
}

}  // namespace aperture::app
