#pragma once
// The host CPU as /proc/cpuinfo describes it: vendor and physical address width. Parsing takes the text
// so tests need no real /proc.

#include <optional>
#include <string>

#include "machine/cpu_model.hpp"

namespace aperture {

// nullopt when the text has no vendor_id or no "address sizes" line.
std::optional<HostCpu> parse_cpuinfo(const std::string& text);
// Reads /proc/cpuinfo (read-only); nullopt when it cannot be read or parsed.
std::optional<HostCpu> read_host_cpu(const std::string& path = "/proc/cpuinfo");

}  // namespace aperture
