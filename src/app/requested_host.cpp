#include "app/requested_host.hpp"

#include "core/error.hpp"
#include "host/host_snapshot_json.hpp"

namespace aperture::app {

std::shared_ptr<const HostSnapshot> requested_host(const VmRequest& request) {
    if (request.host && !request.host_file.empty()) {
        throw InputError("give either a host snapshot file (--host " + request.host_file + ") or a snapshot already read, not both");
    }
    if (request.host) return request.host;
    if (!request.host_file.empty()) return std::make_shared<const HostSnapshot>(load_host_snapshot(request.host_file));
    return nullptr;
}

std::string requested_host_name(const VmRequest& request) { return request.host ? "the host snapshot given" : request.host_file; }

}  // namespace aperture::app
