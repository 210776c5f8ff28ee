#include "firmware/slof/slof_bar_assignment.hpp"

#include <algorithm>

#include "core/error.hpp"
#include "machine/spapr/spapr_constants.hpp"

namespace aperture::slof {

namespace {

using spapr::PhbWindow;

PoolState pool_from(Pool pool, const PhbWindow& w, u64 start, u64 size) {
    PoolState p;
    p.pool = pool;
    p.start = start;
    p.next = start;
    p.max = add_or_throw(start, size, "SLOF window end");
    p.pci_to_cpu_offset = w.cpu.first() - w.pci_address;  // modular: cpu = pci + offset
    return p;
}

struct Pools {
    std::vector<PoolState> list;
    PoolState* find(Pool pool) {
        for (auto& p : list) {
            if (p.pool == pool) return &p;
        }
        return nullptr;
    }
};

// board-qemu/slof/pci-phb.fs phb-parse-ranges
Pools parse_ranges(const spapr::PhbWindows& w) {
    Pools pools;
    u64 io_start = w.io.pci_address;
    if (io_start == 0) io_start += spapr::SLOF_IO_START_BUMP;  // "BARs must not be set to zero"
    PoolState io = pool_from(Pool::Io, w.io, io_start, w.io.cpu.size() - (io_start - w.io.pci_address));
    pools.list.push_back(io);
    if (w.mem64) {
        pools.list.push_back(pool_from(Pool::Mmio32, w.mem32, w.mem32.pci_address, w.mem32.cpu.size()));
        pools.list.push_back(pool_from(Pool::Mem64, *w.mem64, w.mem64->pci_address, w.mem64->cpu.size()));
    } else {
        // "If we do not have 64-bit prefetchable memory, split the 32-bit space": prefetchable below the middle.
        const u64 half = w.mem32.cpu.size() / 2;
        PoolState pref = pool_from(Pool::Prefetch32, w.mem32, w.mem32.pci_address, half);
        PoolState mmio = pool_from(Pool::Mmio32, w.mem32, w.mem32.pci_address + half, w.mem32.cpu.size() - half);
        pools.list.push_back(mmio);
        pools.list.push_back(pref);
    }
    return pools;
}

// slof/fs/pci-properties.fs assign-bar: which pointer a BAR draws from.
Pool pool_for(const BarSpec& bar, Pools& pools) {
    switch (bar.kind) {
        case BarKind::Io: return Pool::Io;                  // assign-io-bar
        case BarKind::Rom: return Pool::Mmio32;             // assign-rom-bar
        case BarKind::Memory: break;
    }
    if (!bar.prefetchable) return Pool::Mmio32;             // assign-mmio32-bar, assign-mmio64-bar
    if (bar.is64) return pools.find(Pool::Mem64) ? Pool::Mem64 : Pool::Prefetch32;  // assign-mem64-bar
    return pools.find(Pool::Prefetch32) ? Pool::Prefetch32 : Pool::Mmio32;         // assign-mem32-bar
}

AssignedBar assign(const BarSpec& bar, Pools& pools) {
    AssignedBar a;
    a.index = bar.index;
    a.kind = bar.kind;
    a.size = bar.size;
    a.pool = pool_for(bar, pools);
    PoolState& p = *pools.find(a.pool);
    // assign-var-min-align (memory, ROM) / assign-io-bar-value32 (IO: its own size)
    const u64 alignment = bar.kind == BarKind::Io ? bar.size : std::max(bar.size, spapr::SLOF_MEM_BAR_MIN_ALIGN);
    a.bus_address = align_up_or_throw(p.next, alignment, "SLOF BAR address");
    p.next = add_or_throw(a.bus_address, bar.size, "SLOF next address");
    const bool wide = bar.kind == BarKind::Memory && bar.is64;  // assign-bar-value64 writes both halves
    a.programmed = wide ? a.bus_address : (a.bus_address & 0xFFFF'FFFFu);
    a.fits = a.bus_address >= p.start && p.next <= p.max;
    if (a.fits) a.cpu_address = a.bus_address + p.pci_to_cpu_offset;
    return a;
}

}  // namespace

const char* to_string(Pool pool) {
    switch (pool) {
        case Pool::Io: return "io";
        case Pool::Mmio32: return "mmio32";
        case Pool::Prefetch32: return "prefetch32";
        case Pool::Mem64: return "mem64";
    }
    return "mmio32";
}

bool PhbAssignment::all_fit() const {
    for (const auto& f : functions) {
        for (const auto& b : f.bars) {
            if (!b.fits) return false;
        }
    }
    return true;
}

namespace {

class Walk {
public:
    Walk(Pools& pools, const std::vector<FunctionInput>& functions, PhbAssignment& out)
        : pools_(pools), functions_(functions), out_(out) {}

    // phb-pci-walk-bridge: the bus's functions in ascending devfn (QEMU's device-tree order).
    void bus(unsigned number, unsigned depth) {
        std::vector<std::size_t> here;
        for (std::size_t i = 0; i < functions_.size(); ++i) {
            if (functions_[i].bus == number) here.push_back(i);
        }
        std::stable_sort(here.begin(), here.end(), [&](auto a, auto b) { return functions_[a].devfn < functions_[b].devfn; });
        for (std::size_t i : here) {
            const FunctionInput& f = functions_[i];
            AssignedFunction& a = out_.functions[i];
            if (f.function->bridge && f.secondary > number && depth < kMaxDepth) {
                bridge(f, a, depth);
            } else {
                device_bars(*f.function, a);  // pci-device-generic-setup: assign-all-device-bars
            }
        }
    }

private:
    // QEMU numbers at most 255 buses; the walk follows secondary numbers upwards only, so it ends anyway.
    static constexpr unsigned kMaxDepth = 255;

    void device_bars(const PciFunctionSpec& function, AssignedFunction& a) {
        // BAR0..BAR5 in order, then the ROM (index 6, last in the list); an unimplemented BAR sizes to 0 and is skipped.
        for (const BarSpec& bar : function.bars) {
            if (bar.size == 0) continue;
            a.bars.push_back(assign(bar, pools_));
        }
    }

    PoolState& prefetchable(bool& is64) {
        // pci-bridge-set-mem-base: the 64-bit registers when "pci-next-mem64 @ 0<>", else pci-next-mem.
        PoolState* mem64 = pools_.find(Pool::Mem64);
        is64 = mem64 != nullptr && mem64->next != 0;
        if (is64) return *mem64;
        if (PoolState* pref = pools_.find(Pool::Prefetch32)) return *pref;
        return empty_pref_;
    }

    static BridgeWindow low_32_bits(BridgeWindow w) {
        constexpr u64 kLow32 = 0xFFFF'FFFF;
        return {w.base & kLow32, w.limit & kLow32};
    }

    static u64 open_window(PoolState& p, u64 alignment) {
        p.next = align_up_or_throw(p.next, alignment, "SLOF bridge window base");
        return p.next;
    }

    static u64 close_window(PoolState& p, u64 room, u64 alignment) {
        p.next = align_up_or_throw(add_or_throw(p.next, room, "SLOF bridge window end"), alignment, "SLOF bridge window end");
        return p.next - 1;
    }

    void bridge(const FunctionInput& f, AssignedFunction& a, unsigned depth) {
        using namespace spapr;
        BridgeWindows w;
        w.secondary = f.secondary;
        w.subordinate = f.subordinate;
        PoolState& mmio = *pools_.find(Pool::Mmio32);
        PoolState& io = *pools_.find(Pool::Io);
        PoolState& pref = prefetchable(w.pref_is_64);
        // phb-pci-bridge-probe: pci-bridge-set-bases (mmio, mem, io), the secondary bus, pci-bridge-set-limits.
        w.mem.base = open_window(mmio, SLOF_BRIDGE_MMIO_ALIGN);
        w.pref.base = open_window(pref, w.pref_is_64 ? SLOF_BRIDGE_MEM64_ALIGN : SLOF_BRIDGE_MMIO_ALIGN);
        w.io.base = open_window(io, SLOF_BRIDGE_IO_ALIGN);
        bus(f.secondary, depth + 1);
        w.mem.limit = close_window(mmio, SLOF_BRIDGE_MMIO_HOTPLUG, SLOF_BRIDGE_MMIO_ALIGN);
        w.pref.limit = w.pref_is_64 ? close_window(pref, SLOF_BRIDGE_MEM64_HOTPLUG, SLOF_BRIDGE_MEM64_ALIGN)
                                    : close_window(pref, SLOF_BRIDGE_MMIO_HOTPLUG, SLOF_BRIDGE_MMIO_ALIGN);
        w.io.limit = close_window(io, SLOF_BRIDGE_IO_HOTPLUG, SLOF_BRIDGE_IO_ALIGN);
        // The memory window and a 32-bit prefetchable one live in 32-bit registers (pci-bridge-set-mmio-*,
        // pci-bridge-set-mem-* without 64-bit memory): they keep the low 32 bits of what SLOF computed.
        w.mem = low_32_bits(w.mem);
        if (!w.pref_is_64) w.pref = low_32_bits(w.pref);
        a.bridge = w;
        // pci-bridge-generic-setup then assign-all-bridge-bars: BAR0, BAR1 and the ROM, from the moved pointers.
        device_bars(*f.function, a);
    }

    Pools& pools_;
    const std::vector<FunctionInput>& functions_;
    PhbAssignment& out_;
    PoolState empty_pref_{};  // no 32-bit prefetchable half either: SLOF's pci-next-mem stays 0
};

}  // namespace

PhbAssignment assign_phb_bars(const spapr::PhbWindows& windows, std::vector<FunctionInput> functions) {
    Pools pools = parse_ranges(windows);
    PhbAssignment result;
    result.functions.resize(functions.size());
    for (std::size_t i = 0; i < functions.size(); ++i) {
        result.functions[i].devfn = functions[i].devfn;
        result.functions[i].bus = functions[i].bus;
    }
    Walk(pools, functions, result).bus(0, 0);
    result.pools = std::move(pools.list);
    return result;
}

}  // namespace aperture::slof
