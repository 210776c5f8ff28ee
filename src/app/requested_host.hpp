#pragma once
// The host snapshot a request names: one already read (VmRequest::host) or a file to read
// (VmRequest::host_file), never both.

#include <memory>
#include <string>

#include "app/request.hpp"
#include "host/host_snapshot.hpp"

namespace aperture::app {

// The snapshot given, shared rather than copied, or the file's, read once; null when the request names no
// snapshot (the use case probes this host where it needs one).
std::shared_ptr<const HostSnapshot> requested_host(const VmRequest& request);

// How a report names where the snapshot came from: the file, or "the host snapshot given".
std::string requested_host_name(const VmRequest& request);

}  // namespace aperture::app
