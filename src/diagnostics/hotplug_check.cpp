#include "diagnostics/hotplug_check.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <functional>

#include "diagnostics/fix_syntax.hpp"

namespace aperture {

namespace {

// hotplug.reservation tries pref64-reserve of what the device needs and up to this many doublings of it.
constexpr unsigned MAX_HOTPLUG_RESERVE_DOUBLINGS = 3;
// The first byte above the 32-bit space: a 32-bit BAR must end below it.
constexpr u64 FIRST_ADDR_PAST_4G = u64{1} << 32;

constexpr std::array<PortWindow, 3> kWindows{PortWindow::Prefetchable, PortWindow::Memory, PortWindow::Io};

bool proposing(const CheckInput& in) { return in.search == FixSearch::Propose; }

const char* window_name(PortWindow w) {
    switch (w) {
        case PortWindow::Io: return "I/O";
        case PortWindow::Memory: return "non-prefetchable";
        case PortWindow::Prefetchable: return "prefetchable";
    }
    return "";
}

const WindowView& window_of(const BridgeAssignment& bridge, PortWindow w) {
    switch (w) {
        case PortWindow::Io: return bridge.io;
        case PortWindow::Memory: return bridge.memory;
        case PortWindow::Prefetchable: break;
    }
    return bridge.prefetchable;
}

const FunctionResult* port_result(const Plan& plan, const std::string& id) {
    for (const auto& f : plan.firmware->functions) {
        if (f.node->id == id && f.bridge) return &f;
    }
    return nullptr;
}

// The BARs the guest must place: the expansion ROM is left out, as Linux leaves a ROM it has no room for
// unassigned without failing the device (a driver maps it only on request).
std::vector<const BarSpec*> placed_bars(const PciFunctionSpec& device) {
    std::vector<const BarSpec*> bars;
    for (const auto& bar : device.bars) {
        if (bar.kind != BarKind::Rom && bar.size > 0) bars.push_back(&bar);
    }
    return bars;
}

struct WindowFit {
    PortWindow window = PortWindow::Prefetchable;
    std::vector<const BarSpec*> bars;
    bool holds = true;
};

// The device's BARs by the window they go to, and whether each window holds its share.
std::vector<WindowFit> fit(const BridgeAssignment& bridge, const PciFunctionSpec& device) {
    std::vector<WindowFit> fits;
    const auto bars = placed_bars(device);
    for (PortWindow w : kWindows) {
        WindowFit f{w, {}, true};
        std::vector<u64> sizes;
        for (const BarSpec* bar : bars) {
            if (window_for(*bar, bridge.prefetchable) != w) continue;
            f.bars.push_back(bar);
            sizes.push_back(bar->size);
        }
        if (f.bars.empty()) continue;
        f.holds = window_holds(window_of(bridge, w), sizes);
        fits.push_back(std::move(f));
    }
    return fits;
}

bool all_hold(const std::vector<WindowFit>& fits) {
    return std::all_of(fits.begin(), fits.end(), [](const WindowFit& f) { return f.holds; });
}

std::string window_text(const BridgeAssignment& bridge, PortWindow w) {
    const WindowView& v = window_of(bridge, w);
    if (!v.open()) return fmt::format("has no {} window", window_name(w));
    return fmt::format("{} window {:#x}-{:#x} ({})", window_name(w), v.base, v.limit, human_size(v.limit - v.base + 1));
}

std::string bar_text(const BarSpec& bar) {
    if (bar.kind == BarKind::Io) return fmt::format("BAR {} ({} I/O)", bar.index, human_size(bar.size));
    return fmt::format("BAR {} ({} {}-bit {})", bar.index, human_size(bar.size), bar.is64 ? 64 : 32,
                       bar.prefetchable ? "prefetchable" : "non-prefetchable");
}

// The smallest power of two that holds the BARs packed largest first: their sum, rounded up.
u64 reservation_for(const std::vector<const BarSpec*>& bars) {
    u64 total = 0;
    for (const BarSpec* bar : bars) {
        if (total > ~u64{0} - bar->size) return 0;
        total += bar->size;
    }
    return total == 0 || total > (u64{1} << 63) ? 0 : std::bit_ceil(total);
}

bool holds_after(const Plan& after, const PlannedHotplug& want) {
    if (after.outcome != Outcome::Ok || !after.firmware || !assigns_everything(*after.firmware)) return false;
    const FunctionResult* port = port_result(after, want.port);
    return port && all_hold(fit(*port->bridge, want.device));
}

}  // namespace

PortWindow window_for(const BarSpec& bar, const WindowView& prefetchable) {
    if (bar.kind == BarKind::Io) return PortWindow::Io;
    if (!bar.prefetchable) return PortWindow::Memory;
    if (bar.is64) return PortWindow::Prefetchable;
    const bool below_4g = prefetchable.open() && prefetchable.limit < FIRST_ADDR_PAST_4G;
    return below_4g ? PortWindow::Prefetchable : PortWindow::Memory;
}

bool window_holds(const WindowView& window, std::vector<u64> sizes) {
    if (sizes.empty()) return true;
    if (!window.open()) return false;
    std::sort(sizes.begin(), sizes.end(), std::greater<>());
    u64 next = window.base;
    for (std::size_t i = 0; i < sizes.size(); ++i) {
        const auto first = align_up(next, sizes[i]);
        if (!first || *first > window.limit || window.limit - *first < sizes[i] - 1) return false;
        const u64 last = *first + (sizes[i] - 1);
        if (last == window.limit) return i + 1 == sizes.size();  // full: nothing more fits (and last + 1 may wrap)
        next = last + 1;
    }
    return true;
}

Finding check_hotplug(const CheckInput& in, const PlannedHotplug& want) {
    Finding f;
    f.kind = FindingKind::HotplugReservation;
    f.about = want.port;
    f.title = fmt::format("Port {} has room for a hot-plugged {}", want.port, want.what);
    const FunctionResult* port = port_result(in.plan, want.port);
    if (!port) {
        // The CLI refuses an unknown port before this (app::require_hotplug_ports); a caller of the library
        // that does not gets the verdict.
        f.verdict = Verdict::Fail;
        f.evidence = fmt::format("no bridge or port with id={} in this VM", want.port);
        f.no_fix = "name a pcie-root-port, downstream port or pci-bridge of this VM";
        return f;
    }
    const BridgeAssignment& bridge = *port->bridge;
    f.subject.bars.push_back({port->bdf, std::nullopt});
    const std::vector<WindowFit> fits = fit(bridge, want.device);
    std::string windows;
    std::vector<std::string> misfits;
    for (const auto& w : fits) {
        windows += (windows.empty() ? "" : ", ") + window_text(bridge, w.window);
        if (w.holds) continue;
        for (const BarSpec* bar : w.bars) misfits.push_back(bar_text(*bar));
    }
    f.evidence = fmt::format("{} {}", port->bdf.to_string(), windows);
    if (all_hold(fits)) return f;
    // The device's BARs in a window that cannot hold them together: named when it has more than one.
    if (placed_bars(want.device).size() > 1) f.evidence += fmt::format("; no room for {}", fmt::join(misfits, ", "));
    const bool memory_short = std::any_of(fits.begin(), fits.end(), [](const WindowFit& w) { return !w.holds && w.window != PortWindow::Io; });
    f.verdict = memory_short ? Verdict::Fail : Verdict::Warn;
    f.why = memory_short ? "the firmware sizes bridge windows at boot; a device hot-plugged later must fit the windows it left, or its BARs "
                           "stay unassigned and the driver cannot use the device"
                         : "the firmware sizes bridge windows at boot; the device's I/O BARs stay unassigned, which only a driver that "
                           "uses I/O ports (legacy VGA, some NICs) notices";
    const auto pref = std::find_if(fits.begin(), fits.end(), [](const WindowFit& w) { return w.window == PortWindow::Prefetchable; });
    const bool only_prefetchable_short = pref != fits.end() && !pref->holds &&
                                         std::all_of(fits.begin(), fits.end(), [](const WindowFit& w) { return w.holds || w.window == PortWindow::Prefetchable; });
    if (!only_prefetchable_short) {
        f.no_fix = "the port's non-prefetchable or I/O window is too small: QEMU's mem-reserve= and io-reserve= on a pcie-root-port "
                   "(or a device that needs less) enlarge them; aperture does not propose or prove those yet";
    }
    const DeviceSpec* device = nullptr;
    for (const auto& d : in.spec.devices) {
        if (d.id == want.port) device = &d;
    }
    if (!device || !proposing(in) || !only_prefetchable_short) return f;
    // A window of exactly the BARs' size holds them only where the firmware happens to align the window to
    // it (SeaBIOS starts its 64-bit window on a 1 GiB boundary); doubling the reservation until the
    // re-planned window holds an aligned copy of them finds the smallest that works.
    u64 reserve = reservation_for(pref->bars);
    std::optional<Fix> chosen;
    for (unsigned doubling = 0; doubling <= MAX_HOTPLUG_RESERVE_DOUBLINGS && reserve != 0; ++doubling, reserve <<= 1) {
        VmSpec fixed = in.spec;
        set_pref64_reserve(fixed, want.port, reserve);
        const bool holds = holds_after(make_plan(fixed, in.options), want);
        if (holds || !chosen) chosen = pref64_reserve_fix(*device, reserve);
        if (holds) break;
    }
    if (chosen) f.fixes.push_back(std::move(*chosen));
    return f;
}

}  // namespace aperture
