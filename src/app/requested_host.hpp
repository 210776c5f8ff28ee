#pragma once
// The host snapshot a request names: one already read (VmRequest::host) or a file to read
// (VmRequest::host_file), never both.

#include <optional>
#include <string>

#include "app/request.hpp"
#include "host/host_snapshot.hpp"

namespace aperture::app {

// nullopt when the request names no snapshot (the use case probes this host where it needs one).
std::optional<HostSnapshot> requested_host(const VmRequest& request);

// How a report names where the snapshot came from: the file, or "the host snapshot given".
std::string requested_host_name(const VmRequest& request);

}  // namespace aperture::app
