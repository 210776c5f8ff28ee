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

PhbAssignment assign_phb_bars(const spapr::PhbWindows& windows, std::vector<FunctionInput> functions) {
    Pools pools = parse_ranges(windows);
    std::stable_sort(functions.begin(), functions.end(), [](const auto& a, const auto& b) { return a.devfn < b.devfn; });
    PhbAssignment result;
    for (const auto& f : functions) {
        if (f.function->bridge) throw UnsupportedError("SLOF's walk behind a PCI bridge on a PHB is not modelled");
        AssignedFunction out{f.devfn, {}};
        // assign-all-device-bars: BAR0..BAR5 in order, then the ROM (index 6, last in the list).
        for (const BarSpec& bar : f.function->bars) {
            if (bar.size == 0) continue;  // an unimplemented BAR sizes to 0 and is skipped
            out.bars.push_back(assign(bar, pools));
        }
        result.functions.push_back(std::move(out));
    }
    result.pools = std::move(pools.list);
    return result;
}

}  // namespace aperture::slof
