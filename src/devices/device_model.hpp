#pragma once
// The catalog of QEMU device models aperture knows: for each, how its properties and its place in the
// topology determine the PCI functions it creates (QEMU 7.2).

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/vm_spec.hpp"
#include "core/error.hpp"
#include "devices/pci_function.hpp"

namespace aperture {

// QEMU 7.2 itself refuses this -device and exits before any firmware runs: a prediction aperture
// makes, not input it cannot handle. what() is aperture's explanation (location, device, property);
// qemu_message() is what QEMU prints after "qemu-system-x86_64: ", which for an error is the -device
// option as written, ": ", then message_after_location(); an abort (a failed assertion) has no location.
class DeviceRefusal : public InputError {
public:
    enum class Kind { Error, Abort };
    DeviceRefusal(const std::string& explanation, Kind kind, std::string message_after_location)
        : InputError(explanation), kind_(kind), message_(std::move(message_after_location)) {}
    Kind kind() const { return kind_; }
    // "PCI resource reserve cap: PREF32 and PREF64 conflict"; for an abort, QEMU's whole line.
    const std::string& message_after_location() const { return message_; }
    // The line QEMU prints (without "qemu-system-x86_64: "), given how the -device option was written.
    std::string qemu_message(const std::string& device_option_as_written) const {
        return kind_ == Kind::Abort ? message_ : "-device " + device_option_as_written + ": " + message_;
    }

private:
    Kind kind_;
    std::string message_;
};

enum class MachineFamily { Q35, I440fx };

struct QemuRelease;                         // machine/qemu_release.hpp (which includes this header)
const QemuRelease& default_qemu_release();  // machine/qemu_release.hpp

// Where a device is being plugged, as far as its BAR layout depends on it.
struct PlugContext {
    // The release whose device models are asked for; refusals name it ("QEMU 7.2 refuses it: ...").
    const QemuRelease* qemu = &default_qemu_release();
    MachineFamily machine = MachineFamily::Q35;
    bool bus_is_express = false;  // the bus is PCI Express (pcie.0, or behind a PCIe port)
    bool bus_is_root = false;     // the bus is a host bridge's root bus (pcie.0 / pci.0, and pxb/pxb-pcie buses)
    const std::vector<MemoryBackendSpec>* memory_backends = nullptr;  // for memdev= / pmrdev= lookups
    // -smp's boot CPU count: virtio-blk and virtio-scsi default to one queue per boot CPU, which sets
    // their MSI-X vector count (hw/virtio/virtio-pci.c, virtio_pci_optimal_num_queues).
    unsigned boot_cpus = 1;
    // -numa node count (QEMU's numa_state->num_nodes): pxb's numa_node must name one of them.
    unsigned numa_nodes = 0;
    // The default of x-native-hotplug for PCIe slots. False only where the machine registers it so:
    // pc-q35-6.1 (x-keep-pci-slot-hpc=false with ACPI PCI hotplug on, hw/i386/pc_q35.c pc_q35_init).
    bool pcie_native_hotplug_default = true;
    // Size in bytes of a romfile= value as QEMU would load it (its search path: the name itself, then
    // the firmware directories). Unset, or nullopt: aperture's table of Debian 12's ROM files decides.
    std::function<std::optional<u64>(const std::string& romfile)> rom_file_size;
    // The function a vfio-pci device passes through, looked up by its host= (or sysfsdev=) value.
    // Unset, or nullopt: the device is unknown and building it fails with an InputError.
    std::function<std::optional<PciFunctionSpec>(const std::string& host)> passthrough_device;
    // The IGD registers (GMCH, BDSM, ASLS) of that host device, when the host snapshot has them.
    std::function<std::optional<IgdRegisters>(const std::string& host)> igd_registers;
};

// Properties a model reads; whatever it does not mark as read is checked against its list of
// properties that do not affect the layout, and anything else is an error naming it.
class DeviceProperties {
public:
    DeviceProperties(const DeviceSpec& spec, const QemuRelease& qemu = default_qemu_release());
    const DeviceSpec& spec() const { return spec_; }
    // The release that reads the properties: refusals and messages name it.
    const QemuRelease& qemu() const { return qemu_; }
    // Typed readers; each throws InputError naming the device and property on malformed values.
    std::optional<std::string> string(const std::string& key) const;
    std::optional<u64> size(const std::string& key) const;     // QEMU size syntax
    std::optional<u64> uint(const std::string& key) const;     // plain integer
    std::optional<bool> boolean(const std::string& key) const; // on/off/true/false/yes/no
    // QEMU's OnOffAuto
    enum class OnOffAuto { On, Off, Auto };
    OnOffAuto on_off_auto(const std::string& key) const;
    [[noreturn]] void fail(const std::string& message) const;  // InputError prefixed with the device's location
    // DeviceRefusal: QEMU refuses the device; `explanation` in aperture's words, `qemu_message` QEMU's own text
    // after its location prefix.
    [[noreturn]] void refuse(const std::string& explanation, const std::string& qemu_message) const;
    // DeviceRefusal for a QEMU abort (assertion failure); `qemu_line` is what QEMU prints.
    [[noreturn]] void refuse_abort(const std::string& explanation, const std::string& qemu_line) const;

    // Fixed-width integer properties (DEFINE_PROP_UINT8/16/32): a value above the type's range is an
    // error, as in QEMU ("Parameter 'chassis' expects uint8_t").
    std::optional<std::uint8_t> uint8(const std::string& key) const;
    std::optional<std::uint16_t> uint16(const std::string& key) const;
    std::optional<std::uint32_t> uint32(const std::string& key) const;
    std::optional<std::int32_t> int32(const std::string& key) const;
    // Readers with the QEMU default filled in.
    bool boolean_or(const std::string& key, bool default_value) const;
    // "pci-testdev 't1'" / "pci-testdev": how messages name the device.
    std::string device_name() const;

private:
    std::optional<u64> unsigned_in_range(const std::string& key, u64 max, const char* type_name) const;

    const DeviceSpec& spec_;
    const QemuRelease& qemu_;
};

struct DeviceModel {
    std::string name;
    // The romfile QEMU loads when romfile= is not given (PCIDeviceClass.romfile); empty: none.
    std::string default_romfile;
    // Properties that change nothing aperture models (netdev=, drive=, serial=, mac=, bootindex=, ...).
    std::vector<std::string> layout_neutral_properties;
    // Properties the builder reads.
    std::vector<std::string> layout_properties;
    std::function<PciFunctionSpec(const DeviceProperties&, const PlugContext&)> build;
    // Properties QEMU accepts that change the layout in ways aperture does not model: refused with a
    // message saying so rather than silently mispredicted.
    std::vector<std::string> unmodelled_properties = {};
    // The QOM types, besides its own name, that a global property reaches this device through: the abstract
    // types it derives from ("virtio-pci", "virtio-net-pci-base") and, for a virtio proxy, the type of the
    // virtio device it embeds, whose properties it forwards ("virtio-blk-device"). QEMU applies a global to
    // every object that object_dynamic_cast()s to the global's driver (qom/object.c object_apply_global_props).
    std::vector<std::string> qom_types = {};
};

// nullptr when the driver is not modelled.
const DeviceModel* find_device_model(std::string_view driver);
// Whether a global property naming `qom_type` (-global, or a machine type's compat property) reaches a
// -device of `driver`: the same name, or one of the model's qom_types.
bool global_reaches_device(std::string_view qom_type, std::string_view driver);
// Whether a -device of `driver` has `property` at all (an optional compat property applies only then).
bool device_has_property(std::string_view driver, std::string_view property);
std::vector<std::string> device_model_names();

// Properties every PCI device accepts without changing its layout (id, bus, addr, multifunction, ...).
const std::vector<std::string>& common_layout_neutral_properties();

// Properties every PCI device accepts that do change its layout: the option ROM (romfile, rombar,
// romsize). build_device applies them after the model's builder (hw/pci/pci.c, pci_add_option_rom).
const std::vector<std::string>& common_layout_properties();

// The PCI function QEMU 7.2 creates for one -device: finds the model, refuses any property the model
// does not classify ("property 'foo' is not modelled by aperture"), runs the model's builder, then
// adds the option ROM and the multifunction bit. Throws InputError for anything QEMU would refuse
// (naming the device, the property and what was expected) and for drivers aperture does not model.
PciFunctionSpec build_device(const DeviceSpec& device, const PlugContext& context);

}  // namespace aperture

namespace aperture {

// Builds the PCI function for one -device, checking every property: one that changes the layout is read,
// one known not to is ignored, and any other is an InputError naming it.
PciFunctionSpec build_device(const DeviceSpec& spec, const PlugContext& context);

}  // namespace aperture
