#include "firmware/seabios/seabios.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <set>
#include <fmt/format.h>

#include "core/error.hpp"
#include "devices/vfio_igd.hpp"
#include "firmware/bridge_registers.hpp"
#include "firmware/seabios/high_zone.hpp"
#include "firmware/seabios/seabios_layout.hpp"
#include "firmware/seabios/seabios_pci_ids.hpp"
#include "machine/bar_decoding.hpp"

namespace aperture {

namespace {

using namespace seabios;

// src/fw/pciinit.c: the expansion ROM is region 6.
constexpr int PCI_ROM_SLOT = 6;
// src/types.h ALIGN on u64. SeaBIOS sums and aligns BAR sizes without checking: a request near 2^64 wraps,
// and the firmware programs what the wrapped values give (QEMU then decodes none of it past phys-bits).
// The model follows it there rather than refusing, so the outcome is the firmware's.
u64 seabios_align(u64 x, u64 a) { return (x + (a - 1)) & ~(a - 1); }

// An 8-bit bus number register: pci_bios_init_bus_rec numbers buses 1 to 255 below the root bus 0.
constexpr unsigned MAX_BUS_NUMBER = 255;
// src/hw/ata.h: legacy IDE ports storage_ide_setup writes into BARs 0-3.
constexpr std::array<u64, 4> LEGACY_IDE_PORTS{0x1f0, 0x3f4, 0x170, 0x374};

enum RegionType { REGION_IO = 0, REGION_MEM = 1, REGION_PREFMEM = 2, REGION_TYPE_COUNT = 3 };

// What SeaBIOS has written into one function's config space, kept per QEMU function whether or not
// SeaBIOS ever finds it (a function behind a bus SeaBIOS cannot reach keeps its reset values).
struct FunctionState {
    unsigned secondary = 0, subordinate = 0;  // bridges: the bus number registers
    std::optional<BridgeRegisters> regs;
    std::array<std::optional<u64>, 7> bar_value{};  // what was written to each BAR
    bool enabled = false;                           // COMMAND.IO|MEM set by pci_bios_init_device
};

struct Device {
    Bdf bdf;
    const PciNode* node = nullptr;
    FunctionState* state = nullptr;
    int parent = -1;  // index of the bridge above, -1 on a root bus
    unsigned secondary = 0;  // as pci_probe_devices read it

    std::uint16_t class_code() const { return node->function.class_code; }
    bool is_bridge() const { return class_code() == PCI_CLASS_BRIDGE_PCI; }
};

struct Entry {
    int device = -1;
    int bar = -1;  // -1: the window of the bridge `device`
    u64 size = 0;
    u64 align = 0;
    bool is64 = false;
    RegionType type = REGION_MEM;
};

// A list kept in SeaBIOS's order: descending alignment, then descending size, ties in insertion order.
// pci_region_create_entry inserts before the first smaller entry, which is a stable sort by that key.
struct Region {
    u64 base = 0;
    std::vector<Entry> list;
    bool sorted = true;

    void insert(const Entry& e) {
        list.push_back(e);
        sorted = false;
    }
    const std::vector<Entry>& entries() {
        if (!sorted) {
            std::stable_sort(list.begin(), list.end(), [](const Entry& a, const Entry& b) {
                return a.align != b.align ? a.align > b.align : a.size > b.size;
            });
            sorted = true;
        }
        return list;
    }
    // pci_region_align: the first entry has the largest alignment; 1 for an empty list.
    u64 align() { return entries().empty() ? 1 : entries().front().align; }
    // pci_region_sum, wrapping as the firmware's u64 sum does.
    u64 sum() {
        u64 total = 0;
        for (const auto& e : entries()) total += e.size;
        return total;
    }
};

struct Bus {
    std::array<Region, REGION_TYPE_COUNT> r;
    int bus_dev = -1;
};

class SeaBios {
public:
    SeaBios(const Machine& machine, const SeabiosRelease& release) : machine_(machine), release_(release) {}

    FirmwareResult run() {
        result_.firmware = std::string(release_.identity.model_name);
        qemu_early_e820();
        malloc_preinit();
        pci_bios_init_bus();
        note_expander_bus_overlaps();
        pci_probe_devices();
        pci_bios_init_platform();
        physbits();
        pci_setup_mem64_limits();
        busses_.assign(static_cast<std::size_t>(max_pci_bus_) + 1, Bus{});
        pci_bios_check_devices();
        if (pci_bios_map_devices()) {
            pci_bios_init_devices();
            malloc_prepboot();
            result_.e820 = e820_.entries();
        }
        report_functions();
        return std::move(result_);
    }

private:
    // --- e820 (src/fw/paravirt.c, src/malloc.c) ------------------------------------------------------
    void qemu_early_e820() {
        for (const auto& e : machine_.memory.qemu_e820) {
            e820_.add(e.start, e.size, e.type);
            if (e.type != E820Type::Ram) continue;
            const u64 end = e.start + e.size;
            if (e.start < 4 * GiB) ram_size_ = std::max(ram_size_, end);
            else ram_size_over_4g_ = std::max(ram_size_over_4g_, end - 4 * GiB);
        }
        // qemu_preinit: "reserve 256KB BIOS area at the end of 4 GB"
        e820_.add(BIOS_FLASH_START, BIOS_FLASH_SIZE, E820Type::Reserved);
    }

    void malloc_preinit() {
        e820_.remove(BUILD_LOWRAM_END, BUILD_BIOS_ADDR - BUILD_LOWRAM_END);
        e820_.add(BUILD_BIOS_ADDR, BUILD_BIOS_SIZE, E820Type::Reserved);
        // ZoneHigh: the top 16 MiB of the highest RAM entry below 4 GiB (scanned from the top).
        const auto& entries = e820_.entries();
        for (auto it = entries.rbegin(); it != entries.rend(); ++it) {
            const u64 end = it->start + it->size;
            if (end < 1 * MiB) break;
            if (it->type != E820Type::Ram || end > 0xffff'ffff) continue;
            if (end >= BUILD_MAX_HIGHTABLE && align_down(end - BUILD_MAX_HIGHTABLE, 16) >= it->start) {
                high_table_ = align_down(end - BUILD_MAX_HIGHTABLE, 16);
            }
            break;
        }
        if (!high_table_) throw UnsupportedError("SeaBIOS model: less than 17 MiB of RAM below 4 GiB is not modelled");
        e820_.add(*high_table_, BUILD_MAX_HIGHTABLE, E820Type::Reserved);
    }

    void malloc_prepboot() {
        // The EBDA's 1 KiB below 640 KiB, then ZoneHigh's unused part given back as RAM: what is left
        // below the lowest allocation the boot made there (firmware/seabios/high_zone.cpp).
        e820_.add(EBDA_START, BUILD_LOWRAM_END - EBDA_START, E820Type::Reserved);
        std::vector<FoundFunction> found;
        for (const Device& dev : devices_) found.push_back({dev.node, dev.state->bar_value});
        const HighZonePlan plan = plan_high_zone(machine_, found, release_.builtin_acpi, release_.usb_hid);
        for (const auto& note : plan.notes) result_.notes.push_back(note);
        const u64 giveback = high_zone_giveback(plan, *high_table_, BUILD_MAX_HIGHTABLE);
        std::set<u64> givebacks{giveback};
        for (const auto& steps : plan.alternative_steps) {
            HighZonePlan other;
            other.steps = steps;
            const u64 other_giveback = high_zone_giveback(other, *high_table_, BUILD_MAX_HIGHTABLE);
            if (!givebacks.insert(other_giveback).second) continue;  // the same table as one already given
            E820Map alternative = e820_;
            if (other_giveback > 0) alternative.add(*high_table_, other_giveback, E820Type::Ram);
            result_.e820_alternatives.push_back(alternative.entries());
        }
        if (giveback > 0) e820_.add(*high_table_, giveback, E820Type::Ram);
    }

    // --- Bus numbering (pci_bios_init_bus, pci_bios_init_bus_rec) -----------------------------------
    std::vector<const PciNode*> visible_functions(int topo_bus) const { return machine_.pci.scanned_functions(topo_bus); }

    // QEMU's config-space routing (hw/pci/pci.c pci_find_bus_nr): a bus number reaches the child bus whose
    // bridge has that secondary number, descending into a bridge whose [secondary, subordinate] range holds
    // it; child buses are searched newest first (QLIST_INSERT_HEAD). -1 when no bus answers.
    int route(unsigned number) const { return route_from(0, number); }

    // A root bus's number is its own (0, or an expander's bus_nr); a bridge's bus has the bridge's secondary register.
    unsigned bus_number(int bus) const {
        const PciNode* bridge = bridge_of_bus_[static_cast<std::size_t>(bus)];
        return bridge ? state_.at(bridge).secondary : PciTopology::root_bus_number(machine_.pci.bus(bus));
    }

    // pci_root_bus_in_range: a number some bridge on the expander's root bus forwards.
    bool root_bus_in_range(int root, unsigned number) const {
        for (const auto& node : machine_.pci.bus(root).devices) {
            if (!node.function.bridge) continue;
            const FunctionState& st = state_.at(&node);
            if (st.secondary <= number && number <= st.subordinate) return true;
        }
        return false;
    }

    int route_from(int start, unsigned number) const {
        if (bus_number(start) == number) return start;
        if (const PciNode* bridge = bridge_of_bus_[static_cast<std::size_t>(start)]) {
            const FunctionState& st = state_.at(bridge);
            if (!(st.secondary <= number && number <= st.subordinate)) return -1;
        }
        int bus = start;
        for (;;) {
            int next = -1;
            for (int child : children_[static_cast<std::size_t>(bus)]) {
                // "PXB buses assumed to be children of bus 0"
                if (machine_.pci.bus(child).extra_root) {
                    if (bus_number(child) == number) return child;
                    if (root_bus_in_range(child, number)) {
                        next = child;
                        break;
                    }
                    continue;
                }
                const FunctionState& st = state_.at(bridge_of_bus_[static_cast<std::size_t>(child)]);
                if (st.secondary == number) return child;
                if (st.secondary <= number && number <= st.subordinate) {
                    next = child;
                    break;
                }
            }
            if (next < 0) return -1;
            bus = next;
        }
    }

    void index_topology() {
        const auto& buses = machine_.pci.buses();
        children_.assign(buses.size(), {});
        bridge_of_bus_.assign(buses.size(), nullptr);
        for (std::size_t b = buses.size(); b-- > 1;) {
            children_[static_cast<std::size_t>(buses[b].parent_bus)].push_back(static_cast<int>(b));
        }
        for (const auto& bus : buses) {
            for (const auto& node : bus.devices) {
                FunctionState& st = state_[&node];
                if (node.function.bridge) st.regs.emplace(*node.function.bridge);
                if (node.child_bus >= 0) bridge_of_bus_[static_cast<std::size_t>(node.child_bus)] = &node;
            }
        }
    }

    // etc/extra-pci-roots: QEMU's count of expander root buses (hw/i386/pc.c pc_machine_done).
    unsigned extra_roots() const { return static_cast<unsigned>(machine_.pci.extra_roots().size()); }

    void pci_bios_init_bus() {
        index_topology();
        unsigned pci_bus = 0;
        pci_bios_init_bus_rec(0, pci_bus);
        // With extra roots, every bus number above those bus 0 used is tried as a root bus in turn: an expander's
        // bridges are numbered on from its bus_nr.
        if (extra_roots() != 0) {
            while (pci_bus < MAX_BUS_NUMBER) {
                ++pci_bus;
                pci_bios_init_bus_rec(pci_bus, pci_bus);
            }
        }
    }

    void pci_bios_init_bus_rec(unsigned bus, unsigned& pci_bus) {
        const int topo_bus = route(bus);
        if (topo_bus < 0) return;
        const auto functions = visible_functions(topo_bus);
        // "prevent accidental access to unintended devices"
        for (const PciNode* node : functions) {
            if (node->function.class_code != PCI_CLASS_BRIDGE_PCI) continue;
            state_[node].secondary = 255;
            state_[node].subordinate = 0;
        }
        for (const PciNode* node : functions) {
            if (node->function.class_code != PCI_CLASS_BRIDGE_PCI) continue;
            FunctionState& st = state_[node];
            // SeaBIOS wraps the next number to 0, and "bus 0" behind a bridge is the root bus again: the real
            // firmware then numbers the root's bridges anew without end. Refused as the OVMF model refuses it.
            if (pci_bus + 1 > MAX_BUS_NUMBER) throw UnsupportedError("SeaBIOS model: more than 255 PCI buses are not modelled");
            pci_bus = (pci_bus + 1) & 0xff;
            const unsigned secbus = pci_bus;
            st.secondary = secbus;
            const unsigned old_subbus = st.subordinate;
            st.subordinate = 255;  // "set to max for access to all subordinate buses"
            pci_bios_init_bus_rec(secbus, pci_bus);

            unsigned subbus = old_subbus;
            if (old_subbus != pci_bus) {
                unsigned res_bus = pci_bus;
                const auto& reserve = reserve_cap(*node);
                if (reserve && reserve->bus) {
                    res_bus = *reserve->bus & 0xff;
                    const unsigned wrapped = (res_bus + secbus) & 0xff;
                    if (wrapped < secbus || wrapped < res_bus) res_bus = 0;  // "bus_reserve value %d is invalid"
                    // SeaBIOS 1.16.2 keeps the bare reservation when it is not above the buses already
                    // numbered, so later bridges reuse those numbers; QEMU's routing then decides who sees what.
                    if (secbus + res_bus > pci_bus) res_bus = secbus + res_bus;
                }
                subbus = res_bus;
                pci_bus = res_bus;
            }
            st.subordinate = subbus;
        }
    }

    // SeaBIOS numbers bus 0's bridges without regard to the expanders' fixed numbers. Where a bridge below
    // bus 0 got a range holding an expander's bus_nr, QEMU's routing decides who answers that number (the
    // newest of them), and what sits behind the other stays hidden: worth saying, since nothing fails.
    void note_expander_bus_overlaps() {
        const auto& buses = machine_.pci.buses();
        auto under_main_root = [&](int bus) {
            while (buses[static_cast<std::size_t>(bus)].parent_bus >= 0 && !buses[static_cast<std::size_t>(bus)].extra_root) {
                bus = buses[static_cast<std::size_t>(bus)].parent_bus;
            }
            return bus == 0;
        };
        for (const int root : machine_.pci.extra_roots()) {
            const ExtraRootBus& extra = *buses[static_cast<std::size_t>(root)].extra_root;
            for (std::size_t b = 0; b < buses.size(); ++b) {
                if (!under_main_root(static_cast<int>(b))) continue;
                for (const auto& node : buses[b].devices) {
                    if (!node.function.bridge) continue;
                    const FunctionState& st = state_.at(&node);
                    if (!(st.secondary <= extra.bus_nr && extra.bus_nr <= st.subordinate)) continue;
                    result_.notes.push_back(fmt::format(
                        "{} '{}' has bus_nr {:#x}, but SeaBIOS numbered the buses behind {} on the main root bus {:#x}-{:#x}: QEMU "
                        "routes each number to one bus only, so devices behind one of them are hidden. Give bus_nr a number "
                        "above the buses the main root bus uses",
                        extra.expander_driver, extra.expander_id, extra.bus_nr, node.id.empty() ? node.function.driver : "'" + node.id + "'",
                        st.secondary, st.subordinate));
                }
            }
        }
    }

    // pci_find_resource_reserve_capability: only on QEMU's root port and bridge device IDs.
    static const std::optional<ResourceReserveCap>& reserve_cap(const PciNode& node) {
        static const std::optional<ResourceReserveCap> none;
        const auto& f = node.function;
        if (!f.bridge || f.vendor_id != PCI_VENDOR_ID_REDHAT) return none;
        if (f.device_id != PCI_DEVICE_ID_REDHAT_ROOT_PORT && f.device_id != PCI_DEVICE_ID_REDHAT_BRIDGE) return none;
        return f.bridge->reserve;
    }

    // --- Device probing (pci_probe_devices) ----------------------------------------------------------
    void pci_probe_devices() {
        std::array<int, 256> busdevs{};
        busdevs.fill(-1);
        max_pci_bus_ = 0;
        const unsigned extraroots = extra_roots();
        unsigned lastbus = 0, rootbuses = 0;
        for (unsigned bus = 0; bus <= 0xff; ++bus) {
            const int topo_bus = route(bus);
            if (topo_bus >= 0) scan_bus(bus, topo_bus, busdevs, lastbus, rootbuses);
            // "while (bus < 0xff && (bus < MaxPCIBus || rootbuses < extraroots))"
            if (bus >= max_pci_bus_ && rootbuses >= extraroots) break;
        }
    }

    void scan_bus(unsigned bus, int topo_bus, std::array<int, 256>& busdevs, unsigned& lastbus, unsigned& rootbuses) {
        for (const PciNode* node : visible_functions(topo_bus)) {
            Device dev;
            dev.node = node;
            dev.state = &state_[node];
            dev.bdf = Bdf{static_cast<std::uint8_t>(bus), node->devfn};
            dev.parent = busdevs[bus];
            if (dev.parent < 0) {
                // a function without a bridge above it: a root bus, counted once per bus number
                if (bus != lastbus) ++rootbuses;
                lastbus = bus;
                max_pci_bus_ = std::max(max_pci_bus_, bus);
            }
            if (node->function.bridge) {
                dev.secondary = dev.state->secondary;
                if (dev.secondary > bus && busdevs[dev.secondary] < 0) busdevs[dev.secondary] = static_cast<int>(devices_.size());
                max_pci_bus_ = std::max(max_pci_bus_, dev.secondary);
            }
            devices_.push_back(dev);
        }
    }

    u64 acpi_pm_base() const { return machine_.acpi ? ACPI_PM_BASE_WITH_TABLE_LOADER : ACPI_PM_BASE_DEFAULT; }

    // --- Platform (pci_bios_init_platform) -----------------------------------------------------------
    void pci_bios_init_platform() {
        pcimem_start_ = ram_size_;
        if (machine_.type.family == MachineFamily::Q35) {
            // mch_mem_addr_setup: the ECAM is reserved and the window starts above it.
            e820_.add(release_.q35_pciexbar_addr, Q35_HOST_BRIDGE_PCIEXBAR_SIZE, E820Type::Reserved);
            pcimem_start_ = release_.q35_pciexbar_addr + Q35_HOST_BRIDGE_PCIEXBAR_SIZE;
            pci_io_low_end_ = acpi_pm_base() < 0x1000 ? PCI_IO_LOW_END_Q35 : acpi_pm_base();
        } else {
            // i440fx_mem_addr_setup
            if (ram_size_ <= I440FX_PCIMEM_FLOOR_2G) pcimem_start_ = I440FX_PCIMEM_FLOOR_2G;
            else if (ram_size_ <= I440FX_PCIMEM_FLOOR_3G) pcimem_start_ = I440FX_PCIMEM_FLOOR_3G;
        }
    }

    // --- The CPU's address width (src/fw/paravirt.c physbits, 1.16.3+) -----------------------------------
    // SeaBIOS reads leaf 0's vendor (not 0x80000000, which QEMU 10.1 blanks for Intel) and ignores KVM's
    // GuestPhysBits in EAX[23:16]. Every CPU model aperture knows has PAE, so without long mode it is 36 bits.
    void physbits() {
        if (release_.phys_bits == SeabiosPhysBits::Ignored) return;
        const GuestCpu& cpu = machine_.cpu;
        long_mode_ = cpu.long_mode;
        unsigned bits = PHYS_BITS_WITHOUT_LONG_MODE;
        bool valid = true;
        if (cpu.long_mode) {
            bits = cpu.phys_bits;
            const bool intel = cpu.vendor == "GenuineIntel", amd = cpu.vendor == "AuthenticAMD";
            valid = bits >= PHYS_BITS_ALWAYS_TRUSTED || (intel && (bits == 36 || bits == 39)) || (amd && bits == 40);
        }
        if (valid) cpu_phys_bits_ = bits;
        result_.notes.push_back(fmt::format(
            "SeaBIOS physbits: vendor \"{}\", long mode {}, phys-bits {}: {}", cpu.vendor, cpu.long_mode ? "yes" : "no", bits,
            valid ? "trusted, so the 64-bit window ends below 2^phys-bits"
                  : "not trusted (only >= 41, Intel 36/39 and AMD 40 are), so the 64-bit window is not bounded by it"));
    }

    // pci_setup: the top of the 64-bit window (pci_mem64_top) and whether every 64-bit BAR goes there
    // (pci_pad_mem64).
    void pci_setup_mem64_limits() {
        if (cpu_phys_bits_ != 0 && release_.mem64_top_cap_bits != 0) {
            unsigned bits = cpu_phys_bits_;
            const bool lifted = release_.mem64_cap_lifted_by_1tib_ram && ram_size_over_4g_ >= MEM64_CAP_LIFT_RAM_ABOVE_4G;
            if (bits > release_.mem64_top_cap_bits && !lifted) bits = release_.mem64_top_cap_bits;
            mem64_top_ = u64{1} << bits;
        }
        switch (release_.padding) {
            case SeabiosMem64Padding::OnlyOnOverflow: pad_mem64_ = false; break;
            case SeabiosMem64Padding::TrustedPhysBits:
                pad_mem64_ = cpu_phys_bits_ >= PHYS_BITS_MIN_FOR_PADDING && long_mode_ && ram_size_over_4g_ != 0;
                break;
            case SeabiosMem64Padding::FwCfgElseRamAbove4G: {
                const std::optional<bool> asked = pci64_fw_cfg();
                pad_mem64_ = asked.value_or(ram_size_over_4g_ != 0) && long_mode_;
                break;
            }
        }
        if (pad_mem64_) {
            result_.notes.push_back(mem64_top_ ? fmt::format("SeaBIOS pads the 64-bit window: every 64-bit BAR goes above 4 GiB, into a "
                                                             "window aligned to 1/8 of the space below {:#x}", mem64_top_)
                                               : std::string("SeaBIOS pads the 64-bit window: every 64-bit BAR goes above 4 GiB, just above RAM"));
        }
    }

    // romfile_loadbool("opt/org.seabios/pci64", -1): nullopt where SeaBIOS falls back to its default.
    std::optional<bool> pci64_fw_cfg() {
        for (const auto& f : machine_.fw_cfg) {
            if (f.name != PCI64_FW_CFG) continue;
            if (!f.string_value) {
                throw UnsupportedError(fmt::format("{}: -fw_cfg name={} is read from string= only; give its value as string=on|off",
                                                   f.where.text, PCI64_FW_CFG));
            }
            const std::string& v = *f.string_value;
            if (v == "1" || v == "on" || v == "yes") return true;
            if (v == "0" || v == "off" || v == "no") return false;
            result_.notes.push_back(fmt::format("SeaBIOS ignores {}={:?} (\"romfile_loadbool: unknown bool string\") and keeps its default",
                                                PCI64_FW_CFG, v));
            return std::nullopt;
        }
        return std::nullopt;
    }

    // --- Sizing (pci_bios_check_devices) ---------------------------------------------------------------
    Bus& bus_for_device(const Device& dev) {
        Bus& bus = busses_[dev.bdf.bus];
        // "Resources for all root busses go in busses[0]"
        return bus.bus_dev < 0 ? busses_[0] : bus;
    }

    void pci_bios_check_devices() {
        for (std::size_t i = 0; i < devices_.size(); ++i) {
            Device& dev = devices_[i];
            if (dev.is_bridge() && dev.secondary <= max_pci_bus_) busses_[dev.secondary].bus_dev = static_cast<int>(i);
            Bus& bus = bus_for_device(dev);
            for (const BarSpec& bar : dev.node->function.bars) {
                // Bridges have BAR0-1 and their ROM only.
                if (dev.is_bridge() && bar.index >= 2 && bar.index < PCI_ROM_SLOT) continue;
                Entry e;
                e.device = static_cast<int>(i);
                e.bar = bar.index;
                e.size = bar.size;
                if (bar.kind == BarKind::Io) {
                    e.type = REGION_IO;
                } else if (bar.kind == BarKind::Rom) {
                    e.type = REGION_MEM;  // the ROM is sized with PCI_ROM_ADDRESS_MASK as plain memory
                } else {
                    e.type = bar.prefetchable ? REGION_PREFMEM : REGION_MEM;
                    e.is64 = bar.is64;
                }
                if (e.type != REGION_IO && e.size < PCI_DEVICE_MEM_MIN) e.size = PCI_DEVICE_MEM_MIN;
                e.align = e.size;
                bus.r[e.type].insert(e);
            }
        }

        // Propagate required bus resources to parent busses, deepest bus numbers first.
        for (unsigned secondary = max_pci_bus_; secondary > 0; --secondary) {
            Bus& s = busses_[secondary];
            if (s.bus_dev < 0) continue;
            Device& bridge = devices_[static_cast<std::size_t>(s.bus_dev)];
            Bus& parent = bus_for_device(bridge);
            const BridgeSpec& spec = *bridge.node->function.bridge;
            const auto& cap = reserve_cap(*bridge.node);
            const HotplugSupport hotplug = pci_bus_hotplug_support(spec);
            for (std::size_t t = 0; t < REGION_TYPE_COUNT; ++t) {
                const auto type = static_cast<RegionType>(t);
                u64 align = type == REGION_IO ? PCI_BRIDGE_IO_MIN : PCI_BRIDGE_MEM_MIN;
                if (!pci_bridge_has_region(bridge, type)) continue;
                u64 size = 0;
                if (cap) size = reserved_size(*cap, type);
                align = std::max(align, s.r[t].align());
                u64 sum = s.r[t].sum();
                const bool is64 = pci_bios_bridge_region_is64(s.r[t], spec, type);
                const bool resource_optional = hotplug == HotplugSupport::Pcie && type == REGION_IO;
                const bool hotplug_pref64 = hotplug != HotplugSupport::None && pad_mem64_ && is64 && type == REGION_PREFMEM;
                const u64 top_align = mem64_top_ >> HOTPLUG_PREF64_SHIFT;
                switch (release_.hotplug_window) {
                    case SeabiosHotplugWindow::EmptyGetsAlignment:
                        if (sum == 0 && hotplug != HotplugSupport::None && !resource_optional) sum = align;
                        break;
                    case SeabiosHotplugWindow::ShortGetsAlignment:
                        if (hotplug_pref64) align = top_align;  // may lower a large BAR's alignment (fixed in 1.17.0)
                        if (align > sum && hotplug != HotplugSupport::None && !resource_optional) sum = align;
                        break;
                    case SeabiosHotplugWindow::ShortGetsRaisedAlignment:
                        if (hotplug_pref64 && top_align > align) align = top_align;
                        if (align > sum && hotplug != HotplugSupport::None && !resource_optional) sum = align;
                        break;
                }
                if (size > sum) {
                    if (type != REGION_IO) size = seabios_align(size, align);
                } else {
                    size = seabios_align(sum, align);
                }
                Entry e;
                e.device = s.bus_dev;
                e.bar = -1;
                e.size = size;
                e.align = align;
                e.type = type;
                e.is64 = is64;
                parent.r[t].insert(e);
            }
        }
    }

    enum class HotplugSupport { None, Pcie, Shpc };

    // pci_bus_hotplug_support: PCIe root/downstream ports with Slot Implemented (the Hot-Plug Capable
    // bit is not checked); otherwise the SHPC capability. Upstream ports never.
    static HotplugSupport pci_bus_hotplug_support(const BridgeSpec& spec) {
        switch (spec.kind) {
            case BridgeKind::PcieRootPort:
            case BridgeKind::PcieDownstreamPort:
                return spec.slot_implemented ? HotplugSupport::Pcie : HotplugSupport::None;
            case BridgeKind::PcieUpstreamPort:
                return HotplugSupport::None;
            case BridgeKind::PcieToPciBridge:
            case BridgeKind::PciBridge:
                return spec.has_shpc ? HotplugSupport::Shpc : HotplugSupport::None;
        }
        return HotplugSupport::None;
    }

    // pci_bridge_has_region: writes 0xFF into the base register and reads it back (a side effect QMP sees
    // if nothing overwrites it later). Regular memory windows are mandatory.
    static bool pci_bridge_has_region(Device& bridge, RegionType type) {
        if (type == REGION_IO) {
            bridge.state->regs->write_io_base(0xff);
            return bridge.state->regs->read_io_base() != 0;
        }
        if (type == REGION_PREFMEM) {
            bridge.state->regs->write_pref_base_low_byte(0xff);
            return bridge.state->regs->read_pref_base_low_byte() != 0;
        }
        return true;
    }

    static u64 reserved_size(const ResourceReserveCap& cap, RegionType type) {
        switch (type) {
            case REGION_IO: return cap.io.value_or(0);
            case REGION_MEM: return cap.mem.value_or(0);
            case REGION_PREFMEM:
                // pref32 xor pref64; both set is a conflict and reserves nothing.
                if (cap.pref32 && !cap.pref64) return *cap.pref32;
                if (!cap.pref32 && cap.pref64) return *cap.pref64;
                return 0;
            default: return 0;
        }
    }

    // pci_bios_bridge_region_is64: a 64-bit capable prefetchable window whose children are all 64-bit.
    static bool pci_bios_bridge_region_is64(Region& r, const BridgeSpec& spec, RegionType type) {
        if (type != REGION_PREFMEM) return false;
        if (!spec.pref_window_64) return false;
        for (const auto& e : r.entries()) {
            if (!e.is64) return false;
        }
        return true;
    }

    // --- Placement (pci_bios_map_devices) ---------------------------------------------------------------
    bool pci_bios_init_root_regions_io() {
        Region& r_io = busses_[0].r[REGION_IO];
        const u64 sum = r_io.sum();
        if (sum < PCI_IO_TRADITIONAL_LIMIT) r_io.base = PCI_IO_TRADITIONAL_BASE;
        else if (sum < pci_io_low_end_ - 0x1000) r_io.base = PCI_IO_LOW_BASE;
        else return false;
        if (sum > 0) result_.windows.io = AddressRange::from_start_and_size(r_io.base, sum);
        return true;
    }

    // The stacking below 0xFEC00000 uses SeaBIOS's unsigned arithmetic on purpose: a sum larger than the
    // window wraps, and the range check below is what catches it, exactly as in the firmware.
    bool pci_bios_init_root_regions_mem() {
        Region* r_end = &busses_[0].r[REGION_PREFMEM];
        Region* r_start = &busses_[0].r[REGION_MEM];
        if (r_start->align() < r_end->align()) std::swap(r_end, r_start);  // "Swap regions to improve alignment."
        r_end->base = align_down(BUILD_PCIMEM_END - r_end->sum(), r_end->align());
        r_start->base = align_down(r_end->base - r_start->sum(), r_start->align());
        return r_start->base >= pcimem_start_ && r_start->base <= BUILD_PCIMEM_END;
    }

    static Region migrate_64bit_entries(Region& from, const std::vector<Device>& devices) {
        Region to;
        std::vector<Entry> kept;
        for (const auto& e : from.entries()) {
            const bool usb = devices[static_cast<std::size_t>(e.device)].class_code() == PCI_CLASS_SERIAL_USB;
            if (e.is64 && !usb) to.list.push_back(e);
            else kept.push_back(e);
        }
        from.list = std::move(kept);
        return to;  // already in SeaBIOS order
    }

    bool pci_bios_map_devices() {
        if (!pci_bios_init_root_regions_io()) return fail(FirmwareFailure::IoSpaceExhausted);
        if (pad_mem64_ || !pci_bios_init_root_regions_mem()) {
            result_.notes.push_back(pad_mem64_ ? "SeaBIOS moved every 64-bit BAR and 64-bit bridge window on the root bus above 4 GiB "
                                                 "(pci_pad_mem64; USB controllers excepted)"
                                               : "the 32-bit window could not hold every BAR, so SeaBIOS moved every 64-bit BAR and "
                                                 "64-bit bridge window on the root bus above 4 GiB (USB controllers excepted)");
            Region r64_mem = migrate_64bit_entries(busses_[0].r[REGION_MEM], devices_);
            Region r64_pref = migrate_64bit_entries(busses_[0].r[REGION_PREFMEM], devices_);
            if (!pci_bios_init_root_regions_mem()) return fail(FirmwareFailure::Mem32SpaceExhausted);

            const u64 sum_mem = r64_mem.sum();
            const u64 sum_pref = r64_pref.sum();
            u64 base = machine_.memory.reserved_memory_end.value_or(0);
            base = std::max(base, 4 * GiB + ram_size_over_4g_);
            // SeaBIOS's unchecked u64 arithmetic wraps for a window near 2^64 (with a top, 1.16.3+, for one
            // larger than the space it trusts), and QEMU then shows what the registers hold: follow it there.
            if (mem64_top_ != 0) base = below_top(base, sum_mem, sum_pref);
            r64_mem.base = seabios_align(seabios_align(base, r64_mem.align()), HUGEPAGE_ALIGN);
            r64_pref.base = seabios_align(seabios_align(r64_mem.base + sum_mem, r64_pref.align()), HUGEPAGE_ALIGN);
            const u64 end = seabios_align(r64_pref.base + sum_pref, HUGEPAGE_ALIGN);
            if (mem64_top_ == 0 && !(r64_mem.base >= base && r64_pref.base >= r64_mem.base && end >= r64_pref.base)) {
                result_.notes.push_back(fmt::format("SeaBIOS's 64-bit window arithmetic wraps past 2^64 ({:#x} bytes of non-prefetchable and {:#x} "
                                                    "of prefetchable 64-bit BARs above {:#x}): BARs land where the wrapped values put them, "
                                                    "and QEMU maps none that wrap",
                                                    sum_mem, sum_pref, base));
            }
            // "PCI: 64: start - end"; nothing to report when no 64-bit BAR moved or the arithmetic wrapped.
            if (end > r64_mem.base) result_.windows.mem64 = AddressRange::from_first_and_last(r64_mem.base, end - 1);
            pci_region_map_entries(r64_mem);
            pci_region_map_entries(r64_pref);
        }
        result_.windows.mem32 = AddressRange::from_first_and_last(pcimem_start_, BUILD_PCIMEM_END - 1);
        for (unsigned bus = 0; bus <= max_pci_bus_; ++bus) {
            for (auto& region : busses_[bus].r) pci_region_map_entries(region);
        }
        return true;
    }

    // 1.16.3+: the window [top - size, top), size rounded to whole GiB (and to 1/8 of the space when padded),
    // unless RAM already reaches above its start; moved down by its size when it overlaps an e820 entry (an
    // AMD guest's HyperTransport hole). A window larger than the trusted space wraps below 2^64, as in SeaBIOS.
    u64 below_top(u64 base, u64 sum_mem, u64 sum_pref) {
        u64 size = seabios_align(sum_mem, HUGEPAGE_ALIGN) + seabios_align(sum_pref, HUGEPAGE_ALIGN);
        if (pad_mem64_) size = seabios_align(size, mem64_top_ >> MEM64_PAD_SHIFT);
        if (size > mem64_top_) {
            result_.notes.push_back(fmt::format(
                "SeaBIOS's 64-bit window ({:#x} bytes) is larger than the address space it trusts ({:#x}): its arithmetic wraps "
                "past 2^64, and BARs land where the wrapped values put them (QEMU maps none that wrap)",
                size, mem64_top_));
        }
        if (base < mem64_top_ - size) base = mem64_top_ - size;
        if (release_.steps_below_e820_entries && e820_is_used(base, size)) {
            result_.notes.push_back(fmt::format("the 64-bit window [{:#x}, {:#x}) overlaps an e820 entry, so SeaBIOS moved it down by its size",
                                                base, base + size));
            base -= size;
        }
        return base;
    }

    // src/e820map.c e820_is_used, with its u64 arithmetic.
    bool e820_is_used(u64 start, u64 size) const {
        for (const auto& e : e820_.entries()) {
            if (start + size <= e.start) continue;
            if (start >= e.start + e.size) continue;
            return true;
        }
        return false;
    }

    void pci_region_map_entries(Region& r) {
        for (const auto& e : r.entries()) {
            const u64 addr = r.base;
            r.base += e.size;
            Device& dev = devices_[static_cast<std::size_t>(e.device)];
            if (e.bar == -1) busses_[dev.secondary].r[e.type].base = addr;
            pci_region_map_one_entry(e, dev, addr);
        }
        r.list.clear();
    }

    static void pci_region_map_one_entry(const Entry& e, Device& dev, u64 addr) {
        if (e.bar >= 0) {
            // A BAR's address bits below its size are read-only zeros: an address the firmware did not align
            // to the size (SeaBIOS 1.16.3's hotplug windows) reads back rounded down, and decodes there.
            dev.state->bar_value[static_cast<std::size_t>(e.bar)] = addr & ~(dev.node->function.bar(e.bar)->size - 1);
            return;
        }
        // The registers truncate exactly as the firmware's byte/word writes do; a zero-size window
        // gets limit = base - 1, which closes it.
        const u64 limit = addr + e.size - 1;
        BridgeRegisters& regs = *dev.state->regs;
        if (e.type == REGION_IO) {
            regs.write_io_base(static_cast<std::uint8_t>(addr >> 8));
            regs.write_io_limit(static_cast<std::uint8_t>(limit >> 8));
        } else if (e.type == REGION_MEM) {
            regs.write_memory_base(static_cast<std::uint16_t>(addr >> 16));
            regs.write_memory_limit(static_cast<std::uint16_t>(limit >> 16));
        } else {
            regs.write_pref_base(static_cast<std::uint16_t>(addr >> 16));
            regs.write_pref_limit(static_cast<std::uint16_t>(limit >> 16));
            regs.write_pref_base_upper(static_cast<std::uint32_t>(addr >> 32));
            regs.write_pref_limit_upper(static_cast<std::uint32_t>(limit >> 32));
        }
    }

    // Which window SeaBIOS ran out of when it gave up.
    RootWindowKind short_window() const {
        switch (result_.failure) {
            case FirmwareFailure::None: return RootWindowKind::None;
            case FirmwareFailure::IoSpaceExhausted: return RootWindowKind::Io;
            default: return RootWindowKind::Mem32;
        }
    }

    // src/fw/pciinit.c pci_bios_map_devices: the panic() messages.
    static std::string_view failure_text(FirmwareFailure failure) {
        return failure == FirmwareFailure::IoSpaceExhausted ? "PCI: out of I/O address space" : "PCI: out of 32bit address space";
    }

    bool fail(FirmwareFailure failure) {
        const std::string message(failure_text(failure));
        result_.failed = true;
        result_.failure = failure;
        result_.failure_message = message;
        result_.notes.push_back(fmt::format("SeaBIOS stops with \"{}\": no BAR is programmed and the guest does not boot", message));
        return false;
    }

    // --- Intel IGD (src/fw/pciinit.c intel_igd_setup) ------------------------------------------------------
    // The OpRegion copy is ZoneHigh's first allocation (pci_setup runs before smbios_setup and the ACPI
    // tables; high_zone.cpp plans it so), for any Intel VGA device. The stolen-memory block comes from
    // ZoneTmpHigh, whose top is ZoneHigh's start, for the one at 00:02.0 only.
    void intel_igd_setup(const Device& dev) {
        const IgdAssignment& asked = *machine_.igd;
        if (!asked.opregion_size && !(asked.bdsm_size && *asked.bdsm_size > 0)) return;  // QEMU asked for nothing
        IgdPlacement placed;
        placed.bdf = dev.bdf;
        if (asked.opregion_size) {
            placed.opregion_size = *asked.opregion_size;
            HighZone zone(static_cast<u32>(*high_table_), static_cast<u32>(*high_table_ + BUILD_MAX_HIGHTABLE));
            placed.opregion = zone.allocate(static_cast<u32>(*asked.opregion_size), IGD_OPREGION_ALIGN);
            if (!placed.opregion) placed.problems.push_back("the OpRegion does not fit in SeaBIOS's ZoneHigh (warn_noalloc)");
        }
        const bool at_00_02_0 = dev.bdf.bus == 0 && dev.bdf.devfn == DevFn{2, 0};
        if (asked.bdsm_size && *asked.bdsm_size > 0 && at_00_02_0) {
            placed.bdsm_size = *asked.bdsm_size;
            place_bdsm(placed);
        }
        if (!result_.igd) result_.igd = std::move(placed);
    }

    // ZoneTmpHigh holds, above the block, the relocated init code and every allocation's bookkeeping:
    // more than nothing and less than 1 MiB (the whole image is 256 KiB). Below a 1 MiB-aligned ZoneHigh
    // the block (QEMU asks for whole MiB) therefore ends exactly 1 MiB below it; below an unaligned one it
    // lands at the boundary under ZoneHigh's start, or 1 MiB lower.
    void place_bdsm(IgdPlacement& placed) {
        const u64 top = *high_table_;
        const u64 size = placed.bdsm_size;
        const u64 lowest = 1 * MiB;  // ZoneTmpHigh begins with the RAM entry that starts at 1 MiB
        const bool aligned_top = top % IGD_BDSM_ALIGN == 0;
        const u64 needed = size + (aligned_top ? IGD_BDSM_ALIGN : 0);
        if (needed > top || align_down(top - needed, IGD_BDSM_ALIGN) < lowest) {
            placed.problems.push_back(fmt::format(
                "the {} stolen-memory block does not fit in RAM below 4 GiB under SeaBIOS's ZoneHigh (warn_noalloc): "
                "BDSM stays 0",
                human_size(size)));
            return;
        }
        const u64 address = align_down(top - needed, IGD_BDSM_ALIGN);
        if (!aligned_top) {
            placed.notes.push_back(fmt::format(
                "ZoneHigh starts at {:#x}, not on a 1 MiB boundary: the stolen-memory block is at {:#x} or 1 MiB lower, "
                "depending on how much SeaBIOS holds in ZoneTmpHigh",
                top, address));
        }
        placed.bdsm = address;
        e820_.add(address, size, E820Type::Reserved);
    }

    // --- Per-device fixups (pci_bios_init_devices) --------------------------------------------------------
    void pci_bios_init_devices() {
        for (auto& dev : devices_) {
            const auto& f = dev.node->function;
            if (f.vendor_id == PCI_VENDOR_ID_INTEL && f.device_id == PCI_DEVICE_ID_INTEL_ICH9_LPC) {
                e820_.add(ICH9_LPC_RCBA_ADDR, ICH9_LPC_RCBA_SIZE, E820Type::Reserved);  // mch_isa_bridge_setup
            } else if (f.vendor_id == PCI_VENDOR_ID_INTEL && f.device_id == PCI_DEVICE_ID_INTEL_ICH9_SMBUS) {
                dev.state->bar_value[ICH9_SMB_BAR] = acpi_pm_base() + ICH9_SMBUS_IO_OFFSET;  // ich9_smbus_enable
            } else if (f.class_code == PCI_CLASS_STORAGE_IDE && !(f.vendor_id == PCI_VENDOR_ID_INTEL && f.device_id == 0x7010)) {
                for (std::size_t i = 0; i < LEGACY_IDE_PORTS.size(); ++i) dev.state->bar_value[i] = LEGACY_IDE_PORTS[i];
            } else if (is_intel_vga(f.vendor_id, f.class_code) && machine_.igd) {
                intel_igd_setup(dev);
            }
            dev.state->enabled = true;
        }
    }

    // --- The result ------------------------------------------------------------------------------------
    // The buses QMP query-pci lists: it descends from the root into each bridge's secondary bus number
    // through the same routing (hw/pci/pci-qmp.c, qmp_query_pci_bus), so a bus whose number is routed
    // elsewhere is not listed, and neither is anything behind it.
    std::vector<bool> buses_listed_by_query_pci() const {
        std::vector<bool> listed(machine_.pci.buses().size(), false);
        // every host bridge's root bus (qmp_query_pci walks pci_host_bridges)
        std::vector<int> pending = machine_.pci.extra_roots();
        pending.push_back(0);
        while (!pending.empty()) {
            const int bus = pending.back();
            pending.pop_back();
            if (listed[static_cast<std::size_t>(bus)]) continue;
            listed[static_cast<std::size_t>(bus)] = true;
            for (const auto& node : machine_.pci.bus(bus).devices) {
                if (!node.function.bridge) continue;
                const unsigned secondary = state_.at(&node).secondary;
                if (secondary == 0) continue;
                const int child = route_from(bus, secondary);
                if (child >= 0) pending.push_back(child);
            }
        }
        return listed;
    }

    // Every function QEMU has, numbered as QEMU numbers it (its bus is its bridge's secondary register),
    // including any SeaBIOS never reached.
    void report_functions() {
        const std::vector<bool> listed = buses_listed_by_query_pci();
        const auto& buses = machine_.pci.buses();
        for (std::size_t b = 0; b < buses.size(); ++b) {
            const unsigned bus_number = this->bus_number(static_cast<int>(b));
            for (const auto& node : buses[b].devices) {
                const FunctionState& st = state_.at(&node);
                FunctionResult fr;
                fr.bdf = Bdf{static_cast<std::uint8_t>(bus_number), node.devfn};
                fr.node = &node;
                fr.reachable = listed[b];
                for (const BarSpec& bar : node.function.bars) {
                    BarAssignment a;
                    a.index = bar.index;
                    a.address = st.bar_value[static_cast<std::size_t>(bar.index)];
                    // The ROM enable bit is never set, so QEMU does not map it (pci_bar_address).
                    a.decoding = st.enabled && a.address.has_value() && bar.kind != BarKind::Rom && qemu_maps_bar(bar, *a.address);
                    if (!a.address) {
                        const std::string reason = result_.failed ? result_.failure_message
                                                                  : "SeaBIOS never finds this function: its scan does not reach it (bus numbering or a missing function 0)";
                        result_.unassigned.push_back({fr.bdf, bar.index, bar.kind == BarKind::Rom ? "ROM" : fmt::format("BAR{}", bar.index),
                                                      bar.size, reason, short_window(),
                                                      result_.failed ? UnassignedCause::FirmwareGaveUp : UnassignedCause::NotReached});
                    }
                    fr.bars.push_back(a);
                }
                if (st.regs) {
                    BridgeAssignment ba;
                    ba.secondary_bus = st.secondary;
                    ba.subordinate_bus = st.subordinate;
                    ba.io = st.regs->io_view();
                    ba.memory = st.regs->memory_view();
                    ba.prefetchable = st.regs->prefetchable_view();
                    fr.bridge = ba;
                }
                result_.functions.push_back(std::move(fr));
            }
        }
        std::stable_sort(result_.functions.begin(), result_.functions.end(),
                         [](const FunctionResult& x, const FunctionResult& y) { return x.bdf < y.bdf; });
    }

    const Machine& machine_;
    const SeabiosRelease& release_;
    FirmwareResult result_;
    E820Map e820_;
    u64 ram_size_ = 0;
    u64 ram_size_over_4g_ = 0;
    std::optional<u64> high_table_;
    bool long_mode_ = true;    // CPULongMode
    unsigned cpu_phys_bits_ = 0;  // CPUPhysBits: 0 when not trusted (or the release ignores it)
    u64 mem64_top_ = 0;        // pci_mem64_top: 0 when unbounded
    bool pad_mem64_ = false;   // pci_pad_mem64
    u64 pcimem_start_ = 0;
    u64 pci_io_low_end_ = PCI_IO_LOW_END_I440FX;
    std::map<const PciNode*, FunctionState> state_;
    std::vector<std::vector<int>> children_;          // per bus: child buses, newest first
    std::vector<const PciNode*> bridge_of_bus_;       // per bus: the bridge in front of it
    std::vector<Device> devices_;
    std::vector<Bus> busses_;
    unsigned max_pci_bus_ = 0;  // MaxPCIBus: the highest secondary bus pci_probe_devices finds
};

}  // namespace

FirmwareResult run_seabios(const Machine& machine, const SeabiosRelease& release) { return SeaBios(machine, release).run(); }

}  // namespace aperture
