#pragma once
// The catalog of QEMU device models aperture knows: for each, how its properties and its place in the
// topology determine the PCI functions it creates (QEMU 7.2).

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "config/vm_spec.hpp"
#include "devices/pci_function.hpp"

namespace aperture {

enum class MachineFamily { Q35, I440fx };

// Where a device is being plugged, as far as its BAR layout depends on it.
struct PlugContext {
    MachineFamily machine = MachineFamily::Q35;
    bool bus_is_express = false;  // the bus is PCI Express (pcie.0, or behind a PCIe port)
    bool bus_is_root = false;     // the bus is a host bridge's root bus (pcie.0 / pci.0)
    const std::vector<MemoryBackendSpec>* memory_backends = nullptr;  // for memdev= lookups
};

// Properties a model reads; whatever it does not mark as read is checked against its list of
// properties that do not affect the layout, and anything else is an error naming it.
class DeviceProperties {
public:
    DeviceProperties(const DeviceSpec& spec);
    const DeviceSpec& spec() const { return spec_; }
    // Typed readers; each throws InputError naming the device and property on malformed values.
    std::optional<std::string> string(const std::string& key) const;
    std::optional<u64> size(const std::string& key) const;     // QEMU size syntax
    std::optional<u64> uint(const std::string& key) const;     // plain integer
    std::optional<bool> boolean(const std::string& key) const; // on/off/true/false/yes/no
    // QEMU's OnOffAuto
    enum class OnOffAuto { On, Off, Auto };
    OnOffAuto on_off_auto(const std::string& key) const;
    [[noreturn]] void fail(const std::string& message) const;  // InputError prefixed with the device's location

private:
    const DeviceSpec& spec_;
};

struct DeviceModel {
    std::string name;
    // Properties that change nothing aperture models (netdev=, drive=, serial=, mac=, bootindex=, ...).
    std::vector<std::string> layout_neutral_properties;
    // Properties the builder reads.
    std::vector<std::string> layout_properties;
    std::function<PciFunctionSpec(const DeviceProperties&, const PlugContext&)> build;
};

// nullptr when the driver is not modelled.
const DeviceModel* find_device_model(std::string_view driver);
std::vector<std::string> device_model_names();

// Properties every PCI device accepts without changing its layout (id, bus, addr, multifunction, ...).
const std::vector<std::string>& common_layout_neutral_properties();

}  // namespace aperture

namespace aperture {

// Builds the PCI function for one -device, checking every property: one that changes the layout is read,
// one known not to is ignored, and any other is an InputError naming it.
PciFunctionSpec build_device(const DeviceSpec& spec, const PlugContext& context);

}  // namespace aperture
