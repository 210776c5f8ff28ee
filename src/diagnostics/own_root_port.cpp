#include "diagnostics/own_root_port.hpp"

#include <algorithm>
#include <charconv>
#include <fmt/format.h>

#include "core/error.hpp"
#include "diagnostics/fix_proof.hpp"
#include "diagnostics/fix_syntax.hpp"

namespace aperture {

namespace {

// Each device tried costs a plan; the ones most likely to help come first.
constexpr std::size_t MAX_DEVICES_TRIED = 4;
constexpr const char* PORT_ID = "aperture-rp";
// q35's root bus (hw/pci-host/q35.c: the PCIe root bus is named "pcie.0").
constexpr const char* Q35_ROOT_BUS = "pcie.0";
// libvirt names the QEMU device of the PCI controller with index N "pci.N" (qemuAssignDeviceControllerAlias).
constexpr std::string_view LIBVIRT_CONTROLLER_ALIAS = "pci.";

struct Candidate {
    std::size_t index = 0;  // into VmSpec::devices
    bool unassigned = false;
    u64 largest_bar = 0;
    std::string bus_name;
    std::size_t neighbours = 0;  // other functions on its bus
};

std::optional<unsigned> parse_unsigned(std::string_view text) {
    unsigned value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return value;
}

// A chassis number no PCIe port of the VM uses: QEMU refuses two ports with the same chassis and slot
// (hw/pci/pcie.c pcie_chassis_add_slot), and slot defaults to 0.
unsigned free_chassis(const VmSpec& spec) {
    unsigned highest = 0;
    for (const auto& d : spec.devices) {
        if (const std::string* chassis = d.properties.find("chassis")) highest = std::max(highest, parse_unsigned(*chassis).value_or(0));
    }
    return highest + 1;
}

std::string free_port_id(const VmSpec& spec) {
    const auto taken = [&](const std::string& id) {
        return std::any_of(spec.devices.begin(), spec.devices.end(), [&](const DeviceSpec& d) { return d.id == id; });
    };
    std::string id = PORT_ID;
    for (unsigned n = 1; taken(id); ++n) id = fmt::format("{}{}", PORT_ID, n);
    return id;
}

// The next free controller index of a domain read from libvirt XML (its controllers' ids are "pci.N");
// nullopt for a QEMU command line, whose libvirt indices are not known.
std::optional<unsigned> free_libvirt_index(const VmSpec& spec) {
    std::optional<unsigned> highest;
    for (const auto& d : spec.devices) {
        if (!d.id.starts_with(LIBVIRT_CONTROLLER_ALIAS)) continue;
        if (const auto n = parse_unsigned(std::string_view(d.id).substr(LIBVIRT_CONTROLLER_ALIAS.size()))) highest = std::max(highest.value_or(0), *n);
    }
    if (!highest) return std::nullopt;
    return *highest + 1;
}

u64 largest_memory_bar(const PciFunctionSpec& function) {
    u64 largest = 0;
    for (const auto& bar : function.bars) {
        if (bar.kind == BarKind::Memory) largest = std::max(largest, bar.size);
    }
    return largest;
}

bool has_unassigned(const FirmwareResult& fw, const PciNode& node) {
    for (const auto& fr : fw.functions) {
        if (fr.node != &node) continue;
        return std::any_of(fw.unassigned.begin(), fw.unassigned.end(), [&](const UnassignedResource& u) { return u.bdf == fr.bdf; });
    }
    return false;
}

// Endpoints on pcie.0 or on a bus they share, that QEMU lets move alone: function 0 of no multifunction
// device, written as a -device the fix can replace.
std::vector<Candidate> candidates(const VmSpec& spec, const Plan& plan) {
    std::vector<Candidate> out;
    for (std::size_t i = 0; i < spec.devices.size(); ++i) {
        const DeviceSpec& d = spec.devices[i];
        if (d.written.empty() || d.multifunction) continue;
        for (const auto& bus : plan.machine.pci.buses()) {
            const bool main_root = bus.root && !bus.extra_root;
            for (const auto& node : bus.devices) {
                if (node.where != d.where.text || node.function.driver != d.driver) continue;
                if (node.function.bridge || node.function.expander || node.devfn.function != 0 || node.function.multifunction) continue;
                const u64 largest = largest_memory_bar(node.function);
                if (largest == 0 || (!main_root && bus.devices.size() < 2)) continue;
                out.push_back({i, has_unassigned(*plan.firmware, node), largest, bus.name, bus.devices.size() - 1});
            }
        }
    }
    // Devices with unassigned BARs first, then the largest BAR first.
    std::stable_sort(out.begin(), out.end(), [](const Candidate& a, const Candidate& b) {
        if (a.unassigned != b.unassigned) return a.unassigned;
        return a.largest_bar > b.largest_bar;
    });
    if (out.size() > MAX_DEVICES_TRIED) out.resize(MAX_DEVICES_TRIED);
    return out;
}

DeviceSpec root_port(const VmSpec& spec) {
    DeviceSpec port;
    port.driver = "pcie-root-port";
    port.id = free_port_id(spec);
    port.bus = Q35_ROOT_BUS;
    port.properties.entries.emplace_back("chassis", std::to_string(free_chassis(spec)));
    port.where.text = "aperture's fix: a pcie-root-port of its own";
    port.written = device_option(port);
    return port;
}

// `spec` with the device at `index` behind `port`, which is created just before it (QEMU creates devices in
// command-line order, and the device's bus= must name a bus that exists).
VmSpec moved(const VmSpec& spec, std::size_t index, const DeviceSpec& port) {
    VmSpec out = spec;
    DeviceSpec& device = out.devices.at(index);
    device.bus = port.id;
    device.addr.reset();  // a root port's secondary bus has one slot: QEMU's first free one
    device.written = device_option(device);
    out.devices.insert(out.devices.begin() + static_cast<std::ptrdiff_t>(index), port);
    return out;
}

bool assigns_everything_after(const VmSpec& spec, const PlanOptions& options) {
    try {
        const Plan after = make_plan(spec, options);
        return after.outcome == Outcome::Ok && after.firmware && assigns_everything(*after.firmware);
    } catch (const InputError&) {
        return false;
    } catch (const UnsupportedError&) {
        return false;
    }
}

Fix move_fix(const VmSpec& spec, const Candidate& c, const DeviceSpec& port) {
    const DeviceSpec& device = spec.devices.at(c.index);
    const VmSpec after = moved(spec, c.index, port);
    const DeviceSpec& moved_device = after.devices.at(c.index + 1);
    const std::string name = device.id.empty() ? device.driver : device.id;
    Fix fix;
    const std::string why = c.neighbours == 0
                                ? fmt::format("on {} its BARs share the root bus's windows", c.bus_name)
                                : fmt::format("behind {} it shares the bridge's windows with {} other function{}", c.bus_name, c.neighbours,
                                              c.neighbours == 1 ? "" : "s");
    fix.summary = fmt::format("move {} to a PCIe root port of its own (a new pcie-root-port {} on {}, and bus={} on its -device): {}", name,
                              port.id, Q35_ROOT_BUS, port.id, why);
    fix.trade_off = "the device gets a new guest address (a guest that names NICs or pins drivers by slot notices), and the port takes a "
                    "slot of pcie.0 and a bus number";
    fix.qemu_replaces = {"-device", device.written};
    fix.qemu_args = {"-device", port.written, "-device", moved_device.written};
    const auto index = free_libvirt_index(spec);
    const std::string bus = index ? fmt::format("{:#04x}", *index) : "N";
    fix.libvirt_xml = fmt::format(
        "<controller type='pci' index='{}' model='pcie-root-port'/>{}\n"
        "<!-- in {}'s own element (<hostdev>, <interface>, <video>, ...): -->\n"
        "<address type='pci' domain='0x0000' bus='{}' slot='0x00' function='0x0'/>",
        index ? std::to_string(*index) : "N", index ? "" : "  <!-- N: the next free controller index -->", name, bus);
    fix.apply = [where = device.where.text, driver = device.driver, port](CheckSubject& s) {
        for (std::size_t i = 0; i < s.spec.devices.size(); ++i) {
            if (s.spec.devices[i].where.text == where && s.spec.devices[i].driver == driver) {
                s.spec = moved(s.spec, i, port);
                return;
            }
        }
    };
    return fix;
}

}  // namespace

std::optional<Fix> own_root_port_fix(const VmSpec& spec, const PlanOptions& options, const Plan& plan) {
    if (plan.machine.type.family != MachineFamily::Q35 || !plan.firmware || plan.outcome == Outcome::Refused) return std::nullopt;
    const DeviceSpec port = root_port(spec);
    for (const Candidate& c : candidates(spec, plan)) {
        if (assigns_everything_after(moved(spec, c.index, port), options)) return move_fix(spec, c, port);
    }
    return std::nullopt;
}

}  // namespace aperture
