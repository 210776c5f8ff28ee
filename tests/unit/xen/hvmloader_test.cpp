// hvmloader pci_setup rules and worked cases derived by hand from the Xen sources named per case.

#include <gtest/gtest.h>

#include <algorithm>

#include "core/error.hpp"
#include "devices/pci_ids.hpp"
#include "diagnostics/xen_checks.hpp"
#include "firmware/xen/xen_hotplug.hpp"
#include "machine/xen/xen_layout.hpp"
#include "plan/xen_plan.hpp"

using namespace aperture;

namespace {

XlDomainConfig config(u64 memory_mib, std::vector<std::string> pci = {}) {
    XlDomainConfig c;
    c.source = "vm.cfg";
    c.memory_mib = memory_mib;
    for (const auto& p : pci) c.pci.push_back(parse_pci_spec(p, "pci"));
    return c;
}

PciFunctionSpec gpu(std::vector<BarSpec> bars, std::uint16_t vendor = pci_ids::kVendorNvidia) {
    PciFunctionSpec f;
    f.driver = "vfio-pci";
    f.vendor_id = vendor;
    f.device_id = 0x1234;
    f.class_code = pci_ids::kClassDisplayVga;
    f.bars = std::move(bars);
    return f;
}

XenPlanOptions options(std::map<std::string, PciFunctionSpec> devices, HvmloaderRelease release = HvmloaderRelease::Xen4_17_7) {
    XenPlanOptions o;
    o.release = release;
    o.phys_bits = 46;
    o.phys_bits_source = "test";
    o.passthrough = std::move(devices);
    return o;
}

const HvmloaderBar* find_bar(const XenPlan& plan, const std::string& driver, int index) {
    for (const auto& b : plan.hvmloader->details.bars) {
        if (plan.bus.functions[b.function].function.driver == driver && b.index == index) return &b;
    }
    return nullptr;
}

}  // namespace

// libxl_dom.c libxl__build_hvm: 8192 MiB - 8 MiB cirrus video RAM; low RAM stops at 0xF0000000 and the
// remaining 8184 - 3840 = 4344 MiB start at 4 GiB: high end 0x100000000 + 4344 MiB = 0x20F800000.
TEST(LibxlMemory, DefaultHoleSplitsRamAt0xF0000000) {
    const LibxlMemoryLayout m = libxl_memory_layout(config(8192));
    EXPECT_EQ(m.lowmem_end, 0xF000'0000u);
    EXPECT_EQ(m.highmem_end, 0x2'0F80'0000u);
    EXPECT_FALSE(m.mmio_hole_size);
    EXPECT_FALSE(m.allow_memory_relocate);  // libxl_dm.c: qemu-xen
}

// libxl_dom.c + libxl_create.c: mmio_hole = 1024 -> RAM below 4 GiB ends at 0xC0000000,
// platform/mmio_hole_size = 1 GiB, qemu gets max-ram-below-4g=0xC0000000.
TEST(LibxlMemory, MmioHoleMovesRamAbove4G) {
    XlDomainConfig c = config(8192);
    c.mmio_hole_mib = 1024;
    const LibxlMemoryLayout m = libxl_memory_layout(c);
    EXPECT_EQ(m.lowmem_end, 0xC000'0000u);
    EXPECT_EQ(m.highmem_end, 4 * GiB + (8184 * MiB - 0xC000'0000));
    EXPECT_EQ(*m.mmio_hole_size, 1 * GiB);
    EXPECT_EQ(*m.max_ram_below_4g, 0xC000'0000u);
}

// libxl_create.c: stdvga on qemu-xen takes 16 MiB of video RAM from maxmem.
TEST(LibxlMemory, StdvgaTakes16MiB) {
    XlDomainConfig c = config(1024);
    c.vga = XenVga::Std;
    EXPECT_EQ(libxl_memory_layout(c).ram_bytes, 1008 * MiB);
}

TEST(LibxlMemory, VideoramBelowMinimumFails) {
    XlDomainConfig c = config(1024);
    c.vga = XenVga::Std;
    c.videoram_mib = 8;
    EXPECT_THROW(libxl_memory_layout(c), InputError);
}

// libxl_create.c: memory < maxmem (PoD) with a passed-through device is refused.
TEST(LibxlMemory, PodWithPassthroughIsRefused) {
    XlDomainConfig c = config(4096, {"41:00.0"});
    c.maxmem_mib = 8192;
    const XenPlan plan = make_xen_plan(c, options({{"0000:41:00.0", gpu({BarSpec::memory32(0, 16 * MiB, Prefetchable::No)})}}));
    EXPECT_NE(plan.refusal.find("PoD"), std::string::npos);
    EXPECT_TRUE(xen_plan_failed(plan));
}

// pci.c pci_setup, hole loop: with 2 GiB of RAM (low RAM ends at 0x7F800000 after 8 MiB of video RAM) and
// 400 MiB of BARs, 192 MiB (0xF0000000) is too small, 448 MiB (0xE0000000) holds them: the hole doubles
// once and stops.
TEST(Hvmloader, HoleDoublesWhileItStaysAboveRam) {
    const XenPlan plan = make_xen_plan(config(2048, {"41:00.0"}), options({{"0000:41:00.0", gpu({BarSpec::memory32(0, 256 * MiB, Prefetchable::Yes)})}}));
    EXPECT_EQ(plan.hvmloader->details.pci_mem_start, 0xE000'0000u);
    EXPECT_FALSE(plan.hvmloader->details.bar64_relocate);
    EXPECT_TRUE(plan.hvmloader->firmware.unassigned.empty());
    EXPECT_EQ(*find_bar(plan, "xen-pci-passthrough", 0)->address, 0xE000'0000u);
}

// pci.c: the doubled start (0xE0000000) would lie below the end of low RAM (0xF0000000) and libxl
// forbids relocation, so the hole stays 192 MiB; the 256 MiB 32-bit BAR has no room ("no space").
TEST(Hvmloader, HoleCannotGrowOverRamWithoutRelocation) {
    const XenPlan plan = make_xen_plan(config(8192, {"41:00.0"}), options({{"0000:41:00.0", gpu({BarSpec::memory32(0, 256 * MiB, Prefetchable::Yes)})}}));
    EXPECT_EQ(plan.hvmloader->details.pci_mem_start, 0xF000'0000u);
    ASSERT_EQ(plan.hvmloader->firmware.unassigned.size(), 1u);
    EXPECT_EQ(plan.hvmloader->firmware.unassigned[0].size, 256 * MiB);
}

// pci.c with allow-memory-relocate=1 (libxl_dm.c: qemu-xen-traditional without vNUMA, Xen 4.17): the
// hole doubles to 0xE0000000 over RAM and hvmloader moves 256 MiB of RAM above the old high end.
TEST(Hvmloader, TraditionalDeviceModelRelocatesRam) {
    XlDomainConfig c = config(8192, {"41:00.0"});
    c.device_model = XenDeviceModel::QemuXenTraditional;
    const XenPlan plan = make_xen_plan(c, options({{"0000:41:00.0", gpu({BarSpec::memory32(0, 256 * MiB, Prefetchable::Yes)})}}));
    const HvmloaderDetails& d = plan.hvmloader->details;
    EXPECT_EQ(d.pci_mem_start, 0xE000'0000u);
    EXPECT_EQ(d.relocated_bytes, 256 * MiB);
    EXPECT_EQ(d.low_mem_end, 0xE000'0000u);
    EXPECT_EQ(d.high_mem_end, plan.memory.highmem_end + 256 * MiB);
    EXPECT_TRUE(plan.hvmloader->firmware.unassigned.empty());
}

// 4.22.0 removed qemu-xen-traditional (19ab8356ab): xl refuses it.
TEST(Hvmloader, TraditionalIsRefusedOn4_22) {
    XlDomainConfig c = config(2048);
    c.device_model = XenDeviceModel::QemuXenTraditional;
    EXPECT_FALSE(make_xen_plan(c, options({}, HvmloaderRelease::Xen4_22_0)).refusal.empty());
}

// pci.c: mmio_hole_size sets pci_mem_start = 4 GiB - size and no doubling runs.
TEST(Hvmloader, MmioHoleSetsTheStart) {
    XlDomainConfig c = config(8192);
    c.mmio_hole_mib = 3072;
    const XenPlan plan = make_xen_plan(c, options({}));
    EXPECT_EQ(plan.hvmloader->details.pci_mem_start, 0x4000'0000u);
    EXPECT_TRUE(plan.hvmloader->details.hole_from_mmio_hole);
}

// pci.c assignment: 64-bit BARs go above RAM, largest first, while mmio_total exceeds the low space
// left. RTX 4090 (256M + 32M 64-bit, 16M 32-bit) with 8 GiB: the 256 MiB BAR goes to
// align(0x20F800000, 256 MiB) = 0x210000000; after it 96.8 MiB remain for 192 MiB: the rest fit low.
TEST(Hvmloader, LargestSixtyFourBitBarGoesAboveRam) {
    const auto gpu4090 = gpu({BarSpec::memory32(0, 16 * MiB, Prefetchable::No), BarSpec::memory64(1, 256 * MiB, Prefetchable::Yes),
                              BarSpec::memory64(3, 32 * MiB, Prefetchable::Yes)});
    const XenPlan plan = make_xen_plan(config(8192, {"41:00.0"}), options({{"0000:41:00.0", gpu4090}}));
    EXPECT_TRUE(plan.hvmloader->details.bar64_relocate);
    EXPECT_EQ(*find_bar(plan, "xen-pci-passthrough", 1)->address, 0x2'1000'0000u);
    EXPECT_TRUE(find_bar(plan, "xen-pci-passthrough", 1)->high);
    EXPECT_FALSE(find_bar(plan, "xen-pci-passthrough", 3)->high);
    // _CRS high window: pci_hi_mem_end aligned like the start (pci.c): [0x210000000, 0x220000000).
    const CrsWindows crs = crs_windows(plan.hvmloader->details);
    ASSERT_TRUE(crs.high);
    EXPECT_EQ(crs.high->first(), 0x2'1000'0000u);
    EXPECT_EQ(crs.high->last(), 0x2'1FFF'FFFFu);
}

// 57acad12a0 (4.17.4+/4.19+): a 2 GiB 64-bit BAR always goes high and does not count in mmio_total;
// at 4.17.0 it counts, the hole (2 GiB of RAM) doubles up to 0x80000000... still too small for 2 GiB +
// the rest, so it goes high too but the hole grew to 1984 MiB first.
TEST(Hvmloader, HugeBarRuleDiffersBetween4_17_0And4_17_7) {
    const auto big = gpu({BarSpec::memory64(0, 2 * GiB, Prefetchable::Yes)});
    const XenPlan before = make_xen_plan(config(1024, {"41:00.0"}), options({{"0000:41:00.0", big}}, HvmloaderRelease::Xen4_17_0));
    const XenPlan after = make_xen_plan(config(1024, {"41:00.0"}), options({{"0000:41:00.0", big}}, HvmloaderRelease::Xen4_17_7));
    EXPECT_EQ(before.hvmloader->details.pci_mem_start, 0x8000'0000u);
    EXPECT_EQ(after.hvmloader->details.pci_mem_start, 0xF000'0000u);
    EXPECT_LT(after.hvmloader->details.mmio_total, 2 * GiB);
    EXPECT_TRUE(find_bar(after, "xen-pci-passthrough", 0)->high);
}

// pci.c (4.21+, 22650d6054): xen_platform_pci_bar_uc=0 puts the 16 MiB platform BAR at
// (0xFC000000 - 16 MiB) & ~(16 MiB - 1) = 0xFB000000 and pci_mem_end (so _CRS) ends there.
TEST(Hvmloader, PlatformBarAtTopOn4_22) {
    XlDomainConfig c = config(2048);
    c.xen_platform_pci_bar_uc = false;
    const XenPlan newest = make_xen_plan(c, options({}, HvmloaderRelease::Xen4_22_0));
    EXPECT_EQ(*find_bar(newest, "xen-platform", 1)->address, 0xFB00'0000u);
    EXPECT_EQ(newest.hvmloader->details.pci_mem_end, 0xFB00'0000u);
    const XenPlan old = make_xen_plan(c, options({}, HvmloaderRelease::Xen4_17_7));
    EXPECT_EQ(old.hvmloader->details.pci_mem_end, xen::RESERVED_MEMBASE);
    EXPECT_NE(*find_bar(old, "xen-platform", 1)->address, 0xFB00'0000u);
}

// pci.c + util.c mem_hole_alloc: an Intel VGA passed through as the first VGA gets its OpRegion 3 pages
// below the shared-info page: 0xFE000000 - 4 KiB - 12 KiB = 0xFDFFC000, NVS in e820 (e820.c).
TEST(Hvmloader, IgdOpRegionIsReserved) {
    XlDomainConfig c = config(2048, {"00:02.0@2"});
    c.vga = XenVga::None;
    c.xen_platform_pci = false;
    const XenPlan plan = make_xen_plan(c, options({{"0000:00:02.0", gpu({BarSpec::memory64(0, 16 * MiB, Prefetchable::No)}, pci_ids::kVendorIntel)}}));
    ASSERT_TRUE(plan.hvmloader->details.igd_opregion);
    EXPECT_EQ(*plan.hvmloader->details.igd_opregion, 0xFDFF'C000u);
    bool nvs = false;
    for (const auto& e : plan.hvmloader->firmware.e820) nvs |= e.type == E820Type::Nvs && e.start == 0xFDFF'C000u && e.size == 3 * 4 * KiB;
    EXPECT_TRUE(nvs);
}

// An emulated cirrus scanned first keeps the Intel GPU from being primary: no OpRegion (pci.c).
TEST(Hvmloader, NoOpRegionBehindEmulatedVga) {
    const XenPlan plan = make_xen_plan(config(2048, {"00:02.0"}), options({{"0000:00:02.0", gpu({BarSpec::memory32(0, 16 * MiB, Prefetchable::No)}, pci_ids::kVendorIntel)}}));
    EXPECT_FALSE(plan.hvmloader->details.igd_opregion);
}

// pci.c: the high window ends at 2^phys-bits; a 128 GiB BAR above 8 GiB of RAM does not fit 36 bits.
TEST(Hvmloader, HighWindowEndsAtPhysBits) {
    XenPlanOptions o = options({{"0000:41:00.0", gpu({BarSpec::memory64(1, 128 * GiB, Prefetchable::Yes)})}});
    o.phys_bits = 36;
    const XenPlan plan = make_xen_plan(config(8192, {"41:00.0"}), o);
    ASSERT_EQ(plan.hvmloader->firmware.unassigned.size(), 1u);
    EXPECT_EQ(plan.hvmloader->firmware.unassigned[0].short_window, RootWindowKind::Mem64);
}

// e820.c build_e820_table: RAM below 640 KiB, the SeaBIOS image, RAM from 1 MiB, [0xFC000000, 4G), high RAM.
TEST(Hvmloader, E820HasLowRamAndHighRam) {
    const XenPlan plan = make_xen_plan(config(8192), options({}));
    const auto& e = plan.hvmloader->firmware.e820;
    ASSERT_EQ(e.size(), 5u);
    EXPECT_EQ(e[0].size, 0xA0000u);
    EXPECT_EQ(e[2].start, 0x100000u);
    EXPECT_EQ(e[2].start + e[2].size, 0xF000'0000u);
    EXPECT_EQ(e[4].start + e[4].size, 0x2'0F80'0000u);
}

TEST(XenBus, EmulatedDevicesTakeSlotsInQemuOrder) {
    XlDomainConfig c = config(2048, {"41:00.0"});
    c.nics.push_back({"rtl8139", 1});
    const XenPlan plan = make_xen_plan(c, options({{"0000:41:00.0", gpu({BarSpec::memory32(0, 16 * MiB, Prefetchable::No)})}}));
    std::vector<std::string> drivers;
    for (const auto& n : plan.bus.functions) drivers.push_back(n.function.driver + "@" + std::to_string(n.devfn.device));
    // pc_piix.c: platform device at machine init (slot 2), then -device VGA, NIC, then QMP-added passthrough.
    EXPECT_EQ(drivers, (std::vector<std::string>{"i440FX@0", "PIIX3@1", "piix3-ide@1", "PIIX4_PM@1", "xen-platform@2", "cirrus-vga@3", "rtl8139@4", "xen-pci-passthrough@5"}));
}

TEST(XenBus, UnknownHostDeviceNamesTheWayToFixIt) {
    try {
        make_xen_plan(config(2048, {"41:00.0"}), options({}));
        FAIL();
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("--host"), std::string::npos);
    }
}

TEST(XenBus, VslotCollisionFails) {
    EXPECT_THROW(make_xen_plan(config(2048, {"41:00.0@3"}), options({{"0000:41:00.0", gpu({})}})), InputError);
}

TEST(XenHotplug, FreeRangesSkipUsedBars) {
    const auto w = AddressRange::from_first_and_last(0xF000'0000, 0xFBFF'FFFF);
    const auto free = free_ranges(w, {AddressRange::from_start_and_size(0xF000'0000, 32 * MiB), AddressRange::from_start_and_size(0xF400'0000, 16 * MiB)});
    ASSERT_EQ(free.size(), 2u);
    EXPECT_EQ(free[0].first(), 0xF200'0000u);
    EXPECT_EQ(free[1].first(), 0xF500'0000u);
}

// Seed 002: with no BAR above 4 GiB at boot, _CRS has no high window, so a 256 MiB BAR cannot be
// hot-plugged into the 192 MiB hole; mmio_hole reserves room: the check finds the smallest and proves it.
TEST(XenChecks, HotplugNeedsMmioHoleAndTheFixIsProven) {
    const XlDomainConfig c = config(8192);
    const XenPlanOptions o = options({});
    const XenPlan plan = make_xen_plan(c, o);
    XenHotplugRequest r{"gpu", gpu({BarSpec::memory64(1, 256 * MiB, Prefetchable::Yes)}), std::nullopt};
    EXPECT_FALSE(fit_hotplug(*plan.hvmloader, r.device).fits);
    const auto findings = run_xen_checks({c, o, plan, {r}});
    const auto it = std::find_if(findings.begin(), findings.end(), [](const Finding& f) { return f.kind == FindingKind::XenHotplug; });
    ASSERT_NE(it, findings.end());
    EXPECT_EQ(it->verdict, Verdict::Fail);
    ASSERT_NE(it->first_fix(), nullptr);
    ASSERT_EQ(it->first_fix()->xl_cfg.size(), 1u);
    XlDomainConfig fixed = c;
    fixed.mmio_hole_mib = std::stoull(it->first_fix()->xl_cfg[0].substr(std::string("mmio_hole = ").size()));
    const XenPlan again = make_xen_plan(fixed, o);
    EXPECT_TRUE(fit_hotplug(*again.hvmloader, r.device).fits);
    // One MiB less does not fit: the fix is the smallest.
    fixed.mmio_hole_mib = *fixed.mmio_hole_mib - 1;
    EXPECT_FALSE(fit_hotplug(*make_xen_plan(fixed, o).hvmloader, r.device).fits);
}

TEST(XenChecks, ThirtyTwoBitBarFixIsTheSmallestMmioHole) {
    const XlDomainConfig c = config(8192, {"41:00.0"});
    const XenPlanOptions o = options({{"0000:41:00.0", gpu({BarSpec::memory32(1, 512 * MiB, Prefetchable::Yes)})}});
    const XenPlan plan = make_xen_plan(c, o);
    const auto findings = run_xen_checks({c, o, plan});
    ASSERT_GE(findings.size(), 2u);
    EXPECT_EQ(findings[1].verdict, Verdict::Fail);
    ASSERT_NE(findings[1].first_fix(), nullptr);
    // A 512 MiB-aligned block below 0xFC000000 with the rest after it: start 0xC0000000, hole 1024 MiB.
    EXPECT_EQ(findings[1].first_fix()->xl_cfg[0], "mmio_hole = 1024");
}

TEST(XenChecks, PodRefusalFixIsMaxmemEqualsMemory) {
    XlDomainConfig c = config(4096, {"41:00.0"});
    c.maxmem_mib = 8192;
    const XenPlanOptions o = options({{"0000:41:00.0", gpu({})}});
    const XenPlan plan = make_xen_plan(c, o);
    const auto findings = run_xen_checks({c, o, plan});
    ASSERT_NE(findings[0].first_fix(), nullptr);
    EXPECT_EQ(findings[0].first_fix()->xl_cfg[0], "maxmem = 4096");
    EXPECT_TRUE(findings[0].first_fix()->proven);
}

TEST(HvmloaderRelease, NamesParse) {
    EXPECT_EQ(parse_hvmloader_release("4.17"), HvmloaderRelease::Xen4_17_7);
    EXPECT_EQ(parse_hvmloader_release("hvmloader-4.17.0"), HvmloaderRelease::Xen4_17_0);
    EXPECT_EQ(parse_hvmloader_release("RELEASE-4.22.0"), HvmloaderRelease::Xen4_22_0);
    EXPECT_FALSE(parse_hvmloader_release("4.16"));
    // Releases with the same pci.c map to the model (blobs compared across the tags).
    EXPECT_EQ(parse_hvmloader_release("4.18.0"), HvmloaderRelease::Xen4_17_0);
    EXPECT_EQ(parse_hvmloader_release("4.17.4"), HvmloaderRelease::Xen4_17_7);
    EXPECT_EQ(parse_hvmloader_release("4.20.1"), HvmloaderRelease::Xen4_17_7);
    EXPECT_EQ(parse_hvmloader_release("4.21.2"), HvmloaderRelease::Xen4_22_0);
    EXPECT_FALSE(parse_hvmloader_release("4.23.0"));
    EXPECT_FALSE(parse_hvmloader_release("4.19.x"));
}

// pci.c: RAM moves in chunks of at most 0xFFFF pages. qemu-xen-traditional (relocation allowed), 8 GiB and
// 1.5 GiB of 32-bit BARs: the hole doubles to 0x80000000, 0x70000 pages move: seven full chunks + 7 pages,
// the last from 0x80000000 to 0x20FC00000 + 7 * 0xFFFF pages = 0x27FBF9000, printed as hvmloader does
// (util.h PRIllx "%x%08x": "080000000").
TEST(Hvmloader, RelocationMovesRamInChunks) {
    XlDomainConfig c = config(8192, {"41:00.0"});
    c.device_model = XenDeviceModel::QemuXenTraditional;
    const auto big = gpu({BarSpec::memory32(0, 1 * GiB, Prefetchable::Yes), BarSpec::memory32(1, 512 * MiB, Prefetchable::Yes)});
    const XenPlan plan = make_xen_plan(c, options({{"0000:41:00.0", big}}));
    const HvmloaderDetails& d = plan.hvmloader->details;
    EXPECT_EQ(d.pci_mem_start, 0x8000'0000u);
    EXPECT_EQ(d.relocated_bytes, 0x7000'0000u);
    const auto chunks = std::count_if(d.log.begin(), d.log.end(), [](const std::string& l) { return l.starts_with("Relocating 0x"); });
    EXPECT_EQ(chunks, 8);
    EXPECT_NE(std::find(d.log.begin(), d.log.end(), "Relocating 0x7 pages from 080000000 to 27fbf9000 for lowmem MMIO hole"), d.log.end());
    // e820.c adjust_memory_map: low RAM ends at the hole, high RAM grew by what moved.
    const auto& e = plan.hvmloader->firmware.e820;
    EXPECT_EQ(e[2].start + e[2].size, 0x8000'0000u);
    // qemu-xen-traditional's cirrus takes 4 MiB of video RAM (libxl_create.c): RAM ended at 0x20FC00000.
    EXPECT_EQ(e.back().start + e.back().size, 0x2'0FC0'0000u + 0x7000'0000u);
    EXPECT_TRUE(plan.hvmloader->firmware.unassigned.empty());
}

// libxl_pci.c: "BB:SS.*" passes every function, each keeping its number in the guest slot.
TEST(XenBus, AllFunctionsShareTheVslot) {
    const XenPlan plan = make_xen_plan(config(2048, {"41:00.*@9"}), options({{"0000:41:00.0", gpu({})}, {"0000:41:00.1", gpu({})}, {"0000:42:00.0", gpu({})}}));
    std::vector<std::string> placed;
    for (const auto& [index, host] : plan.bus.host_addresses) {
        const auto& devfn = plan.bus.functions[index].devfn;
        placed.push_back(host + "@" + std::to_string(devfn.device) + "." + std::to_string(devfn.function));
    }
    EXPECT_EQ(placed, (std::vector<std::string>{"0000:41:00.0@9.0", "0000:41:00.1@9.1"}));
}

// A 32-bit BAR of a hot-plugged device can only use the low _CRS window, a 64-bit one the high window too.
TEST(XenHotplug, SixtyFourBitBarsUseTheHighWindow) {
    const auto gpu4090 = gpu({BarSpec::memory32(0, 16 * MiB, Prefetchable::No), BarSpec::memory64(1, 256 * MiB, Prefetchable::Yes)});
    const XenPlan plan = make_xen_plan(config(8192, {"41:00.0"}), options({{"0000:41:00.0", gpu4090}}));
    // The high window is [0x210000000, 0x220000000) and holds the boot GPU's 256 MiB BAR: no room left there.
    const HotplugFit full = fit_hotplug(*plan.hvmloader, gpu({BarSpec::memory64(1, 256 * MiB, Prefetchable::Yes)}));
    EXPECT_TRUE(full.free_high.empty());
    EXPECT_FALSE(full.fits);
    const HotplugFit small = fit_hotplug(*plan.hvmloader, gpu({BarSpec::memory32(0, 8 * MiB, Prefetchable::No)}));
    EXPECT_TRUE(small.fits);
    EXPECT_LT(*small.bars[0].address, 0xFC00'0000u);
}

// The releases' pci.c differ only for 64-bit BARs over 1 GiB (4.17.0 vs later) and the platform BAR (4.22).
TEST(XenPlan, ComparisonNamesTheReleaseThatDiffers) {
    const auto big = gpu({BarSpec::memory64(0, 2 * GiB, Prefetchable::Yes)});
    const XlDomainConfig with_big = config(1024, {"41:00.0"});
    const XenPlanOptions o = options({{"0000:41:00.0", big}});
    const XenPlan plan = make_xen_plan(with_big, o);
    EXPECT_NE(compare_with_release(plan, with_big, o, HvmloaderRelease::Xen4_17_0).find("hvmloader-4.17.0"), std::string::npos);
    EXPECT_EQ(compare_with_release(plan, with_big, o, HvmloaderRelease::Xen4_22_0), "");
    const XlDomainConfig plain = config(2048);
    const XenPlan plain_plan = make_xen_plan(plain, options({}));
    EXPECT_EQ(compare_with_release(plain_plan, plain, options({}), HvmloaderRelease::Xen4_17_0), "");
}
