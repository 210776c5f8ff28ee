// `aperture host` and `aperture devices`: what aperture knows before any VM.

#include <fmt/format.h>
#include <sys/stat.h>

#include "core/error.hpp"

#include "app/use_cases.hpp"
#include "devices/device_model.hpp"
#include "devices/nvlink2_catalog.hpp"
#include "devices/passthrough_catalog.hpp"
#include "host/host_snapshot_json.hpp"
#include "host/host_text.hpp"
#include "host/pci_ids.hpp"
#include "machine/qemu_release.hpp"

namespace aperture::app {

HostResult host(const HostRequest& request) {
    // A mistyped --root would otherwise probe nothing and describe an empty host.
    struct stat info {};
    if (::stat(request.root.c_str(), &info) != 0 || !S_ISDIR(info.st_mode)) {
        throw InputError(fmt::format("--root '{}': not a directory (expected / or a copied host tree with proc/ and sys/)",
                                     request.root));
    }
    HostSnapshot snapshot = probe_host(request.root);
    const PassthroughReadiness readiness = passthrough_readiness(snapshot);
    std::string json = host_snapshot_json(snapshot);
    std::string text = render_host_text(snapshot, load_pci_ids(request.root));
    return HostResult{std::move(snapshot), readiness, std::move(json), std::move(text)};
}

std::string devices() {
    std::string out = fmt::format("{} device models:\n", default_qemu_release().display_name);
    for (const auto& name : device_model_names()) out += "  " + name + "\n";
    out += "Passthrough catalog (--passthrough HOST=NAME with -device vfio-pci,host=HOST):\n";
    for (const auto& name : passthrough_device_names()) {
        out += fmt::format("  {:<20} {}\n", name, find_passthrough_device(name)->description);
    }
    out += "NVLink2 devices for ppc64 pseries (--passthrough HOST=NAME, a link as HOST=NAME@GPUHOST):\n";
    for (const auto& name : nvlink2_device_names()) {
        out += fmt::format("  {:<22} {}\n", name, find_nvlink2_device(name)->description);
    }
    return out;
}

}  // namespace aperture::app
