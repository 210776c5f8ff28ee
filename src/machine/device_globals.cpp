#include "machine/device_globals.hpp"

#include "devices/device_model.hpp"

namespace aperture {

namespace {

bool reaches(const GlobalSpec& global, const DeviceSpec& device) {
    if (!global_reaches_device(global.driver, device.driver)) return false;
    return !global.optional || device_has_property(device.driver, global.property);
}

}  // namespace

DeviceSpec with_globals(const DeviceSpec& device, const std::vector<GlobalSpec>& compat, const std::vector<GlobalSpec>& user) {
    DeviceSpec result = device;
    std::vector<std::pair<std::string, std::string>> defaults;
    for (const auto* list : {&compat, &user}) {
        for (const auto& g : *list) {
            if (reaches(g, device)) defaults.emplace_back(g.property, g.value);
        }
    }
    result.properties.entries.insert(result.properties.entries.begin(), defaults.begin(), defaults.end());
    return result;
}

}  // namespace aperture
