// `aperture host` and `aperture devices`: what aperture knows before any VM.

#include <fmt/format.h>
#include <sys/stat.h>

#include "core/error.hpp"

#include "app/use_cases.hpp"
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

}  // namespace aperture::app
