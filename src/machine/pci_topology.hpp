#pragma once
// The tree of PCI buses and functions QEMU builds: root bus, bridges and the buses behind them, and
// every function at the device/function number QEMU gives it. Bus numbers are not here: firmware
// assigns them.

#include <optional>
#include <string>
#include <vector>

#include "config/vm_spec.hpp"
#include "core/bdf.hpp"
#include "devices/pci_function.hpp"

namespace aperture {

struct PciNode {
    std::string id;  // QEMU id= ("" when none)
    DevFn devfn;
    PciFunctionSpec function;
    int child_bus = -1;  // index into PciTopology::buses for bridges
    std::string where;   // where the user asked for it, for messages
    PropertyList properties;  // the -device properties as given (drive=, ...), for firmware drivers
};

// An extra root bus a pxb / pxb-pcie brings: QEMU numbers it itself (bus_nr) and lists it as a child of
// the main root bus, which is how config cycles reach it (hw/pci/pci.c pci_find_bus_nr).
struct ExtraRootBus {
    std::uint8_t bus_nr = 0;
    std::optional<std::uint16_t> numa_node;
    std::string expander_id;  // the pxb's id= ("" when none)
    std::string expander_driver;  // "pxb" or "pxb-pcie": QEMU's messages name it
};

struct PciBusNode {
    std::string name;  // "pcie.0", or the id of the bridge that creates it
    bool express = false;
    bool root = false;
    std::optional<ExtraRootBus> extra_root;  // set on a pxb's root bus (root is true there too)
    int parent_bus = -1;
    std::optional<BridgeKind> created_by;  // the kind of bridge behind which this bus sits; none for roots
    std::vector<PciNode> devices;  // ascending devfn once the topology is finished
};

class PciTopology {
public:
    PciTopology(std::string root_name, bool root_express);

    const std::vector<PciBusNode>& buses() const { return buses_; }
    const PciBusNode& bus(int index) const { return buses_.at(static_cast<std::size_t>(index)); }
    std::optional<int> find_bus(const std::string& name) const;

    // QEMU's rule for a device without addr=: the first slot whose function 0 is free.
    std::optional<DevFn> first_free_slot(int bus) const;
    const PciNode* occupant(int bus, DevFn devfn) const;
    // The functions a firmware scan of `bus` finds, in scan order: functions 1-7 of a slot only behind
    // a multi-function function 0 (SeaBIOS pci_next, PciBusDxe PciScanBus alike).
    std::vector<const PciNode*> scanned_functions(int bus) const;

    // Adds a function; a bridge also gets the bus behind it (named after its id).
    void add(int bus, PciNode node);
    // Adds the root bus of an expander bridge on `parent_bus` (the main root bus); returns its index.
    int add_extra_root(int parent_bus, std::string name, bool express, ExtraRootBus extra);
    // The extra root buses, in creation order (QEMU's etc/extra-pci-roots counts them).
    std::vector<int> extra_roots() const;
    // The number QEMU gives a root bus: 0 for the main one, bus_nr for an expander's.
    static unsigned root_bus_number(const PciBusNode& bus) { return bus.extra_root ? bus.extra_root->bus_nr : 0; }
    // Sorts every bus by devfn: the order firmware scans them.
    void finish();

    std::size_t function_count() const;

private:
    std::vector<PciBusNode> buses_;
};

// "3", "03.0", "0x1f.2": QEMU's slot[.function] in hex (hw/core/qdev-properties-system.c, set_pci_devfn).
std::optional<DevFn> parse_pci_addr(const std::string& text);

}  // namespace aperture
