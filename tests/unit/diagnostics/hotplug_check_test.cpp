// hotplug.reservation with every BAR of the device to be hot-plugged: each BAR goes to the window Linux
// puts it in, the BARs sharing a window must fit together, and a shortfall names the BARs.
#include "diagnostics/hotplug_check.hpp"

#include <gtest/gtest.h>

#include "../support/words.hpp"

#include "devices/passthrough_catalog.hpp"
#include "diagnostics/fix_proof.hpp"
#include "input/qemu_command_line.hpp"

namespace aperture {
namespace {

using test::words;

constexpr WindowView kClosed{1, 0};

Finding hotplug_finding(const std::string& args, PlannedHotplug want) {
    const VmSpec spec = read_qemu_command_line(words(args));
    CheckedVm checked = check_vm({spec, PlanOptions{}, std::nullopt, {}, {std::move(want)}, std::nullopt});
    for (auto& f : checked.findings) {
        if (f.kind == FindingKind::HotplugReservation) return f;
    }
    ADD_FAILURE() << "no hotplug.reservation finding";
    return {};
}

PlannedHotplug catalog_device(const std::string& port, const std::string& name) {
    return {port, name, find_passthrough_device(name)->function};
}

TEST(HotplugWindow, NonPrefetchableBarsGoToTheMemoryWindow) {
    EXPECT_EQ(window_for(BarSpec::memory32(0, 16 * MiB, Prefetchable::No), kClosed), PortWindow::Memory);
    EXPECT_EQ(window_for(BarSpec::memory64(0, 16 * MiB, Prefetchable::No), kClosed), PortWindow::Memory);
}

TEST(HotplugWindow, SixtyFourBitPrefetchableBarsGoToThePrefetchableWindow) {
    EXPECT_EQ(window_for(BarSpec::memory64(0, 32 * GiB, Prefetchable::Yes), kClosed), PortWindow::Prefetchable);
}

TEST(HotplugWindow, AThirtyTwoBitPrefetchableBarUsesThePrefetchableWindowOnlyBelow4G) {
    const BarSpec bar = BarSpec::memory32(0, 256 * MiB, Prefetchable::Yes);
    EXPECT_EQ(window_for(bar, WindowView{0xc0000000, 0xcfffffff}), PortWindow::Prefetchable);
    EXPECT_EQ(window_for(bar, WindowView{0x800000000, 0x81fffffff}), PortWindow::Memory);
}

TEST(HotplugWindow, IoBarsGoToTheIoWindow) { EXPECT_EQ(window_for(BarSpec::io(0, 128), kClosed), PortWindow::Io); }

TEST(HotplugWindowHolds, BarsPackLargestFirstEachNaturallyAligned) {
    // 2 MiB window: 1 MiB + 512 KiB + 512 KiB fill it exactly; one more byte-sized BAR does not fit.
    const WindowView w{0xfe000000, 0xfe1fffff};
    EXPECT_TRUE(window_holds(w, {512 * KiB, 1 * MiB, 512 * KiB}));
    EXPECT_FALSE(window_holds(w, {512 * KiB, 1 * MiB, 512 * KiB, 4 * KiB}));
}

TEST(HotplugWindowHolds, AMisalignedWindowLosesTheRoomBeforeTheFirstAlignedBlock) {
    // 4 MiB from a 2 MiB boundary: a 4 MiB BAR's first aligned block starts 2 MiB in and runs past the end.
    EXPECT_FALSE(window_holds(WindowView{0xfe200000, 0xfe5fffff}, {4 * MiB}));
    EXPECT_TRUE(window_holds(WindowView{0xfe200000, 0xfe5fffff}, {2 * MiB, 2 * MiB}));
}

TEST(HotplugWindowHolds, AClosedWindowHoldsNothingButAnEmptyList) {
    EXPECT_FALSE(window_holds(kClosed, {4 * KiB}));
    EXPECT_TRUE(window_holds(kClosed, {}));
}

TEST(HotplugWindowHolds, AWindowEndingAtTheTopOfTheSpaceDoesNotWrap) {
    EXPECT_TRUE(window_holds(WindowView{~u64{0} - (GiB - 1), ~u64{0}}, {GiB}));
    EXPECT_FALSE(window_holds(WindowView{~u64{0} - (GiB - 1), ~u64{0}}, {GiB, 4 * KiB}));
}

TEST(HotplugCheck, AnH100BehindAnOvmfRootPortFailsOnItsThirtyTwoBitBar0) {
    // OVMF pads a hot-plug port's memory window to 2 MiB: the H100's 16 MiB BAR 0 cannot go there, even
    // where the prefetchable window were made big enough for its 128 GiB BAR.
    const Finding f = hotplug_finding("-machine q35 -m 4G -nodefaults -bios OVMF.fd -device pcie-root-port,id=rp1,chassis=1",
                                      catalog_device("rp1", "h100"));
    EXPECT_EQ(f.verdict, Verdict::Fail);
    EXPECT_EQ(f.title, "Port rp1 has room for a hot-plugged h100");
    EXPECT_NE(f.evidence.find("BAR 0 (16 MiB 32-bit non-prefetchable)"), std::string::npos) << f.evidence;
    EXPECT_NE(f.no_fix.find("mem-reserve="), std::string::npos);
    EXPECT_TRUE(f.fixes.empty());  // pref64-reserve alone cannot make BAR 0 fit
}

TEST(HotplugCheck, TheLargestBarAloneChecksOnlyThePrefetchableWindow) {
    const Finding f = hotplug_finding("-machine q35 -m 4G -nodefaults -bios OVMF.fd -device pcie-root-port,id=rp1,chassis=1",
                                      PlannedHotplug::largest_bar("rp1", 256 * MiB));
    EXPECT_EQ(f.verdict, Verdict::Pass) << f.evidence;
    EXPECT_EQ(f.title, "Port rp1 has room for a hot-plugged 256 MiB BAR");
    EXPECT_EQ(f.evidence.find("non-prefetchable"), std::string::npos) << f.evidence;
}

TEST(HotplugCheck, PrefetchableBarsThatFitOnlyTogetherGetAReservationForAllOfThem) {
    // Two 64-bit prefetchable BARs (512 MiB + 512 MiB) need 1 GiB of the window: OVMF's default leaves 512 MiB.
    PlannedHotplug want{"rp1", "device with mem64=512M,mem64=512M", {}};
    want.device.bars = {BarSpec::memory64(0, 512 * MiB, Prefetchable::Yes), BarSpec::memory64(2, 512 * MiB, Prefetchable::Yes)};
    const Finding f = hotplug_finding("-machine q35 -m 4G -nodefaults -bios OVMF.fd -device pcie-root-port,id=rp1,chassis=1", want);
    EXPECT_EQ(f.verdict, Verdict::Fail) << f.evidence;
    ASSERT_FALSE(f.fixes.empty());
    EXPECT_TRUE(f.fixes.front().proven) << f.fixes.front().proof_text;
    EXPECT_EQ(f.fixes.front().qemu_args.back(), "pcie-root-port,id=rp1,chassis=1,pref64-reserve=1G");
}

TEST(HotplugCheck, AnIoBarWithoutRoomIsAWarningNotAFailure) {
    // io-reserve=0 leaves the port without an I/O window; the device's memory BAR fits the 2 MiB memory window.
    PlannedHotplug want{"rp1", "device", {}};
    want.device.bars = {BarSpec::io(0, 128), BarSpec::memory32(1, 64 * KiB, Prefetchable::No)};
    const Finding f =
        hotplug_finding("-machine q35 -m 4G -nodefaults -bios OVMF.fd -device pcie-root-port,id=rp1,chassis=1,io-reserve=0", want);
    EXPECT_EQ(f.verdict, Verdict::Warn) << f.evidence;
    EXPECT_NE(f.evidence.find("BAR 0 (128 B I/O)"), std::string::npos) << f.evidence;
}

}  // namespace
}  // namespace aperture
