#include "core/bdf.hpp"

#include <fmt/format.h>

namespace aperture {

std::string Bdf::to_string() const { return fmt::format("{:02x}:{:02x}.{:x}", bus, devfn.device, devfn.function); }

}  // namespace aperture
