#include "firmware/firmware_result.hpp"

namespace aperture {

std::string_view to_string(RootWindowKind window) {
    switch (window) {
        case RootWindowKind::None: return "";
        case RootWindowKind::Io: return "IO";
        case RootWindowKind::Mem32: return "32-bit MMIO";
        case RootWindowKind::Mem32Prefetchable: return "32-bit prefetchable MMIO";
        case RootWindowKind::Mem64: return "64-bit MMIO";
        case RootWindowKind::Mem64Prefetchable: return "64-bit prefetchable MMIO";
    }
    return "";
}

bool is_below_4g(RootWindowKind window) { return window == RootWindowKind::Mem32 || window == RootWindowKind::Mem32Prefetchable; }

}  // namespace aperture
