// The registry of device models and the one entry point the machine model calls: build_device.

#include <algorithm>
#include <map>

#include "core/did_you_mean.hpp"
#include "core/error.hpp"
#include "devices/device_families.hpp"
#include "devices/device_model.hpp"
#include "devices/option_rom.hpp"

namespace aperture {

namespace {

const std::map<std::string, DeviceModel, std::less<>>& catalog() {
    static const std::map<std::string, DeviceModel, std::less<>> models = [] {
        std::map<std::string, DeviceModel, std::less<>> all;
        for (auto family :
             {device_families::pcie_root_ports, device_families::pcie_switch_ports, device_families::pci_bridges,
              device_families::pcie_pci_bridges, device_families::pci_testdevs, device_families::ivshmem_devices,
              device_families::virtio_pci_devices, device_families::e1000_devices, device_families::rtl8139_devices, device_families::qxl_devices,
              device_families::nvme_devices,
              device_families::xhci_devices, device_families::vga_devices, device_families::vfio_devices,
              device_families::uhci_devices, device_families::ehci_devices, device_families::cirrus_devices,
              device_families::hda_devices, device_families::dmi_pci_bridges,
              device_families::watchdog_panic_devices, device_families::pci_expander_bridges,
              device_families::ahci_devices, device_families::lsi_scsi_devices, device_families::megasas_devices,
              device_families::vmxnet3_devices, device_families::vmware_svga_devices, device_families::ac97_devices}) {
            for (DeviceModel& model : family()) {
                std::string name = model.name;
                all.emplace(std::move(name), std::move(model));
            }
        }
        return all;
    }();
    return models;
}

bool listed(const std::vector<std::string>& names, const std::string& key) {
    return std::find(names.begin(), names.end(), key) != names.end();
}

// Every property given must be one the model classifies; the first that is not is the error.
void check_properties(const DeviceModel& model, const DeviceProperties& properties) {
    for (const auto& [key, value] : properties.spec().properties.entries) {
        if (listed(model.unmodelled_properties, key)) {
            properties.fail("property '" + key + "' changes the device's layout in a way aperture does not model");
        }
        if (listed(model.layout_properties, key) || listed(model.layout_neutral_properties, key) ||
            listed(common_layout_properties(), key) || listed(common_layout_neutral_properties(), key)) {
            continue;
        }
        properties.fail("property '" + key + "' is not modelled by aperture");
    }
}

}  // namespace

const DeviceModel* find_device_model(std::string_view driver) {
    const auto& models = catalog();
    auto found = models.find(driver);
    return found == models.end() ? nullptr : &found->second;
}

bool global_reaches_device(std::string_view qom_type, std::string_view driver) {
    if (qom_type == driver) return true;
    const DeviceModel* model = find_device_model(driver);
    return model != nullptr && std::find(model->qom_types.begin(), model->qom_types.end(), qom_type) != model->qom_types.end();
}

bool device_has_property(std::string_view driver, std::string_view property) {
    const DeviceModel* model = find_device_model(driver);
    if (model == nullptr) return false;
    const std::string key(property);
    return listed(model->layout_properties, key) || listed(model->layout_neutral_properties, key) ||
           listed(model->unmodelled_properties, key) || listed(common_layout_properties(), key) ||
           listed(common_layout_neutral_properties(), key);
}

std::vector<std::string> device_model_names() {
    std::vector<std::string> names;
    for (const auto& [name, model] : catalog()) names.push_back(name);
    return names;
}

const std::vector<std::string>& common_layout_neutral_properties() {
    // hw/pci/pci.c pci_props, and the qdev properties the -device reader keeps in DeviceSpec's own fields
    static const std::vector<std::string> names{"id",
                                                "bus",
                                                "addr",
                                                "multifunction",
                                                "acpi-index",
                                                "failover_pair_id",
                                                "x-pcie-extcap-init",
                                                "x-pcie-lnksta-dllla"};
    return names;
}

const std::vector<std::string>& common_layout_properties() {
    static const std::vector<std::string> names{"romfile", "rombar", "romsize"};
    return names;
}

PciFunctionSpec build_device(const DeviceSpec& device, const PlugContext& context) {
    const DeviceProperties properties(device, *context.qemu);
    const DeviceModel* model = find_device_model(device.driver);
    if (model == nullptr) {
        std::string known;
        for (const auto& name : device_model_names()) known += (known.empty() ? "" : ", ") + name;
        properties.fail("device '" + device.driver + "' is not modelled by aperture" + did_you_mean(device.driver, device_model_names()) +
                        " (modelled: " + known + ")");
    }
    check_properties(*model, properties);
    PciFunctionSpec spec = model->build(properties, context);
    apply_option_rom(spec, properties, context, model->default_romfile);
    spec.multifunction = spec.multifunction || device.multifunction;
    return spec;
}

}  // namespace aperture
