#include "machine/pci_topology.hpp"

#include <algorithm>

#include "core/size_parse.hpp"

namespace aperture {

namespace {
// include/hw/pci/pci.h: 32 devices of 8 functions on a bus.
constexpr unsigned PCI_SLOT_MAX = 32;
constexpr unsigned PCI_FUNC_MAX = 8;
}  // namespace

PciTopology::PciTopology(std::string root_name, bool root_express) {
    PciBusNode root;
    root.name = std::move(root_name);
    root.express = root_express;
    root.root = true;
    buses_.push_back(std::move(root));
}

std::optional<int> PciTopology::find_bus(const std::string& name) const {
    for (std::size_t i = 0; i < buses_.size(); ++i) {
        if (buses_[i].name == name) return static_cast<int>(i);
    }
    return std::nullopt;
}

const PciNode* PciTopology::occupant(int bus, DevFn devfn) const {
    for (const auto& node : this->bus(bus).devices) {
        if (node.devfn == devfn) return &node;
    }
    return nullptr;
}

std::optional<DevFn> PciTopology::first_free_slot(int bus) const {
    for (unsigned slot = 0; slot < PCI_SLOT_MAX; ++slot) {
        const DevFn candidate{static_cast<std::uint8_t>(slot), 0};
        if (!occupant(bus, candidate)) return candidate;
    }
    return std::nullopt;
}

void PciTopology::add(int bus, PciNode node) {
    if (node.function.bridge) {
        PciBusNode child;
        child.name = node.id;
        child.express = node.function.bridge->secondary_express;
        child.parent_bus = bus;
        child.created_by = node.function.bridge->kind;
        node.child_bus = static_cast<int>(buses_.size());
        buses_.push_back(std::move(child));
    }
    buses_.at(static_cast<std::size_t>(bus)).devices.push_back(std::move(node));
}

int PciTopology::add_extra_root(int parent_bus, std::string name, bool express, ExtraRootBus extra) {
    PciBusNode root;
    root.name = std::move(name);
    root.express = express;
    root.root = true;
    root.parent_bus = parent_bus;
    root.extra_root = std::move(extra);
    buses_.push_back(std::move(root));
    return static_cast<int>(buses_.size() - 1);
}

std::vector<int> PciTopology::extra_roots() const {
    std::vector<int> found;
    for (std::size_t i = 0; i < buses_.size(); ++i) {
        if (buses_[i].extra_root) found.push_back(static_cast<int>(i));
    }
    return found;
}

void PciTopology::finish() {
    for (auto& bus : buses_) {
        std::stable_sort(bus.devices.begin(), bus.devices.end(),
                         [](const PciNode& a, const PciNode& b) { return a.devfn < b.devfn; });
    }
}

std::vector<const PciNode*> PciTopology::scanned_functions(int bus) const {
    std::vector<const PciNode*> found;
    for (const auto& node : this->bus(bus).devices) {
        if (node.devfn.function == 0) {
            found.push_back(&node);
            continue;
        }
        const PciNode* fn0 = occupant(bus, DevFn{node.devfn.device, 0});
        if (fn0 && fn0->function.multifunction) found.push_back(&node);
    }
    return found;
}

std::size_t PciTopology::function_count() const {
    std::size_t count = 0;
    for (const auto& bus : buses_) count += bus.devices.size();
    return count;
}

std::optional<DevFn> parse_pci_addr(const std::string& text) {
    const auto dot = text.find('.');
    const std::string slot_text = text.substr(0, dot);
    const std::string func_text = dot == std::string::npos ? "0" : text.substr(dot + 1);
    auto hex_value = [](const std::string& s) -> std::optional<u64> {
        if (s.empty()) return std::nullopt;
        if (s.rfind("0x", 0) == 0 || s.rfind("0X", 0) == 0) return parse_uint(s);
        return parse_uint("0x" + s);
    };
    auto slot = hex_value(slot_text);
    auto func = hex_value(func_text);
    if (!slot || !func || *slot >= PCI_SLOT_MAX || *func >= PCI_FUNC_MAX) return std::nullopt;
    return DevFn{static_cast<std::uint8_t>(*slot), static_cast<std::uint8_t>(*func)};
}

}  // namespace aperture
