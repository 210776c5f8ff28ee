#include "firmware/ovmf/ovmf.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <fmt/format.h>

#include "core/error.hpp"
#include "firmware/bridge_registers.hpp"
#include "firmware/ovmf/os_memory_map.hpp"
#include "firmware/ovmf/ovmf_layout.hpp"
#include "firmware/ovmf/resource_tree.hpp"

namespace aperture {

namespace {

using namespace ovmf;

constexpr int PCI_MAX_BAR = 6;
constexpr unsigned MAX_BUS = 255;

// The five resource types in PciHostBridgeDxe's order (TypeIo .. TypePMem64).
constexpr std::array<ResType, 5> POOL_TYPES{ResType::Io, ResType::Mem32, ResType::PMem32, ResType::Mem64, ResType::PMem64};
// The five root pools in PciHostBridgeDxe's order (TypeIo, TypeMem32, TypePMem32, TypeMem64, TypePMem64).
constexpr std::array<RootWindowKind, 5> POOLS{RootWindowKind::Io, RootWindowKind::Mem32, RootWindowKind::Mem32Prefetchable,
                                              RootWindowKind::Mem64, RootWindowKind::Mem64Prefetchable};

struct BarInfo {
    bool present = false;
    ResType type = ResType::Mem32;
    u64 length = 0;
    u64 alignment = 0;
    bool fixed = false;  // BarTypeFixed: IncompatiblePciDeviceSupportDxe pinned a 64-bit BAR above 4 GiB
};

struct PaddingRequest {
    ResType type = ResType::Io;
    u64 length = 0;  // a power of two; the alignment is length - 1
};

// PciHotPlugInitDxe's answer for one hotplug bridge.
struct Padding {
    std::optional<u32> bus_numbers;
    std::vector<PaddingRequest> requests;
};

// PCI_IO_DEVICE, plus the config-space state QEMU ends up with.
struct Device {
    const PciNode* node = nullptr;  // nullptr: a root bridge
    bool root = false;              // a root bridge: the main one, or an expander's (pxb, pxb-pcie)
    unsigned bus_min = 0, bus_max = 0;  // a root bridge's bus number range
    int parent = -1;
    std::vector<int> children;  // ChildList, in scan order
    Bdf bdf;
    bool bridge = false;
    std::array<BarInfo, PCI_MAX_BAR> bars{};
    u64 rom_size = 0;
    bool combine = false, mem64_decode = false, pmem32_decode = false, pmem64_decode = false;  // Decodes
    std::optional<Padding> padding;  // ResourcePaddingDescriptors
    bool removed = false;            // rejected for lack of resources
    std::string removed_because;
    RootWindowKind removed_for = RootWindowKind::None;  // the pool that was short

    std::optional<BridgeRegisters> regs;
    unsigned secondary = 0, subordinate = 0;
    std::array<std::optional<u64>, PCI_MAX_BAR> bar_value{};
};

// A bridge's (or the root bridge's) five resource lists: node ids in POOL_TYPES order.
struct WindowLists {
    std::array<int, 5> list{};
};

int high_bit_round_up(u64 operand, unsigned width) {
    if (operand == 0) return -1;
    int bit = 63 - std::countl_zero(operand);
    if (!is_power_of_two(operand)) ++bit;
    return bit < static_cast<int>(width) ? bit : -1;
}

class Ovmf {
public:
    Ovmf(const Machine& machine, const OvmfRelease& release) : machine_(machine), release_(release) {}

    OvmfResult run() {
        out_.apertures = ovmf_apertures(machine_, release_);
        FirmwareResult& r = out_.firmware;
        r.firmware = std::string(release_.identity.model_name);
        r.e820 = ovmf_os_memory_map(machine_, release_, out_.apertures);  // firmware/ovmf/os_memory_map.hpp
        r.windows.io = out_.apertures.io;
        r.windows.mem32 = out_.apertures.mem32;
        r.windows.mem64 = out_.apertures.mem64;
        for (const auto& note : out_.apertures.notes) r.notes.push_back(note);
        if (const auto beyond = window_beyond_address_width()) {
            give_up(FirmwareFailure::WindowBeyondMappedWidth, *beyond);
            report();
            return std::move(out_);
        }
        enumerate();
        if (allocate()) {
            program();
        }
        report();
        igd_not_supported();
        return std::move(out_);
    }

private:
    // OvmfPkg (edk2-stable202211 to 202605) has no driver that reads etc/igd-opregion or etc/igd-bdsm-size (nor does
    // later edk2): ASLS and BDSM stay as QEMU left them, 0.
    void igd_not_supported() {
        if (!machine_.igd || (!machine_.igd->opregion_size && !machine_.igd->bdsm_size)) return;
        FirmwareResult& r = out_.firmware;
        for (const auto& fn : r.functions) {
            if (!fn.node->function.igd) continue;
            IgdPlacement placed;
            placed.bdf = fn.bdf;
            placed.opregion_size = machine_.igd->opregion_size.value_or(0);
            placed.bdsm_size = machine_.igd->bdsm_size.value_or(0);
            placed.problems.push_back(fmt::format(
                "OVMF ({}) has no IGD support: it reads neither etc/igd-opregion nor etc/igd-bdsm-size, "
                "so ASLS and BDSM stay 0 (an edk2 build with an IGD driver, e.g. VfioIgdPkg, or SeaBIOS places them)",
                release_.identity.tag));
            r.igd = std::move(placed);
            return;
        }
    }

    // A trusted address width sizes OVMF's page tables and GCD; an X-PciMmio64Mb window reaching past it
    // is not reconciled by 2022.11. Seen on real OVMF (Intel, phys-bits 36, X-PciMmio64Mb=65536, both
    // q35 and pc): busy for 150 s and more, no console, no BAR decoding. Not traced to a line of edk2,
    // so the model says what happens, not where.
    std::optional<std::string> window_beyond_address_width() const {
        const OvmfApertures& ap = out_.apertures;
        if (!ap.phys_bits_trusted || !ap.mem64 || ap.address_width >= 64) return std::nullopt;
        const u64 space = u64{1} << ap.address_width;
        if (ap.mem64->last() < space) return std::nullopt;
        return fmt::format("OVMF {} trusts phys-bits {} but its 64-bit window [{}, {}) reaches past the {} it maps: it does not "
                           "finish booting (real OVMF showed no console and no BAR decoding after 150 s)",
                           release_.identity.name, ap.address_width, hex(ap.mem64->first()), hex(ap.mem64->last() + 1), human_size(space));
    }

    // --- Enumeration (PciScanBus, GatherDeviceInfo, GatherPpbInfo) -----------------------------------
    // PciHostBridgeUtilityGetRootBridges: the main root bridge, then each expander root bus in bus-number order
    // whose bus answers a config read at function 0 of some device (before any bridge is numbered, only the
    // expanders' own buses answer). A root bridge's buses run up to the next one's number less one.
    void enumerate() {
        std::vector<std::pair<unsigned, int>> found{{0, 0}};  // (bus number, topology bus)
        for (const int bus : machine_.pci.extra_roots()) {
            const auto& devices = machine_.pci.bus(bus).devices;
            const bool answers = std::any_of(devices.begin(), devices.end(), [](const PciNode& n) { return n.devfn.function == 0; });
            if (answers) found.emplace_back(PciTopology::root_bus_number(machine_.pci.bus(bus)), bus);
        }
        std::stable_sort(found.begin() + 1, found.end());
        for (std::size_t i = 0; i < found.size(); ++i) {
            Device root;
            root.root = true;
            root.combine = true;  // PciHostBridgeLib: EFI_PCI_HOST_BRIDGE_COMBINE_MEM_PMEM
            root.mem64_decode = out_.apertures.mem64.has_value();
            root.pmem32_decode = true;
            root.pmem64_decode = root.mem64_decode;
            root.bus_min = found[i].first;
            root.bus_max = i + 1 < found.size() ? found[i + 1].first - 1 : MAX_BUS;
            roots_.push_back(static_cast<int>(devices_.size()));
            root_topology_bus_.push_back(found[i].second);
            devices_.push_back(std::move(root));
        }
        // PciHostBridgeEnumerator: each root bridge numbers its buses from its own first bus number.
        for (std::size_t i = 0; i < roots_.size(); ++i) {
            const int root = roots_[i];
            const unsigned first = devices_[static_cast<std::size_t>(root)].bus_min;
            unsigned sub_bus = first;
            scan_bus(root, root_topology_bus_[i], first, sub_bus);
            const unsigned last = devices_[static_cast<std::size_t>(root)].bus_max;
            if (sub_bus > last) {
                // PciAllocateBusNumber fails past the root bridge's range; real OVMF then fails PCI resource allocation
                // and programs no BAR (seen on QEMU 7.2 + OVMF 2022.11). The state it leaves the bridges in is not modelled.
                throw UnsupportedError(fmt::format("OVMF model: the root bus {:02x} needs bus numbers up to {:02x}, past the {:02x} "
                                                   "where the next root bus (an expander's bus_nr) begins: real OVMF then fails PCI "
                                                   "resource allocation and programs no BAR; the state it leaves is not modelled. "
                                                   "Give the expanders bus_nr values above the buses the root bus before them uses",
                                                   first, sub_bus, last + 1));
            }
        }
    }

    void scan_bus(int bridge, int topo_bus, unsigned bus_number, unsigned& sub_bus) {
        for (const PciNode* node : machine_.pci.scanned_functions(topo_bus)) {
            const int index = add_device(bridge, *node, bus_number);
            if (!devices_[static_cast<std::size_t>(index)].bridge) continue;
            if (sub_bus + 1 > MAX_BUS) {
                throw UnsupportedError("OVMF model: more than 255 PCI buses are not modelled");
            }
            ++sub_bus;
            const unsigned secondary = sub_bus;
            devices_[static_cast<std::size_t>(index)].secondary = secondary;
            scan_bus(index, node->child_bus, secondary, sub_bus);
            Device& dev = devices_[static_cast<std::size_t>(index)];
            if (dev.padding && dev.padding->bus_numbers) {
                // PciAllocateBusNumber with an 8-bit NextNumber: the reservation is a minimum.
                const unsigned padded = (secondary + (*dev.padding->bus_numbers & 0xff)) & 0xff;
                sub_bus = std::max(padded, sub_bus);
            }
            dev.subordinate = sub_bus;
        }
    }

    int add_device(int parent, const PciNode& node, unsigned bus_number) {
        Device dev;
        dev.node = &node;
        dev.parent = parent;
        dev.bdf = Bdf{static_cast<std::uint8_t>(bus_number), node.devfn};
        const PciFunctionSpec& f = node.function;
        dev.bridge = f.class_code == PCI_CLASS_BRIDGE_PCI && f.bridge.has_value();
        // A 64-bit memory BAR is pinned above 4 GiB by IncompatiblePciDeviceSupportDxe, which OVMF loads
        // only when there is a 64-bit window (PcdPciMmio64Size != 0).
        const bool pin64 = out_.apertures.mmio64_size != 0;
        for (const BarSpec& bar : f.bars) {
            if (bar.kind == BarKind::Rom) {
                dev.rom_size = bar.size;  // GetOpRomInfo
                continue;
            }
            if (bar.index >= PCI_MAX_BAR || (dev.bridge && bar.index >= 2)) continue;
            if (bar.kind != BarKind::Io && bar.size < MEM_BAR_FLAG_BITS_SPAN) {
                // QEMU makes every bit above the size writable, the type bits too: after PciBusDxe's all-ones
                // probe a 1- or 2-byte BAR (pvpanic-pci) reads type 11b, which PciParseBar calls unknown and
                // leaves out (measured: unmapped, and the next BAR takes its place).
                if (bar.size <= 2) continue;
                throw UnsupportedError(fmt::format("OVMF model: {} BAR{} is {} bytes, below a memory BAR's 16; how PciBusDxe "
                                                   "reads its flag bits back is not modelled", node.where, bar.index, bar.size));
            }
            BarInfo& b = dev.bars[static_cast<std::size_t>(bar.index)];
            b.present = true;
            b.length = bar.size;
            if (bar.kind == BarKind::Io) {
                b.type = ResType::Io;
                b.alignment = bar.size - 1;
            } else {
                b.type = bar.is64 ? (bar.prefetchable ? ResType::PMem64 : ResType::Mem64)
                                  : (bar.prefetchable ? ResType::PMem32 : ResType::Mem32);
                b.alignment = bar.size < 4 * KiB ? SMALL_MEM_BAR_ALIGNMENT : bar.size - 1;
                b.fixed = bar.is64 && pin64;
            }
        }
        if (dev.bridge) {
            const BridgeSpec& spec = *f.bridge;
            // GatherPpbInfo reads the prefetchable window's type nibble: only a 64-bit one counts.
            dev.pmem32_decode = dev.pmem64_decode = spec.pref_window && spec.pref_window_64;
            dev.regs.emplace(spec);
            // InitializePpb: every window closed until it is programmed.
            dev.regs->write_io_base(0xff);
            dev.regs->write_io_limit(0);
            dev.regs->write_memory_base(0xffff);
            dev.regs->write_memory_limit(0);
            dev.regs->write_pref_base(0xffff);
            dev.regs->write_pref_limit(0);
            dev.regs->write_pref_base_upper(0xffff'ffff);
            dev.regs->write_pref_limit_upper(0);
            if (is_hotplug_bus(spec)) dev.padding = resource_padding(f);
        }
        devices_.push_back(std::move(dev));
        const int index = static_cast<int>(devices_.size() - 1);
        devices_[static_cast<std::size_t>(parent)].children.push_back(index);
        index_of_[&node] = index;
        return index;
    }

    // PciHotPlugSupport.c IsPciHotPlugBus: an SHPC, or a PCIe root/downstream port whose slot is
    // hot-plug capable (unlike SeaBIOS, which looks at Slot Implemented only).
    static bool is_hotplug_bus(const BridgeSpec& spec) {
        if (spec.has_shpc) return true;
        const bool port = spec.kind == BridgeKind::PcieRootPort || spec.kind == BridgeKind::PcieDownstreamPort;
        return port && spec.slot_implemented && spec.hotplug_capable;
    }

    // OvmfPkg/PciHotPlugInitDxe GetResourcePadding: QEMU's reservation hints, else the defaults.
    Padding resource_padding(const PciFunctionSpec& f) const {
        Padding padding;
        // 202308 (27727338b2): a port gets I/O only when its hint asks.
        bool default_io = release_.hotplug_io == OvmfHotplugIo::Pads512Bytes, default_mmio = true, default_pref = true;
        const std::optional<ResourceReserveCap>& hint =
            f.vendor_id == PCI_VENDOR_ID_REDHAT && f.bridge->reserve ? f.bridge->reserve : std::nullopt;
        if (hint) {
            if (hint->bus && *hint->bus != 0) padding.bus_numbers = *hint->bus;
            if (hint->io) {
                if (*hint->io == 0) {
                    default_io = false;
                } else if (const int bit = high_bit_round_up(*hint->io, 64); bit >= 0) {
                    padding.requests.push_back({ResType::Io, u64{1} << bit});
                    default_io = false;
                }
            }
            if (hint->mem) {
                if (*hint->mem == 0) {
                    default_mmio = false;
                } else if (const int bit = high_bit_round_up(*hint->mem, 32); bit >= 0) {
                    padding.requests.push_back({ResType::Mem32, u64{1} << bit});
                    default_mmio = false;
                }
            }
            // Prefetchable: 32-bit if set, else 64-bit; 0 means "none" but keeps the default.
            if (hint->pref32 && *hint->pref32 > 0) {
                if (const int bit = high_bit_round_up(*hint->pref32, 32); bit >= 0) {
                    padding.requests.push_back({ResType::PMem32, u64{1} << bit});
                    default_pref = false;
                }
            } else if (hint->pref64 && *hint->pref64 > 0) {
                if (const int bit = high_bit_round_up(*hint->pref64, 64); bit >= 0) {
                    padding.requests.push_back({ResType::PMem64, u64{1} << bit});
                    default_pref = false;
                }
            }
        }
        if (default_io) padding.requests.push_back({ResType::Io, DEFAULT_IO_PADDING});
        if (default_mmio) padding.requests.push_back({ResType::Mem32, DEFAULT_MMIO_PADDING});
        const u64 window = out_.apertures.mmio64_size;
        if (default_pref && window > PREF64_PADDING_THRESHOLD) {
            padding.requests.push_back({ResType::PMem64, u64{1} << high_bit_round_up(window >> PREF64_PADDING_SHIFT, 64)});
        }
        return padding;
    }

    // --- The resource tree (CreateResourceMap and its helpers) ---------------------------------------
    WindowLists create_window_nodes(int device) {
        WindowLists lists;
        lists.list[0] = tree_.create(device, 0, BRIDGE_IO_ALIGNMENT, PPB_IO_RANGE, ResType::Io, ResUsage::Typical, true);
        lists.list[1] = tree_.create(device, 0, BRIDGE_MEM_ALIGNMENT, PPB_MEM32_RANGE, ResType::Mem32, ResUsage::Typical, true);
        lists.list[2] = tree_.create(device, 0, BRIDGE_MEM_ALIGNMENT, PPB_PMEM32_RANGE, ResType::PMem32, ResUsage::Typical, true);
        lists.list[3] = tree_.create(device, 0, BRIDGE_MEM_ALIGNMENT, PPB_MEM64_RANGE, ResType::Mem64, ResUsage::Typical, true);
        lists.list[4] = tree_.create(device, 0, BRIDGE_MEM_ALIGNMENT, PPB_PMEM64_RANGE, ResType::PMem64, ResUsage::Typical, true);
        return lists;
    }

    static std::size_t pool_index(ResType type) {
        switch (type) {
            case ResType::Io: return 0;
            case ResType::Mem32:
            case ResType::OpRom: return 1;
            case ResType::PMem32: return 2;
            case ResType::Mem64: return 3;
            case ResType::PMem64: return 4;
        }
        return 1;
    }

    void get_resource_from_device(int device, const WindowLists& lists) {
        const Device& dev = devices_[static_cast<std::size_t>(device)];
        for (int i = 0; i < PCI_MAX_BAR; ++i) {
            const BarInfo& b = dev.bars[static_cast<std::size_t>(i)];
            if (!b.present) continue;
            const int node = tree_.create(device, b.length, b.alignment, i, b.type, ResUsage::Typical);
            tree_.insert(lists.list[pool_index(b.type)], node);
        }
    }

    void create_resource_map(int bridge, const WindowLists& lists) {
        for (const int child : devices_[static_cast<std::size_t>(bridge)].children) {
            get_resource_from_device(child, lists);
            if (!devices_[static_cast<std::size_t>(child)].bridge) continue;
            const WindowLists windows = create_window_nodes(child);
            create_resource_map(child, windows);
            for (std::size_t t = 0; t < windows.list.size(); ++t) {
                if (tree_.requested(windows.list[t])) tree_.insert(lists.list[t], windows.list[t]);
            }
        }
        apply_resource_padding(bridge, lists);
        degrade_resource(bridge, lists);
        for (const std::size_t t : {1u, 2u, 3u, 4u, 0u}) tree_.calculate_aperture(lists.list[t]);
    }

    void apply_resource_padding(int bridge, const WindowLists& lists) {
        const Device& dev = devices_[static_cast<std::size_t>(bridge)];
        if (!dev.padding) return;
        for (const PaddingRequest& p : dev.padding->requests) {
            const int node = tree_.create(bridge, p.length, p.length - 1, 0, p.type, ResUsage::Padding);
            tree_.insert(lists.list[pool_index(p.type)], node);
        }
    }

    void degrade_resource(int bridge, const WindowLists& lists) {
        const Device& dev = devices_[static_cast<std::size_t>(bridge)];
        const int mem32 = lists.list[1], pmem32 = lists.list[2], mem64 = lists.list[3], pmem64 = lists.list[4];
        // PcdPciDegradeResourceForOptionRom: 64-bit BARs of a child with an option ROM move below 4 GiB,
        // unless IncompatiblePciDeviceSupportDxe pinned them.
        for (const int child : dev.children) {
            const Device& c = devices_[static_cast<std::size_t>(child)];
            if (c.rom_size == 0) continue;
            move_unfixed(child, mem64, mem32);
            move_unfixed(child, pmem64, pmem32);
        }
        if (!dev.mem64_decode) tree_.merge(mem32, mem64, true);
        if (!dev.pmem64_decode) tree_.merge(pmem32, pmem64, true);
        if (!tree_[pmem64].children.empty() && dev.parent >= 0) tree_.merge(mem32, pmem32, true);
        if (!dev.pmem32_decode) tree_.merge(mem32, pmem32, true);
        if (dev.combine) {
            tree_.merge(mem32, pmem32, false);
            tree_.merge(mem64, pmem64, false);
        }
    }

    void move_unfixed(int device, int from, int to) {
        const std::vector<int> snapshot = tree_[from].children;
        for (const int id : snapshot) {
            const ResNode& node = tree_[id];
            if (node.device != device || node.window) continue;
            if (devices_[static_cast<std::size_t>(device)].bars[static_cast<std::size_t>(node.bar)].fixed) continue;
            auto& list = tree_[from].children;
            list.erase(std::find(list.begin(), list.end(), id));
            tree_.insert(to, id);
        }
    }

    // GetMaxOptionRomSize: the largest ROM anywhere below the root.
    u64 max_option_rom_size(int bridge) const {
        u64 max = 0;
        for (const int child : devices_[static_cast<std::size_t>(bridge)].children) {
            const Device& c = devices_[static_cast<std::size_t>(child)];
            u64 size = c.rom_size;
            if (!c.children.empty()) size = std::max(size, max_option_rom_size(child));
            max = std::max(max, size);
        }
        return max;
    }

    // --- Allocation rounds (PciHostBridgeResourceAllocator, PciHostBridgeDxe NotifyPhase) -------------
    struct Allocator {
        std::vector<AddressRange> memory;  // GCD memory space already allocated
        std::vector<AddressRange> io;

        static bool overlaps(const std::vector<AddressRange>& used, u64 base, u64 length) {
            return std::any_of(used.begin(), used.end(), [&](const AddressRange& r) {
                return base <= r.last() && r.first() <= base + length - 1;
            });
        }

        // AllocateResource: the lowest aligned address in [base, limit] where GCD accepts the range.
        std::optional<u64> allocate(bool mmio, u64 length, unsigned bits, u64 base, u64 limit) {
            if (!(base < limit)) return std::nullopt;
            const u64 step = u64{1} << bits;
            auto at = align_up(base, step);
            std::vector<AddressRange>& used = mmio ? memory : io;
            while (at) {
                const auto end = checked_add(*at, length);
                if (!end || *end - 1 > limit) break;
                if (length == 0) return std::nullopt;  // CoreAllocateSpace: EFI_INVALID_PARAMETER
                if (!overlaps(used, *at, length)) {
                    used.push_back(AddressRange::from_start_and_size(*at, length));
                    return *at;
                }
                at = checked_add(*at, step);
            }
            return std::nullopt;
        }
    };

    static unsigned low_bit_set(u64 alignment_mask) { return static_cast<unsigned>(std::countr_zero(alignment_mask + 1)); }

    // PciHostBridgeDxe's per-type ResAllocNode. It outlives the rounds of PciBusDxe's allocation loop, and
    // its leftovers decide outcomes: FreeResources resets only the types it allocated (and never the
    // alignment), and NotifyPhase zeroes the length of every type it failed, which stays "submitted".
    struct HostNode {
        enum class State { None, Submitted, Allocated };
        State state = State::None;
        u64 length = 0;
        u64 alignment = 0;
        std::optional<u64> base;
    };

    // What one round of NotifyPhase(AllocateResources) did.
    struct Round {
        bool failed = false;
        std::array<bool, 5> leftover_failed{};  // a type without a request this round was tried and failed
    };

    std::optional<u64> allocate_type(const HostNode& node, std::size_t t, Allocator& gcd) {
        const u64 align = node.alignment;
        const unsigned bits = low_bit_set(align);
        const OvmfApertures& ap = out_.apertures;
        auto try_in = [&](const std::optional<AddressRange>& aperture, unsigned max_bits, bool mmio) -> std::optional<u64> {
            if (!aperture) return std::nullopt;
            const auto start = align_up(aperture->first(), align + 1);
            if (!start) return std::nullopt;
            return gcd.allocate(mmio, node.length, std::min(max_bits, bits), *start, aperture->last());
        };
        switch (POOL_TYPES[t]) {
            case ResType::Io: return try_in(ap.io, 15, false);
            case ResType::Mem32: return try_in(ap.mem32, 31, true);
            case ResType::Mem64: {  // falls back below 4 GiB when the 64-bit aperture cannot hold it
                const auto above = try_in(ap.mem64, 63, true);
                return above ? above : try_in(ap.mem32, 31, true);
            }
            default:  // OVMF has no prefetchable apertures (COMBINE_MEM_PMEM empties those lists)
                return std::nullopt;
        }
    }

    // SubmitResources for every root bridge, then NotifyPhase(AllocateResources): root bridge by root bridge, each
    // in its own node table, all in the same GCD (the root bridges share OVMF's apertures).
    Round allocate_roots(const std::vector<WindowLists>& lists) {
        Round round;
        Allocator gcd;
        for (std::size_t r = 0; r < lists.size(); ++r) allocate_root(lists[r], host_[r], gcd, round);
        return round;
    }

    void allocate_root(const WindowLists& root, std::array<HostNode, 5>& host, Allocator& gcd, Round& round) {
        std::array<bool, 5> requested{};
        for (std::size_t t = 0; t < 5; ++t) {
            requested[t] = tree_.requested(root.list[t]);
            if (!requested[t]) continue;
            host[t].state = HostNode::State::Submitted;
            host[t].length = tree_[root.list[t]].length;
            host[t].alignment = tree_[root.list[t]].alignment;
        }
        // Each type that is not None picks the unhandled type with the largest alignment, ties to the later
        // one ("<="), and the choice ranges over None types too: a type nobody asks for this round but whose
        // alignment is left from an earlier one can be picked, fails with length 0 (CoreAllocateSpace refuses
        // it), and leaves a requested type never tried.
        std::array<bool, 5> handled{};
        for (std::size_t i = 0; i < 5; ++i) {
            if (host[i].state == HostNode::State::None) {
                handled[i] = true;
                continue;
            }
            std::optional<std::size_t> pick;
            u64 max_alignment = 0;
            for (std::size_t j = 0; j < 5; ++j) {
                if (handled[j] || max_alignment > host[j].alignment) continue;
                max_alignment = host[j].alignment;
                pick = j;
            }
            if (!pick) break;
            handled[*pick] = true;
            if (const auto base = allocate_type(host[*pick], *pick, gcd)) {
                host[*pick].base = base;
                host[*pick].state = HostNode::State::Allocated;
            } else {
                round.failed = true;
                if (!requested[*pick]) round.leftover_failed[*pick] = true;
            }
        }
        for (HostNode& node : host) {
            if (node.state != HostNode::State::Allocated) node.length = 0;
        }
    }

    // NotifyPhase(FreeResources) after a failed round.
    void free_resources() {
        for (auto& host : host_) {
            for (HostNode& node : host) {
                if (node.state != HostNode::State::Allocated) continue;
                node.state = HostNode::State::None;
                node.length = 0;
                node.base.reset();
            }
        }
    }

    bool allocate() {
        bool first = true;
        host_.assign(roots_.size(), {});
        for (;;) {
            tree_ = ResourceTree{};
            std::vector<WindowLists> lists;
            for (const int r : roots_) {
                const WindowLists root = create_window_nodes(r);
                if (const u64 rom = max_option_rom_size(r); rom != 0) {
                    rom_slot_size_[r] = rom;
                    const int node = tree_.create(r, rom, rom - 1, ROOT_ROM_SLOT, ResType::OpRom, ResUsage::Typical);
                    tree_.insert(root.list[1], node);
                }
                create_resource_map(r, root);
                lists.push_back(root);
            }
            if (first) {
                out_.mem64_request = 0;
                out_.mem32_request = 0;
                out_.mem64_request_alignment = 1;
                for (const WindowLists& root : lists) {
                    out_.mem64_request += tree_[root.list[3]].length;
                    out_.mem64_request_alignment = std::max(out_.mem64_request_alignment, tree_[root.list[3]].alignment + 1);
                    out_.mem32_request += tree_[root.list[1]].length;
                }
                first = false;
            }
            // SubmitResources refuses a 32-bit request of 4 GiB or more, and the whole allocation fails.
            for (const WindowLists& root : lists) {
                for (const std::size_t t : {1u, 2u}) {
                    if (tree_.requested(root.list[t]) && tree_[root.list[t]].length >= MAX_MEM32_REQUEST) {
                        return give_up(FirmwareFailure::Mem32RequestRefused,
                                       fmt::format("the devices need {} of 32-bit MMIO, and PciHostBridgeDxe refuses any 32-bit request "
                                                   "of 4 GiB or more: PCI resource allocation fails and no BAR is programmed",
                                                   human_size(tree_[root.list[t]].length)));
                    }
                }
            }
            const Round round = allocate_roots(lists);
            if (!round.failed) {
                root_lists_ = lists;
                bases_.assign(roots_.size(), {});
                for (std::size_t r = 0; r < roots_.size(); ++r) {
                    for (std::size_t t = 0; t < 5; ++t) bases_[r][t] = host_[r][t].base;
                }
                return true;
            }
            // GetProposedResources root bridge by root bridge: a type's status is the last root bridge's that has
            // the type (GetResourceAllocationStatus overwrites it). PciHostBridgeAdjustAllocation then rejects the
            // largest consumer of each short type in that type's pool, where every root bridge's list was put by
            // InsertResourceNode (so a later root bridge's list can come first, and ties go to the later node).
            std::array<bool, 5> short_type{};
            for (const auto& host : host_) {
                for (std::size_t t = 0; t < 5; ++t) {
                    if (host[t].state != HostNode::State::None) short_type[t] = host[t].state == HostNode::State::Submitted;
                }
            }
            std::vector<int> removed_now;
            std::string short_types;
            for (std::size_t t = 0; t < 5; ++t) {
                if (!short_type[t]) continue;
                short_types += (short_types.empty() ? "" : ", ") + std::string(to_string(POOLS[t]));
                const int pool = tree_.create(roots_.front(), 0, 0, 0, POOL_TYPES[t], ResUsage::Typical, true);
                for (const WindowLists& root : lists) tree_.insert(pool, root.list[t]);
                const int candidate = max_consumer(pool);
                if (candidate < 0) continue;
                const ResNode& node = tree_[candidate];
                if (std::find(removed_now.begin(), removed_now.end(), node.device) != removed_now.end()) continue;
                if (reject(node, t)) removed_now.push_back(node.device);
            }
            free_resources();
            if (!removed_now.empty()) continue;
            std::string leftover;
            for (std::size_t t = 0; t < 5; ++t) {
                if (round.leftover_failed[t]) leftover += (leftover.empty() ? "" : ", ") + std::string(to_string(POOLS[t]));
            }
            if (!leftover.empty()) {
                return give_up(FirmwareFailure::StaleFailedRequest,
                               fmt::format("after the rejections nothing asks for the {} window any more, but PciHostBridgeDxe still "
                                           "holds that type from an earlier round and tries to allocate it with length 0, which "
                                           "always fails; nothing is left to reject: PCI resource allocation fails and no BAR is "
                                           "programmed",
                                           leftover));
            }
            return give_up(FirmwareFailure::RootWindowExhausted,
                           fmt::format("the {} window cannot hold what the devices on the root bus need, and nothing there "
                                       "can be rejected: PCI resource allocation fails and no BAR is programmed",
                                       short_types.empty() ? std::string("PCI") : short_types));
        }
    }

    bool give_up(FirmwareFailure failure, const std::string& message) {
        FirmwareResult& r = out_.firmware;
        r.failed = true;
        r.failure = failure;
        r.failure_message = message;
        r.notes.push_back("OVMF gives up on PCI: " + message);
        return false;
    }

    bool is_root(int device) const { return devices_[static_cast<std::size_t>(device)].root; }

    bool is_bridge_or_root(int device) const {
        return is_root(device) || devices_[static_cast<std::size_t>(device)].bridge;
    }

    // IsRejectiveDevice
    bool rejective(const ResNode& node) const {
        const Device& dev = devices_[static_cast<std::size_t>(node.device)];
        if (is_bridge_or_root(node.device)) return true;
        if (dev.bdf.bus == 0) return false;
        return !dev.node->function.is_vga();
    }

    // GetLargerConsumerDevice: ties go to the later node.
    int larger(int a, int b) const {
        if (b < 0) return a;
        if (is_bridge_or_root(tree_[b].device) && tree_[b].usage != ResUsage::Padding) return a;
        if (a < 0) return b;
        return tree_[a].length > tree_[b].length ? a : b;
    }

    // GetMaxResourceConsumerDevice
    int max_consumer(int list) const {
        int best = -1;
        for (const int id : tree_[list].children) {
            const ResNode& node = tree_[id];
            if (!rejective(node)) continue;
            if (is_bridge_or_root(node.device) && node.usage != ResUsage::Padding) {
                best = larger(best, max_consumer(id));
            } else {
                best = larger(best, id);
            }
        }
        return best;
    }

    // RejectPciDevice: a bridge gives up its padding; an endpoint is removed with its BARs.
    bool reject(const ResNode& node, std::size_t pool) {
        Device& dev = devices_[static_cast<std::size_t>(node.device)];
        const std::string who = describe(dev);
        if (dev.bridge) {
            if (!dev.padding) return false;
            dev.padding.reset();
            out_.firmware.notes.push_back(fmt::format("the {} window was too small, so OVMF dropped the hotplug reservation of {}",
                                                      to_string(POOLS[pool]), who));
            return true;
        }
        if (is_root(node.device)) return false;
        dev.removed = true;
        dev.removed_for = POOLS[pool];
        dev.removed_because = fmt::format("OVMF rejected this device: the {} window could not hold everything and it was the largest "
                                          "consumer OVMF may drop ({} {})",
                                          to_string(POOLS[pool]), human_size(node.length), node.bar >= 0 ? fmt::format("BAR{}", node.bar) : "");
        auto& siblings = devices_[static_cast<std::size_t>(dev.parent)].children;
        siblings.erase(std::find(siblings.begin(), siblings.end(), node.device));
        out_.firmware.notes.push_back(fmt::format("the {} window was too small, so OVMF rejected {}: none of its BARs is assigned",
                                                  to_string(POOLS[pool]), who));
        return true;
    }

    static std::string describe(const Device& dev) {
        std::string s = dev.bdf.to_string();
        if (dev.node && !dev.node->id.empty()) s += " (" + dev.node->id + ")";
        else if (dev.node) s += " (" + dev.node->function.driver + ")";
        return s;
    }

    // --- Programming (ProgramResource, ProgramBar, ProgramPpbApperture) -------------------------------
    void program() {
        for (std::size_t r = 0; r < roots_.size(); ++r) {
            for (std::size_t t = 0; t < 5; ++t) {
                if (bases_[r][t]) program_resource(*bases_[r][t], root_lists_[r].list[t]);
            }
        }
        for (const auto& [root, size] : rom_slot_size_) {
            const Device& dev = devices_[static_cast<std::size_t>(root)];
            out_.firmware.notes.push_back(fmt::format(
                "OVMF shadows option ROMs through one {} slot at {} in the 32-bit window{} and leaves every ROM BAR disabled", human_size(size),
                hex(rom_slot_address_[root]), roots_.size() > 1 ? fmt::format(" (root bus {:02x})", dev.bus_min) : std::string()));
        }
    }

    void program_resource(u64 base, int list) {
        for (const int id : tree_[list].children) {
            const ResNode& node = tree_[id];
            const u64 address = add_or_throw(base, node.offset, "OVMF BAR address");
            if (is_root(node.device)) {
                if (node.type == ResType::OpRom) rom_slot_address_[node.device] = address;
                continue;
            }
            Device& dev = devices_[static_cast<std::size_t>(node.device)];
            if (!dev.bridge) {
                dev.bar_value[static_cast<std::size_t>(node.bar)] = address;
                continue;
            }
            program_resource(address, id);
            program_ppb_aperture(dev, node, address);
        }
    }

    static void program_ppb_aperture(Device& dev, const ResNode& node, u64 address) {
        if (node.length == 0 || node.usage == ResUsage::Padding) return;
        const u64 limit = address + node.length - 1;
        BridgeRegisters& regs = *dev.regs;
        switch (node.bar) {
            case 0:
            case 1: dev.bar_value[static_cast<std::size_t>(node.bar)] = address; break;
            case PPB_IO_RANGE:
                regs.write_io_base(static_cast<std::uint8_t>(address >> 8));
                regs.write_io_limit(static_cast<std::uint8_t>(limit >> 8));
                break;
            case PPB_MEM32_RANGE:
                regs.write_memory_base(static_cast<std::uint16_t>(address >> 16));
                regs.write_memory_limit(static_cast<std::uint16_t>(limit >> 16));
                break;
            case PPB_PMEM32_RANGE:
            case PPB_PMEM64_RANGE:
                regs.write_pref_base(static_cast<std::uint16_t>(address >> 16));
                regs.write_pref_limit(static_cast<std::uint16_t>(limit >> 16));
                regs.write_pref_base_upper(static_cast<std::uint32_t>(address >> 32));
                regs.write_pref_limit_upper(static_cast<std::uint32_t>(limit >> 32));
                break;
            default: break;  // PPB_MEM64_RANGE is never programmed (and never used: bridges lack 64-bit non-pref decode)
        }
    }

    // --- The result ----------------------------------------------------------------------------------
    void report() {
        FirmwareResult& r = out_.firmware;
        const bool programmed = !r.failed;
        std::map<int, bool> bus_reached;  // topology bus -> scanned
        for (const int bus : root_topology_bus_) bus_reached[bus] = true;
        for (std::size_t i = 1; i < devices_.size(); ++i) {
            const Device& d = devices_[i];
            if (d.bridge && d.node->child_bus >= 0) bus_reached[d.node->child_bus] = true;
        }
        const auto& buses = machine_.pci.buses();
        for (std::size_t b = 0; b < buses.size(); ++b) {
            for (const auto& node : buses[b].devices) {
                const auto found = index_of_.find(&node);
                const Device* dev = found == index_of_.end() ? nullptr : &devices_[static_cast<std::size_t>(found->second)];
                FunctionResult fr;
                fr.node = &node;
                fr.reachable = bus_reached.count(static_cast<int>(b)) > 0;
                fr.bdf = dev ? dev->bdf : Bdf{static_cast<std::uint8_t>(bus_number_of(static_cast<int>(b))), node.devfn};
                for (const BarSpec& bar : node.function.bars) {
                    BarAssignment a;
                    a.index = bar.index;
                    if (bar.kind != BarKind::Rom && dev && programmed && !dev->removed && bar.index < PCI_MAX_BAR) {
                        a.address = dev->bar_value[static_cast<std::size_t>(bar.index)];
                    }
                    a.decoding = a.address.has_value();
                    if (!a.address && bar.kind != BarKind::Rom) {
                        std::string reason = r.failed ? r.failure_message
                                             : !dev ? "OVMF never finds this function: its scan does not reach it (a missing function 0)"
                                             : dev->removed ? dev->removed_because
                                                            : "OVMF does not assign this BAR";
                        const UnassignedCause cause = r.failed ? UnassignedCause::FirmwareGaveUp
                                                      : !dev          ? UnassignedCause::NotReached
                                                      : dev->removed  ? UnassignedCause::Rejected
                                                                      : UnassignedCause::NotAssigned;
                        r.unassigned.push_back({fr.bdf, bar.index, fmt::format("BAR{}", bar.index), bar.size, reason,
                                                cause == UnassignedCause::Rejected ? dev->removed_for : RootWindowKind::None, cause});
                    }
                    fr.bars.push_back(a);
                }
                if (node.function.bridge) {
                    BridgeAssignment ba;
                    const BridgeRegisters regs = dev && dev->regs ? *dev->regs : BridgeRegisters(*node.function.bridge);
                    ba.secondary_bus = dev ? dev->secondary : 0;
                    ba.subordinate_bus = dev ? dev->subordinate : 0;
                    ba.io = regs.io_view();
                    ba.memory = regs.memory_view();
                    ba.prefetchable = regs.prefetchable_view();
                    fr.bridge = ba;
                }
                r.functions.push_back(std::move(fr));
            }
        }
        std::stable_sort(r.functions.begin(), r.functions.end(), [](const FunctionResult& x, const FunctionResult& y) { return x.bdf < y.bdf; });
    }

    unsigned bus_number_of(int topo_bus) const {
        if (machine_.pci.bus(topo_bus).root) return PciTopology::root_bus_number(machine_.pci.bus(topo_bus));
        for (const Device& d : devices_) {
            if (d.bridge && d.node->child_bus == topo_bus) return d.secondary;
        }
        return 0;
    }

    const Machine& machine_;
    const OvmfRelease& release_;
    OvmfResult out_;
    std::vector<Device> devices_;
    std::map<const PciNode*, int> index_of_;
    ResourceTree tree_;
    std::vector<int> roots_;               // the root bridges' device indices, in PciHostBridgeDxe's order
    std::vector<int> root_topology_bus_;   // per root bridge: its bus in the topology
    std::vector<WindowLists> root_lists_;  // per root bridge: its resource lists of the round that succeeded
    std::vector<std::array<std::optional<u64>, 5>> bases_;
    std::vector<std::array<HostNode, 5>> host_;  // per root bridge: PciHostBridgeDxe's ResAllocNode table
    std::map<int, u64> rom_slot_size_;     // per root bridge with an option ROM below it
    std::map<int, u64> rom_slot_address_;
};

}  // namespace

OvmfResult run_ovmf(const Machine& machine, const OvmfRelease& release) { return Ovmf(machine, release).run(); }

}  // namespace aperture
