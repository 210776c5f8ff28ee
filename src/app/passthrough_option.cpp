#include "app/passthrough_option.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/error.hpp"
#include "devices/passthrough_catalog.hpp"
#include "machine/machine.hpp"

namespace aperture::app {

PassthroughOption parse_passthrough_option(const std::string& text) {
    const auto eq = text.find('=');
    if (eq == std::string::npos || eq == 0) {
        throw InputError(fmt::format("--passthrough {}: expected HOST=DEVICE, e.g. 0000:41:00.0=h100", text));
    }
    return PassthroughOption{text, normalize_host_pci_address(text.substr(0, eq)), text.substr(eq + 1)};
}

void throw_not_in_catalog(const PassthroughOption& option, const std::string& name, const std::vector<std::string>& known) {
    throw InputError(fmt::format("--passthrough {}: '{}' is not in the passthrough catalog ({})", option.text, name, fmt::join(known, ", ")));
}

std::map<std::string, PciFunctionSpec> passthrough_functions(const std::vector<std::string>& options) {
    std::map<std::string, PciFunctionSpec> functions;
    for (const auto& text : options) {
        const PassthroughOption option = parse_passthrough_option(text);
        const auto device = find_passthrough_device(option.device);
        if (!device) throw_not_in_catalog(option, option.device, passthrough_device_names());
        functions[option.host_address] = device->function;
    }
    return functions;
}

}  // namespace aperture::app
