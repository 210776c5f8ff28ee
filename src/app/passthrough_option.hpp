#pragma once
// --passthrough HOST=DEVICE: the device at host address HOST is DEVICE from a catalog (aperture devices).
// One reading and one set of messages for every platform (QEMU x86, Xen, pseries).

#include <map>
#include <string>
#include <vector>

#include "devices/pci_function.hpp"

namespace aperture::app {

struct PassthroughOption {
    std::string text;          // as given, for messages: "41:00.0=h100"
    std::string host_address;  // as sysfs names it: "0000:41:00.0"
    std::string device;        // what follows '=', as written: "h100" (pseries: "nvlink2-bridge@0004:04:00.0")
};

// Throws InputError "--passthrough TEXT: expected HOST=DEVICE, e.g. 0000:41:00.0=h100".
PassthroughOption parse_passthrough_option(const std::string& text);

// Throws InputError "--passthrough TEXT: 'NAME' is not in the passthrough catalog (NAME, ...)", listing
// `known`: the names the platform takes.
[[noreturn]] void throw_not_in_catalog(const PassthroughOption& option, const std::string& name, const std::vector<std::string>& known);

// Each option's host address and the passthrough catalog's function for it (QEMU x86 and Xen), in order;
// a later option for one address replaces an earlier one.
std::map<std::string, PciFunctionSpec> passthrough_functions(const std::vector<std::string>& options);

}  // namespace aperture::app
