#pragma once
// Real devices users pass through with vfio-pci, by name, with the BAR layout public lspci dumps show
// (shared/notes/field.md "Real BAR sizes"). The machine model or the CLI maps a vfio-pci host= to one
// of these (PlugContext::passthrough_device) until aperture reads sysfs itself.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "devices/pci_function.hpp"

namespace aperture {

struct PassthroughDevice {
    std::string name;          // "h100", "rtx4090-rebar", ...
    std::string description;   // marketing name and where the layout comes from
    bool approximate = false;  // sizes are typical, not taken from one dump of this exact board
    PciFunctionSpec function;  // driver "vfio-pci"
};

// nullopt for a name not in the catalog.
std::optional<PassthroughDevice> find_passthrough_device(std::string_view name);
std::vector<std::string> passthrough_device_names();

}  // namespace aperture
