#pragma once
// Who a firmware release is: the part of every firmware release table (SeaBIOS, OVMF) that reports,
// the plan's stack and the command line read. Each firmware's own facts live in its table.

#include <string_view>

#include "config/vm_spec.hpp"
#include "core/release_evidence.hpp"

namespace aperture {

struct FirmwareIdentity {
    FirmwareKind kind;
    std::string_view name;          // "1.16.2", "2022.11": what --firmware KIND-NAME takes
    std::string_view model_name;    // "seabios-1.16.2": the plan's firmware model (JSON)
    std::string_view display_name;  // "SeaBIOS 1.16.2": how reports name it
    std::string_view tag;           // the upstream tag modelled: "rel-1.16.2", "edk2-stable202211"
    std::string_view package;       // the build modelled (and checked, for a RealBinary release): "Debian 1.16.2-1"
    ReleaseEvidence evidence;
};

}  // namespace aperture
