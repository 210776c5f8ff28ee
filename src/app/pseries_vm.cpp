#include "app/pseries_vm.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "app/passthrough_option.hpp"
#include "app/requested_host.hpp"
#include "core/error.hpp"
#include "core/input_file.hpp"
#include "devices/nvlink2_catalog.hpp"
#include "devices/passthrough_catalog.hpp"
#include "host/host_context.hpp"
#include "input/ppc64_command_line.hpp"
#include "machine/machine.hpp"

namespace aperture::app {

namespace {

spapr::QemuRelease release_of(const std::string& qemu_release) {
    if (qemu_release.empty()) return spapr::DEFAULT_RELEASE;
    auto r = spapr::parse_release(qemu_release);
    if (!r) {
        throw InputError(fmt::format("--qemu {}: the pseries model knows QEMU {}", qemu_release, fmt::join(spapr::release_names(), ", ")));
    }
    return *r;
}

// Every name --passthrough takes on pseries: the passthrough catalog's, then the NVLink2 devices'.
std::vector<std::string> pseries_device_names() {
    std::vector<std::string> names = passthrough_device_names();
    for (auto& n : nvlink2_device_names()) names.push_back(n);
    return names;
}

spapr::SpaprHost host_of(const VmRequest& request, const HostSnapshot* snapshot) {
    spapr::SpaprHost host;
    if (snapshot) {
        const HostContext context = host_context(*snapshot);
        for (const auto& [address, function] : context.passthrough) host.passthrough[address] = {function, std::nullopt};
    }
    std::map<std::string, u64> gpu_tgts;  // each GPU's NVLink2 target: any distinct non-zero value identifies it
    auto tgt_of = [&](const std::string& gpu) {
        auto [it, inserted] = gpu_tgts.emplace(gpu, gpu_tgts.size() + 1);
        return it->second;
    };
    for (const auto& text : request.passthrough) {
        const PassthroughOption option = parse_passthrough_option(text);
        // An NVLink bridge names the GPU it is wired to: NAME@GPUHOST.
        std::string name = option.device;
        std::string wired_to;
        if (const auto at = name.find('@'); at != std::string::npos) {
            wired_to = normalize_host_pci_address(name.substr(at + 1));
            name = name.substr(0, at);
        }
        if (auto nv = find_nvlink2_device(name)) {
            if (!nv->is_gpu && wired_to.empty()) {
                throw InputError(fmt::format("--passthrough {}: an NVLink bridge names its GPU: {}@GPUHOST", option.text, name));
            }
            if (nv->is_gpu && !wired_to.empty()) throw InputError(fmt::format("--passthrough {}: only an NVLink bridge takes @GPUHOST", option.text));
            spapr::Nvlink2Identity id{nv->is_gpu ? spapr::Nvlink2Role::Gpu : spapr::Nvlink2Role::NpuLink,
                                      tgt_of(nv->is_gpu ? option.host_address : wired_to), nv->ram_size};
            host.passthrough[option.host_address] = {nv->function, id};
            continue;
        }
        if (!wired_to.empty()) throw InputError(fmt::format("--passthrough {}: only an NVLink bridge takes @GPUHOST", option.text));
        auto device = find_passthrough_device(name);
        if (!device) throw_not_in_catalog(option, name, pseries_device_names());
        host.passthrough[option.host_address] = {device->function, std::nullopt};
    }
    return host;
}

// What libvirt looks up on the host for its memlock formula: each hostdev's IOMMU group (the snapshot's)
// and whether it is an NVLink2 device (--passthrough names it with an NVLink2 catalog entry).
LibvirtPseriesDomain read_domain(std::string_view text, const std::string& file, const spapr::SpaprHost& host, const HostSnapshot* snapshot) {
    XmlMemlockHost memlock_host;
    memlock_host.snapshot = snapshot;
    // An NVLink2 hostdev libvirt recognises by its device-tree node; here, by what --passthrough says it is.
    const LibvirtMemlockDomain hostdevs = read_libvirt_memlock_domain(text, file);
    for (const auto& hostdev : hostdevs.pci_hostdevs) {
        const auto it = host.passthrough.find(hostdev.source);
        if (it != host.passthrough.end() && it->second.nvlink2) memlock_host.nvlink2_hostdevs.push_back(hostdev.source);
    }
    return read_libvirt_pseries_domain(text, file, memlock_host);
}

PseriesVm from_domain(std::string_view text, const std::string& file, const VmRequest& request, spapr::QemuRelease release, spapr::SpaprHost host,
                      std::shared_ptr<const HostSnapshot> snapshot) {
    PseriesLibvirt libvirt{file, read_domain(text, file, host, snapshot.get()), parse_libvirt_version(request.libvirt_version)};
    VmSpec spec = libvirt.domain.spec;
    return PseriesVm{std::move(spec), release, std::move(host), std::move(libvirt), std::move(snapshot)};
}

}  // namespace

PseriesVm prepare_pseries_vm(const VmRequest& request) {
    const auto release = release_of(request.qemu_release);
    std::shared_ptr<const HostSnapshot> snapshot = requested_host(request);
    spapr::SpaprHost host = host_of(request, snapshot.get());
    if (!request.source.libvirt_xml.empty()) {
        const std::string& file = request.source.libvirt_xml;
        return from_domain(read_input_file(file, kDomainXmlKind), input_display_name(file), request, release, std::move(host), std::move(snapshot));
    }
    if (request.source.qemu_args.empty()) throw InputError("a QEMU command line is needed after --, or @FILE holding one");
    VmSpec spec = read_ppc64_command_line(request.source.qemu_args);
    return PseriesVm{std::move(spec), release, std::move(host), std::nullopt, std::move(snapshot)};
}

PseriesVm with_pseries_domain(const PseriesVm& vm, std::string_view xml_text, const std::string& file_name, const VmRequest& request) {
    return from_domain(xml_text, file_name, request, vm.release, vm.host, vm.snapshot);
}

}  // namespace aperture::app
