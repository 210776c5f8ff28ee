#include "app/xen_vm.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "app/passthrough_option.hpp"
#include "core/error.hpp"
#include "core/size_parse.hpp"
#include "devices/passthrough_catalog.hpp"
#include "host/host_context.hpp"
#include "host/host_snapshot_json.hpp"

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
    if (!request.host_file.empty()) {
        const HostSnapshot host = load_host_snapshot(request.host_file);
        vm.options.passthrough = host_context(host).passthrough;
        for (const auto& device : host.pci) {
            std::string why_not;
            if (!passthrough_function(device, why_not)) vm.options.not_passable[device.address] = why_not;
        }
        if (host.cpu && host.cpu->phys_bits) {
            vm.options.phys_bits = *host.cpu->phys_bits;
            vm.options.phys_bits_source = "the host's, from " + request.host_file + " (Xen passes it to HVM guests)";
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
    XenHotplugRequest r;
    r.what = text;
    if (auto device = find_passthrough_device(text)) {
        r.device = device->function;
        return r;
    }
    if (text.find('=') != std::string::npos) {
        int index = 0;
        std::size_t start = 0;
        while (start <= text.size()) {
            const auto comma = text.find(',', start);
            const std::string part = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
            const auto eq = part.find('=');
            const std::string kind = eq == std::string::npos ? "" : part.substr(0, eq);
            const auto size = eq == std::string::npos ? std::nullopt : parse_size(part.substr(eq + 1));
            if ((kind != "mem32" && kind != "mem64") || !size || *size == 0 || !is_power_of_two(*size)) {
                throw InputError(fmt::format("--will-attach {}: expected a host BDF, a catalog device ({}) or mem32=SIZE,mem64=SIZE "
                                             "(powers of two, e.g. mem32=16M,mem64=256M)",
                                             text, fmt::join(passthrough_device_names(), ", ")));
            }
            r.device.bars.push_back(kind == "mem32" ? BarSpec::memory32(index, *size, Prefetchable::No) : BarSpec::memory64(index, *size, Prefetchable::Yes));
            index += kind == "mem64" ? 2 : 1;
            if (index > 6) throw InputError(fmt::format("--will-attach {}: more BARs than a PCI function has", text));
            if (comma == std::string::npos) break;
            start = comma + 1;
        }
        return r;
    }
    const XlPciDevice device = parse_pci_spec(text, "--will-attach");
    auto it = options.passthrough.find(device.host_address);
    if (it == options.passthrough.end()) {
        throw InputError(fmt::format("--will-attach {}: host device {} is not known: give --host FILE or --passthrough {}=h100", text, device.host_address, device.host_address));
    }
    r.device = it->second;
    r.host_address = device.host_address;
    return r;
}

}  // namespace aperture::app
