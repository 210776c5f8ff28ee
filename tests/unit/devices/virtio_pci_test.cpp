#include <gtest/gtest.h>

#include "core/error.hpp"
#include "device_test_support.hpp"

namespace aperture {
namespace {

using test::build;

// --- legacy/modern by plug context (disable-legacy=auto) ---

TEST(VirtioPci, OnQ35RootBusIsTransitional) {
    const auto spec = build("virtio-net-pci", "root");
    EXPECT_EQ(spec.device_id, 0x1000);
    EXPECT_EQ(*spec.bar(0), BarSpec::io(0, 32));
}

TEST(VirtioPci, BehindPcieRootPortIsModernOnly) {
    const auto spec = build("virtio-net-pci", "rp");
    EXPECT_EQ(spec.device_id, 0x1041);
    EXPECT_EQ(spec.bar(0), nullptr);
}

TEST(VirtioPci, BehindPciBridgeIsTransitional) { EXPECT_NE(build("virtio-net-pci", "pb").bar(0), nullptr); }

TEST(VirtioPci, BehindPciePciBridgeIsTransitional) { EXPECT_NE(build("virtio-net-pci", "ppb").bar(0), nullptr); }

TEST(VirtioPci, OnI440fxIsTransitional) { EXPECT_NE(build("virtio-net-pci", "pc").bar(0), nullptr); }

TEST(VirtioPci, DisableLegacyOffForcesLegacyBehindPort) {
    EXPECT_NE(build("virtio-net-pci,disable-legacy=off", "rp").bar(0), nullptr);
}

TEST(VirtioPci, TransitionalNameKeepsLegacyBehindPort) {
    EXPECT_NE(build("virtio-net-pci-transitional", "rp").bar(0), nullptr);
}

TEST(VirtioPci, NonTransitionalNameDropsLegacyOnRootBus) {
    EXPECT_EQ(build("virtio-net-pci-non-transitional", "root").bar(0), nullptr);
}

TEST(VirtioPci, TransitionalNameHasNoDisableLegacyProperty) {
    EXPECT_THROW(build("virtio-net-pci-transitional,disable-legacy=on", "rp"), InputError);
}

// --- the standard BARs ---

TEST(VirtioPci, ModernBarIs16KiB64BitPrefetchableBar4) {
    EXPECT_EQ(*build("virtio-net-pci", "rp").bar(4), BarSpec::memory64(4, 16 * KiB, Prefetchable::Yes));
}

TEST(VirtioPci, PagePerVqGrowsModernBarTo8MiB) {
    EXPECT_EQ(build("virtio-net-pci,page-per-vq=on", "rp").bar(4)->size, 8 * MiB);
}

TEST(VirtioPci, MsixBar1Is4KiBForDefaultVectors) {
    EXPECT_EQ(*build("virtio-net-pci", "rp").bar(1), BarSpec::memory32(1, 4 * KiB, Prefetchable::No));
}

TEST(VirtioPci, ModernPioNotifyAddsIoBar2) {
    EXPECT_EQ(*build("virtio-net-pci,modern-pio-notify=on", "rp").bar(2), BarSpec::io(2, 4));
}

TEST(VirtioPci, DisableModernDropsModernBars) {
    const auto spec = build("virtio-net-pci,disable-modern=on,modern-pio-notify=on", "root");
    EXPECT_EQ(spec.bar(2), nullptr);
    EXPECT_EQ(spec.bar(4), nullptr);
}

TEST(VirtioPci, NeitherModernNorLegacyIsRefused) {
    EXPECT_THROW(build("virtio-net-pci,disable-modern=on", "rp"), InputError);
}

TEST(VirtioPci, IommuPlatformWithLegacyIsRefused) {
    EXPECT_THROW(build("virtio-net-pci,iommu_platform=on", "root"), InputError);
}

// --- MSI-X vectors ---

TEST(VirtioPci, Vectors256NeedAn8KiBMsixBar) {
    EXPECT_EQ(build("virtio-net-pci,vectors=256", "rp").bar(1)->size, 8 * KiB);
}

TEST(VirtioPci, Vectors2048NeedA64KiBMsixBar) {
    EXPECT_EQ(build("virtio-net-pci,vectors=2048", "rp").bar(1)->size, 64 * KiB);
}

TEST(VirtioPci, VectorsAbove2048LeaveNoMsixBar) {
    EXPECT_EQ(build("virtio-net-pci,vectors=2049", "rp").bar(1), nullptr);
}

TEST(VirtioPci, VectorsAreTruncatedTo16Bits) {
    EXPECT_EQ(build("virtio-net-pci,vectors=65537", "rp").bar(1)->size, 4 * KiB);
}

TEST(VirtioPci, ZeroVectorsShrinkLegacyHeader) {
    // 20-byte header + 10 bytes of config with mq=on fits in 32 bytes; with MSI-X it needs 64.
    EXPECT_EQ(build("virtio-net-pci,mq=on,vectors=0", "root").bar(0)->size, 32u);
    EXPECT_EQ(build("virtio-net-pci,mq=on", "root").bar(0)->size, 64u);
}

// --- per-device config sizes and vector defaults ---

TEST(VirtioNet, MtuGrowsLegacyBarTo64) { EXPECT_EQ(build("virtio-net-pci,host_mtu=1500", "root").bar(0)->size, 64u); }

TEST(VirtioNet, DefaultRomIsEfiVirtio256KiB) { EXPECT_EQ(build("virtio-net-pci", "root").rom()->size, 256 * KiB); }

TEST(VirtioBlk, DiscardAndWriteZeroesNeed128ByteLegacyBar) {
    EXPECT_EQ(build("virtio-blk-pci,drive=d", "root").bar(0)->size, 128u);
}

TEST(VirtioBlk, WithoutDiscardAndWriteZeroesLegacyBarIs64) {
    EXPECT_EQ(build("virtio-blk-pci,drive=d,discard=off,write-zeroes=off", "root").bar(0)->size, 64u);
}

TEST(VirtioBlk, OneQueuePerBootCpuSetsVectors) {
    PlugContext context = test::context_named("root");
    context.boot_cpus = 254;  // 255 vectors: table and PBA pass 4 KiB
    EXPECT_EQ(build_device(test::parse_device("virtio-blk-pci,drive=d"), context).bar(1)->size, 8 * KiB);
}

TEST(VirtioBlk, MissingDriveIsRefused) { EXPECT_THROW(build("virtio-blk-pci", "root"), InputError); }

TEST(VirtioBlk, ClassPropertyReplacesClass) {
    EXPECT_EQ(build("virtio-blk-pci,drive=d,class=0x0180", "root").class_code, 0x0180);
}

TEST(VirtioScsi, QueueLimitIs1022) { EXPECT_THROW(build("virtio-scsi-pci,num_queues=1023", "root"), InputError); }

TEST(VirtioBalloon, HasNoMsixBar) { EXPECT_EQ(build("virtio-balloon-pci", "root").bar(1), nullptr); }

TEST(VirtioBalloon, PagePoisonOffShrinksLegacyBar) {
    EXPECT_EQ(build("virtio-balloon-pci,page-poison=off", "root").bar(0)->size, 32u);
}

TEST(VirtioSerial, ClassOutsideHistoricalValuesIsForced) {
    EXPECT_EQ(build("virtio-serial-pci,class=0x0200", "root").class_code, 0x0780);
}

TEST(VirtioGpu, IsModernOnlyOnRootBus) {
    const auto spec = build("virtio-gpu-pci", "root");
    EXPECT_EQ(spec.device_id, 0x1050);
    EXPECT_EQ(spec.bar(0), nullptr);
}

TEST(VirtioGpu, DisableModernIsOverriddenOnRootBus) {
    EXPECT_NE(build("virtio-gpu-pci,disable-modern=on", "root").bar(4), nullptr);
}

TEST(VirtioVga, MovesVirtioBarsBehindVgaRam) {
    const auto spec = build("virtio-vga", "root");
    EXPECT_EQ(spec.bars,
              (std::vector<BarSpec>{BarSpec::memory32(0, 8 * MiB, Prefetchable::Yes),
                                    BarSpec::memory64(2, 16 * KiB, Prefetchable::Yes),
                                    BarSpec::memory32(4, 4 * KiB, Prefetchable::No), BarSpec::rom(64 * KiB)}));
}

TEST(VirtioInput, TabletHasInputOtherClass) { EXPECT_EQ(build("virtio-tablet-pci", "pb").class_code, 0x0980); }

}  // namespace
}  // namespace aperture
