#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "app/use_cases.hpp"
#include "core/json_shapes.hpp"
#include "devices/device_model.hpp"
#include "devices/nvlink2_catalog.hpp"
#include "devices/passthrough_catalog.hpp"
#include "machine/qemu_release.hpp"

namespace aperture::app {

namespace {

// The catalog as data: what a script choosing --passthrough names needs (the BARs each name stands for).
std::string devices_json() {
    nlohmann::ordered_json j;
    j["schema"] = "aperture-devices/2";
    j["qemu_release"] = default_qemu_release().name;
    j["device_models"] = device_model_names();
    j["passthrough_catalog"] = nlohmann::ordered_json::array();
    for (const auto& name : passthrough_device_names()) {
        const auto device = find_passthrough_device(name);
        nlohmann::ordered_json entry{{"name", name},
                                     {"description", device->description},
                                     {"approximate", device->approximate},
                                     {"vendor_id", fmt::format("{:#06x}", device->function.vendor_id)},
                                     {"device_id", fmt::format("{:#06x}", device->function.device_id)},
                                     {"class", fmt::format("{:#06x}", device->function.class_code)}};
        entry["bars"] = nlohmann::ordered_json::array();
        for (const auto& bar : device->function.bars) {
            const json_shape::BarJsonKind kind = json_shape::bar_json_kind(bar.kind == BarKind::Io, bar.kind == BarKind::Rom, bar.is64);
            // A catalog BAR has no address yet: base null, as for any BAR not placed.
            entry["bars"].push_back(json_shape::bar({bar.index, kind, bar.prefetchable, bar.size, std::nullopt}));
        }
        j["passthrough_catalog"].push_back(std::move(entry));
    }
    j["nvlink2_catalog"] = nlohmann::ordered_json::array();
    for (const auto& name : nvlink2_device_names()) {
        j["nvlink2_catalog"].push_back({{"name", name}, {"description", find_nvlink2_device(name)->description}});
    }
    return json_shape::document_text(j);
}

}  // namespace

std::string devices(OutputFormat format) {
    if (format == OutputFormat::Json) return devices_json();
    std::string out = fmt::format("{} device models:\n", default_qemu_release().display_name);
    for (const auto& name : device_model_names()) out += "  " + name + "\n";
    out += "Passthrough catalog (--passthrough HOST=NAME with -device vfio-pci,host=HOST):\n";
    for (const auto& name : passthrough_device_names()) {
        out += fmt::format("  {:<20} {}\n", name, find_passthrough_device(name)->description);
    }
    out += "NVLink2 devices for ppc64 pseries (--passthrough HOST=NAME, a link as HOST=NAME@GPUHOST):\n";
    for (const auto& name : nvlink2_device_names()) {
        out += fmt::format("  {:<22} {}\n", name, find_nvlink2_device(name)->description);
    }
    return out;
}

}  // namespace aperture::app
