#include "machine/spapr/spapr_machine.hpp"

#include <algorithm>
#include <array>
#include <set>
#include <fmt/format.h>

#include "core/error.hpp"
#include "devices/device_model.hpp"
#include "input/qemu_option_syntax.hpp"
#include "machine/device_globals.hpp"
#include "machine/machine.hpp"
#include "machine/pci_topology.hpp"
#include "machine/spapr/spapr_constants.hpp"

namespace aperture::spapr {

namespace {

constexpr const char* kPhbDriver = "spapr-pci-host-bridge";

// QEMU's own refusal: the line it prints after "qemu-system-ppc64: ".
struct Refusal {
    std::string message;
};

// spapr-pci-host-bridge properties that move nothing aperture models, or that placement overwrites
// (gpa, atsd: pre-plug sets them from the index).
// The PCI bridges (PCIDeviceClass.is_bridge) aperture models; spapr_pci_pre_plug checks each for a chassis_nr.
constexpr std::array kBridgeDrivers{"pci-bridge", "pci-bridge-seat", "pcie-pci-bridge", "pcie-root-port", "ioh3420",
                                    "x3130-upstream", "xio3130-downstream", "i82801b11-bridge"};
// hw/pci-bridge/pci_bridge_dev.c: the only bridges with a chassis_nr property.
constexpr std::array kChassisNrBridges{"pci-bridge", "pci-bridge-seat"};

constexpr std::array kNeutralPhbProperties{"dynamic-reconfiguration", "pcie-extended-configuration-space", "pre-2.8-migration",
                                           "pre-5.1-associativity", "gpa", "atsd", "io_win_size"};

class Builder {
public:
    Builder(const VmSpec& spec, QemuRelease release, const SpaprHost& host) : spec_(spec), host_(host) {
        m_.type = resolve_pseries_machine(spec.machine.type, release);
        m_.accel = spec.machine.accel;
    }

    SpaprBuild build() {
        SpaprBuild out;
        try {
            memory();
            default_phb();
            default_devices();
            for (const auto& d : spec_.devices) device(d);
            finish();
            out.machine = std::move(m_);
        } catch (const Refusal& r) {
            out.refusal = r.message;
            out.partial = std::move(m_);
        }
        return out;
    }

private:
    // ---- RAM -------------------------------------------------------------------------------------------
    void memory() {
        m_.ram_size = spec_.memory.size == 0 ? DEFAULT_RAM_SIZE : spec_.memory.size;
        if (const auto* backend_id = spec_.machine.other.find("memory-backend")) {
            const auto it = std::find_if(spec_.memory_backends.begin(), spec_.memory_backends.end(),
                                         [&](const MemoryBackendSpec& b) { return b.id == *backend_id; });
            if (it == spec_.memory_backends.end()) throw Refusal{fmt::format("Memory backend '{}' not found", *backend_id)};
            if (spec_.memory.size != 0 && it->size != m_.ram_size) {
                throw Refusal{"Machine memory size does not match the size of the memory backend"};
            }
            m_.ram_size = it->size;
        }
        m_.maxram_size = spec_.memory.maxmem.value_or(m_.ram_size);
        if (m_.maxram_size < m_.ram_size) {
            throw Refusal{fmt::format("invalid value of maxmem: maxmem (0x{:x}) <= initial memory (0x{:x})", m_.maxram_size, m_.ram_size)};
        }
        // hw/ppc/spapr.c spapr_validate_node_memory (its maxmem message prints ram_size, as QEMU does).
        if (m_.ram_size % MEMORY_BLOCK_SIZE != 0) {
            throw Refusal{fmt::format("Memory size 0x{:x} is not aligned to {} MiB", m_.ram_size, MEMORY_BLOCK_SIZE / MiB)};
        }
        if (m_.maxram_size % MEMORY_BLOCK_SIZE != 0) {
            throw Refusal{fmt::format("Maximum memory size 0x{:x} is not aligned to {} MiB", m_.ram_size, MEMORY_BLOCK_SIZE / MiB)};
        }
        m_.ram_top = m_.ram_size;
        if (m_.maxram_size > m_.ram_size) {
            // spapr_machine_init: at most half of KVM's memory slots, never fewer than SPAPR_MAX_RAM_SLOTS (32);
            // TCG has exactly 32.
            if (spec_.memory.slots > MAX_RAM_SLOTS) {
                if (m_.accel != "kvm") {
                    throw Refusal{fmt::format("Specified number of memory slots {} exceeds max supported {}", spec_.memory.slots, MAX_RAM_SLOTS)};
                }
                m_.notes.push_back(fmt::format("slots={} passes 32: QEMU accepts it only if the host's KVM has at least {} memory slots",
                                               spec_.memory.slots, 2 * u64{spec_.memory.slots}));
            }
            // spapr_machine_init: device_mem_base = ROUND_UP(ram_size, SPAPR_DEVICE_MEM_ALIGN).
            const u64 base = align_up_or_throw(m_.ram_size, DEVICE_MEM_ALIGN, "hotplug memory base");
            m_.device_memory = AddressRange::from_start_and_size(base, m_.maxram_size - m_.ram_size);
            m_.ram_top = *m_.device_memory->end();
        }
    }

    // ---- PHBs ------------------------------------------------------------------------------------------
    struct PhbProps {
        std::optional<u32> index;
        u64 mem_win_size;
        u64 mem64_win_size;
        u64 dma_win_addr = DEFAULT_DMA_WIN_ADDR;
        u64 dma_win_size = DEFAULT_DMA_WIN_SIZE;
        u64 dma64_win_addr = DEFAULT_DMA64_WIN_ADDR;
        bool ddw;
        u64 pgsz;
        bool numa_node_set = false;
    };

    PhbProps phb_defaults() const {
        const PseriesDefaults& d = m_.type.defaults;
        return PhbProps{std::nullopt, d.mem_win_size, d.mem64_win_size, DEFAULT_DMA_WIN_ADDR, DEFAULT_DMA_WIN_SIZE,
                        DEFAULT_DMA64_WIN_ADDR, d.ddw, d.page_size_mask, false};
    }

    static u64 number(const std::string& key, const std::string& value, const std::string& where) {
        auto n = qemu_syntax::parse_number(value);
        if (!n) throw InputError(fmt::format("{}: Parameter '{}' expects a number", where, key));
        return *n;
    }

    void apply_phb_property(PhbProps& p, const std::string& key, const std::string& value, const std::string& where,
                            const std::string& qemu_prefix) {
        if (key == "index") {
            const u64 n = number(key, value, where);
            if (n > 0xFFFF'FFFFu) throw InputError(fmt::format("{}: Parameter 'index' expects uint32_t", where));
            // DEFINE_PROP_UINT32("index", ..., -1): -1 is "not given".
            if (n == 0xFFFF'FFFFu) p.index.reset(); else p.index = static_cast<u32>(n);
        } else if (key == "mem_win_size") p.mem_win_size = number(key, value, where);
        else if (key == "mem64_win_size") p.mem64_win_size = number(key, value, where);
        else if (key == "dma_win_addr") p.dma_win_addr = number(key, value, where);
        else if (key == "dma_win_size") p.dma_win_size = number(key, value, where);
        else if (key == "dma64_win_addr") p.dma64_win_addr = number(key, value, where);
        else if (key == "pgsz") p.pgsz = number(key, value, where);
        else if (key == "ddw") {
            auto b = qemu_syntax::parse_bool(value);
            if (!b) throw InputError(fmt::format("{}: Parameter 'ddw' expects 'on' or 'off'", where));
            p.ddw = *b;
        } else if (key == "numa_node") {
            const u64 n = number(key, value, where);
            p.numa_node_set = n != 0xFFFF'FFFFu;
        } else if ((key == "gpa" || key == "atsd") && !release_info(m_.type.release).has_nvlink2) {
            // QEMU 8.2 dropped these properties with NVLink2.
            throw Refusal{fmt::format("{}Property '{}.{}' not found", qemu_prefix, kPhbDriver, key)};
        } else if (std::find(kNeutralPhbProperties.begin(), kNeutralPhbProperties.end(), key) == kNeutralPhbProperties.end()) {
            throw InputError(fmt::format("{}: property '{}' of spapr-pci-host-bridge is not known to aperture", where, key));
        }
    }

    PhbProps phb_props(const DeviceSpec* device) {
        PhbProps p = phb_defaults();
        for (const auto& g : spec_.globals) {
            if (g.driver == kPhbDriver) apply_phb_property(p, g.property, g.value, g.where.text, "-global " + g.driver + "." + g.property + "=" + g.value + ": ");
        }
        if (device) {
            const std::string prefix = "-device " + (device->written.empty() ? device->driver : device->written) + ": ";
            for (const auto& [k, v] : device->properties.entries) apply_phb_property(p, k, v, device->where.text, prefix);
        }
        return p;
    }

    std::string bus_name_for(const std::string& id) {
        // hw/core/bus.c qbus_init_internal: a bus of a device with an id is "<id>.0"; otherwise "pci.<n>",
        // n counting the PCI buses named so.
        if (!id.empty()) return id + ".0";
        return fmt::format("pci.{}", automatic_bus_ids_++);
    }

    void add_phb(const PhbProps& p, const std::string& id, bool is_default, const std::string& qemu_prefix) {
        // hw/ppc/spapr.c spapr_phb_pre_plug
        if (!p.index) throw Refusal{qemu_prefix + "\"index\" for PAPR PHB is mandatory"};
        const u32 index = *p.index;
        const auto same_index = [&](const SpaprPhb& other) { return other.index == index; };
        if (m_.type.defaults.dr_phb_enabled && index < MAX_PHBS && std::any_of(m_.phbs.begin(), m_.phbs.end(), same_index)) {
            throw Refusal{qemu_prefix + fmt::format("PHB {} already attached", index)};
        }
        const PlacementResult placed =
            place_phb(m_.type.defaults.placement, index, m_.ram_top, m_.type.defaults.nvlink2_windows);
        if (!placed.placement) throw Refusal{qemu_prefix + placed.error};
        // hw/ppc/spapr_pci.c spapr_phb_realize
        RealizeResult realized;
        try {
            realized = realize_phb_windows(*placed.placement, p.mem_win_size, p.mem64_win_size);
        } catch (const ArithmeticError& e) {
            throw ArithmeticError(fmt::format("{}PHB index {}'s windows (mem_win_size {:#x}, mem64_win_size {:#x}): {}",
                                              qemu_prefix.empty() ? "" : qemu_prefix, index, p.mem_win_size, p.mem64_win_size, e.what()));
        }
        if (!realized.windows) throw Refusal{qemu_prefix + realized.error};
        if (std::any_of(m_.phbs.begin(), m_.phbs.end(), same_index)) {
            std::string in_use;
            for (auto it = m_.phbs.rbegin(); it != m_.phbs.rend(); ++it) in_use += fmt::format(" {}", it->index);
            throw Refusal{qemu_prefix + "PCI host bridges must have unique indexes\nThe following indexes are already in use:" + in_use +
                          "\nTry another value for the index property"};
        }
        if (p.numa_node_set) throw Refusal{qemu_prefix + "Invalid NUMA node ID for PCI host bridge"};
        std::optional<DmaWindowsOfPhb> dma;
        try {
            dma = dma_windows_of_phb(p.dma_win_addr, p.dma_win_size, p.ddw, p.dma64_win_addr, p.pgsz, m_.ram_top);
        } catch (const ArithmeticError& e) {
            throw ArithmeticError(fmt::format("{}PHB index {}'s default DMA window (dma_win_addr {:#x}, dma_win_size {:#x}): {}",
                                              qemu_prefix, index, p.dma_win_addr, p.dma_win_size, e.what()));
        }
        SpaprPhb phb{index,
                     id,
                     bus_name_for(id),
                     is_default,
                     *placed.placement,
                     *realized.windows,
                     std::move(*dma),
                     p.pgsz,
                     p.dma_win_addr,
                     p.dma_win_size,
                     p.dma64_win_addr,
                     p.ddw,
                     {},
                     {}};
        m_.phbs.push_back(std::move(phb));
    }

    void default_phb() {
        // hw/ppc/spapr.c spapr_create_default_phb: index 0, always, -nodefaults or not.
        PhbProps p = phb_props(nullptr);
        p.index = 0;
        add_phb(p, "", true, "");
    }

    // ---- devices ---------------------------------------------------------------------------------------
    void default_devices() {
        // softmmu/vl.c: default_vga -> the machine's default display "std"; hw/ppc/spapr.c spapr_vga_init then
        // adds USB (nec-usb-xhci from pseries-2.6; pci-ohci before) when defaults are on and usb is not off.
        std::string vga;
        if (spec_.defaults.vga) vga = *spec_.defaults.vga;
        else if (spec_.defaults.default_vga && !spec_.defaults.nodefaults) vga = "std";
        bool has_vga = false;
        if (!vga.empty() && vga != "none") {
            DeviceSpec d;
            if (vga == "std") d.driver = "VGA";
            else if (vga == "virtio") d.driver = "virtio-vga";
            else if (vga == "cirrus") throw UnsupportedError("-vga cirrus (cirrus-vga on a PHB) is not modelled by aperture");
            else throw InputError(fmt::format("-vga {}: Unsupported VGA mode, only -vga std or -vga virtio is supported", vga));
            d.where.text = fmt::format("the -vga {} display device", vga);
            place_function(d, m_.phbs.front());
            has_vga = true;
        }
        bool usb = has_vga && !spec_.defaults.nodefaults;
        if (const auto* u = spec_.machine.other.find("usb")) {
            auto on = qemu_syntax::parse_bool(*u);
            if (!on) throw InputError(spec_.machine.where.text + ": Parameter 'usb' expects 'on' or 'off'");
            usb = *on;
        }
        if (usb) {
            if (m_.type.version <= MachineVersion{2, 5}) {
                throw UnsupportedError("pci-ohci (the USB controller of pseries-2.5 and older) is not modelled");
            }
            DeviceSpec d;
            d.driver = "nec-usb-xhci";
            d.where.text = "the machine's USB controller";
            place_function(d, m_.phbs.front());
        }
    }

    void device(const DeviceSpec& d) {
        const std::string prefix = fmt::format("-device {}: ", d.written.empty() ? d.driver : d.written);
        if (d.driver == kPhbDriver) {
            if (d.bus) throw Refusal{prefix + fmt::format("Bus '{}' does not accept a {}", *d.bus, kPhbDriver)};
            add_phb(phb_props(&d), d.id, false, prefix);
            return;
        }
        if (d.driver.starts_with("spapr-") || d.driver == "ibmveth") return;  // VIO devices (spapr-vscsi, spapr-vty, ...)
        SpaprPhb* phb = nullptr;
        std::string bus_name;
        if (d.bus) {
            for (auto& p : m_.phbs) {
                if (p.bus_name == *d.bus) phb = &p;
                for (const auto& f : p.functions) {
                    if (!f.secondary_bus_name.empty() && f.secondary_bus_name == *d.bus) phb = &p;
                }
            }
            if (!phb) throw Refusal{prefix + fmt::format("Bus '{}' not found", *d.bus)};
            bus_name = *d.bus;
        } else {
            // softmmu/qdev-monitor.c qbus_find_recursive: children are listed newest first, so a device without
            // bus= lands on the PHB created last (its root bus is tried before the buses of bridges on it).
            phb = &m_.phbs.back();
            bus_name = phb->bus_name;
        }
        place_function(d, *phb, bus_name);
    }

    void place_function(const DeviceSpec& d, SpaprPhb& phb) { place_function(d, phb, phb.bus_name); }

    void place_function(const DeviceSpec& d, SpaprPhb& phb, const std::string& bus_name) {
        const std::string prefix = fmt::format("-device {}: ", d.written.empty() ? d.driver : d.written);
        const bool on_root = bus_name == phb.bus_name;
        PlugContext ctx;
        ctx.machine = MachineFamily::I440fx;  // conventional PCI buses
        ctx.bus_is_express = false;
        ctx.bus_is_root = on_root;
        ctx.memory_backends = &spec_.memory_backends;
        ctx.boot_cpus = spec_.cpus;
        std::optional<Nvlink2Identity> nvlink2;
        std::string host;
        ctx.passthrough_device = [&](const std::string& h) -> std::optional<PciFunctionSpec> {
            host = normalize_host_pci_address(h);
            auto it = host_.passthrough.find(host);
            if (it == host_.passthrough.end()) return std::nullopt;
            nvlink2 = it->second.nvlink2;
            return it->second.function;
        };
        const DeviceSpec device = with_globals(d, m_.type.defaults.device_compat, spec_.globals);
        check_bridge_chassis(device, prefix);
        PciFunctionSpec function;
        try {
            function = build_device(device, ctx);
        } catch (const DeviceRefusal& r) {
            throw Refusal{r.qemu_message(d.written.empty() ? d.driver : d.written)};
        }
        // SLOF's walk behind a bridge is modelled for QEMU's conventional PCI-to-PCI bridges (the only kind a
        // conventional PHB bus takes that has a secondary bus SLOF walks: board-qemu has no special bridge setup).
        const bool pci_bridge = function.bridge && function.bridge->kind == BridgeKind::PciBridge;
        if (function.bridge && !pci_bridge) {
            throw UnsupportedError(d.where.text + ": " + d.driver + " on a pseries PHB is not modelled (only pci-bridge and pci-bridge-seat)");
        }
        if (function.expander) throw UnsupportedError(d.where.text + ": " + d.driver + " on a pseries PHB is not modelled");
        function.multifunction = d.multifunction;
        DevFn devfn{};
        if (d.addr) {
            auto parsed = parse_pci_addr(*d.addr);
            if (!parsed) throw InputError(fmt::format("{}: addr '{}' is not a PCI slot[.function] in hex", d.where.text, *d.addr));
            devfn = *parsed;
        } else {
            // hw/pci/pci.c do_pci_register_device: the first slot from devfn_min (0 on a sPAPR PHB and behind a
            // pci-bridge) whose function 0 is free.
            bool found = false;
            for (unsigned slot = 0; slot < 32 && !found; ++slot) {
                const DevFn candidate{static_cast<std::uint8_t>(slot), 0};
                if (!occupant(phb, bus_name, candidate)) {
                    devfn = candidate;
                    found = true;
                }
            }
            if (!found) throw Refusal{prefix + fmt::format("PCI: no slot/function available for {}, all in use or reserved", d.driver)};
        }
        if (const SpaprFunction* other = occupant(phb, bus_name, devfn)) {
            throw Refusal{prefix + fmt::format("PCI: slot {} function {} not available for {}, in use by {},id={}", devfn.device,
                                               devfn.function, d.driver, other->function.driver, other->id)};
        }
        SpaprFunction placed{d.id, devfn, std::move(function), host, nvlink2, d.where.text, bus_name, 0, "", 0, 0};
        // hw/pci/pci_bridge.c pci_bridge_initfn: the secondary bus is named after the bridge's id, else
        // automatically as any other bus.
        if (pci_bridge) placed.secondary_bus_name = d.id.empty() ? bus_name_for("") : d.id;
        phb.functions.push_back(std::move(placed));
    }

    // hw/ppc/spapr_pci.c spapr_pci_pre_plug -> bridge_has_valid_chassis_nr, before the bridge realizes: a bridge
    // needs a chassis_nr (only pci-bridge has one) that is not 0 and that no other bridge of the machine uses.
    void check_bridge_chassis(const DeviceSpec& d, const std::string& prefix) {
        if (std::find(kBridgeDrivers.begin(), kBridgeDrivers.end(), d.driver) == kBridgeDrivers.end()) return;
        const std::string lacks = prefix + "PCI Bridge lacks a \"chassis_nr\" property\nTry -device pci-bridge instead.";
        if (std::find(kChassisNrBridges.begin(), kChassisNrBridges.end(), d.driver) == kChassisNrBridges.end()) throw Refusal{lacks};
        const std::string* written = d.properties.find("chassis_nr");
        const auto chassis = written ? qemu_syntax::parse_number(*written) : std::optional<u64>{0};
        if (!chassis || *chassis > 0xff) return;  // the device's own property check refuses it
        if (*chassis == 0) throw Refusal{lacks};
        if (!chassis_in_use_.insert(*chassis).second) throw Refusal{prefix + fmt::format("Bridge chassis {} already in use", *chassis)};
    }

    static const SpaprFunction* occupant(const SpaprPhb& phb, const std::string& bus_name, DevFn devfn) {
        for (const auto& f : phb.functions) {
            if (f.bus_name == bus_name && f.devfn == devfn) return &f;
        }
        return nullptr;
    }

    // hw/ppc/spapr_pci.c spapr_phb_pci_enumerate: depth first from the root bus in ascending devfn, each
    // bridge's secondary bus the next number, its subordinate the last number below it.
    void enumerate(SpaprPhb& phb, const std::string& bus_name, unsigned number, unsigned& last) {
        std::vector<std::size_t> here;
        for (std::size_t i = 0; i < phb.functions.size(); ++i) {
            if (phb.functions[i].bus_name == bus_name) here.push_back(i);
        }
        std::sort(here.begin(), here.end(), [&](auto a, auto b) { return phb.functions[a].devfn < phb.functions[b].devfn; });
        for (std::size_t i : here) {
            phb.functions[i].bus = number;
            if (phb.functions[i].secondary_bus_name.empty()) continue;
            phb.functions[i].secondary = ++last;
            enumerate(phb, phb.functions[i].secondary_bus_name, last, last);
            phb.functions[i].subordinate = last;
        }
    }

    void finish() {
        for (auto& phb : m_.phbs) {
            unsigned last = 0;
            enumerate(phb, phb.bus_name, 0, last);
            std::sort(phb.functions.begin(), phb.functions.end(),
                      [](const auto& a, const auto& b) { return std::pair(a.bus, a.devfn) < std::pair(b.bus, b.devfn); });
            std::vector<Nvlink2Function> nv;
            for (const auto& f : phb.functions) {
                if (!f.nvlink2) continue;
                nv.push_back(Nvlink2Function{f.id.empty() ? f.host : f.id, f.devfn.value(), f.nvlink2->role, f.nvlink2->tgt,
                                             f.nvlink2->ram_size});
            }
            phb.nvlink2 = layout_nvlink2(phb.placement.nv2_gpa, phb.placement.nv2_atsd, std::move(nv));
        }
        // A guest maps GPU RAM like RAM: a DDW that covers all memory then reaches past it.
        m_.memory_top = m_.ram_top;
        for (const auto& phb : m_.phbs) {
            if (phb.nvlink2.ram_end) m_.memory_top = std::max(m_.memory_top, *phb.nvlink2.ram_end);
        }
        for (auto& phb : m_.phbs) {
            phb.dma = dma_windows_of_phb(phb.dma_win_addr, phb.dma_win_size, phb.ddw, phb.dma64_win_addr, phb.page_size_mask,
                                         m_.memory_top);
        }
    }

    const VmSpec& spec_;
    const SpaprHost& host_;
    SpaprMachine m_;
    unsigned automatic_bus_ids_ = 0;
    std::set<u64> chassis_in_use_;
};

}  // namespace

SpaprBuild build_spapr_machine(const VmSpec& spec, QemuRelease release, const SpaprHost& host) {
    return Builder(spec, release, host).build();
}

}  // namespace aperture::spapr
