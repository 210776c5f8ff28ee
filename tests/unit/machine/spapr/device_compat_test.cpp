// The device compat properties of old pseries machine types (hw/core/machine.c hw_compat_X_Y as
// hw/ppc/spapr.c spapr_machine_X_Y_class_options adds them): each entry against the machine type just
// newer than the last one it applies to.
#include <gtest/gtest.h>

#include <map>

#include "input/ppc64_command_line.hpp"
#include "machine/spapr/spapr_machine.hpp"
#include "../../support/words.hpp"

namespace aperture::spapr {
namespace {

// The first function on PHB 0 of `-nodefaults <line>`.
PciFunctionSpec function_of(const std::string& line, QemuRelease release = QemuRelease::V7_2) {
    const SpaprBuild b = build_spapr_machine(read_ppc64_command_line(test::words("-nodefaults " + line)), release, {});
    EXPECT_TRUE(b.machine) << b.refusal;
    if (!b.machine || b.machine->phbs.front().functions.empty()) return {};
    return b.machine->phbs.front().functions.front().function;
}

// BAR index -> size.
std::map<int, u64> bars(const PciFunctionSpec& f) {
    std::map<int, u64> out;
    for (const auto& b : f.bars) out[b.index] = b.size;
    return out;
}

const std::string kBlk = "-drive if=none,id=d,file=null-co://,format=raw -device virtio-blk-pci,drive=d";

TEST(PseriesDeviceCompat, VirtioRngHasNoMsixBefore72) {  // hw_compat_7_1 vectors=0
    EXPECT_EQ(bars(function_of("-M pseries-7.2 -device virtio-rng-pci")).count(1), 1u);
    EXPECT_EQ(bars(function_of("-M pseries-7.1 -device virtio-rng-pci")).count(1), 0u);
    EXPECT_EQ(bars(function_of("-M pseries-7.1 -device virtio-rng-pci-transitional")).count(1), 0u);
    EXPECT_EQ(bars(function_of("-M pseries-7.1 -device virtio-rng-pci,vectors=2")).count(1), 1u);  // the user's value wins
}

TEST(PseriesDeviceCompat, NvmeMsixInABarOfItsOwnOn52) {  // hw_compat_5_2 msix-exclusive-bar=on (7.2.11+)
    EXPECT_EQ(bars(function_of("-M pseries-6.0 -device nvme,serial=a")), (std::map<int, u64>{{0, 16 * KiB}}));
    EXPECT_EQ(bars(function_of("-M pseries-5.2 -device nvme,serial=a")), (std::map<int, u64>{{0, 8 * KiB}, {4, 4 * KiB}}));
    // QEMU 8.1.2 predates the stable backport.
    EXPECT_EQ(bars(function_of("-M pseries-5.2 -device nvme,serial=a", QemuRelease::V8_1)), (std::map<int, u64>{{0, 16 * KiB}}));
}

TEST(PseriesDeviceCompat, NvmeIntelIdsOn51) {  // hw_compat_5_1 use-intel-id=on
    const auto new_ids = function_of("-M pseries-5.2 -device nvme,serial=a");
    EXPECT_EQ(new_ids.vendor_id, 0x1b36);
    EXPECT_EQ(new_ids.device_id, 0x0010);
    const auto old_ids = function_of("-M pseries-5.1 -device nvme,serial=a");
    EXPECT_EQ(old_ids.vendor_id, 0x8086);
    EXPECT_EQ(old_ids.device_id, 0x5845);
}

// One queue per vCPU from 5.2: 257 vectors need an 8 KiB MSI-X BAR; hw_compat_5_1's single queue, 4 KiB.
TEST(PseriesDeviceCompat, VirtioBlkAndScsiOneQueueOn51) {
    EXPECT_EQ(bars(function_of("-M pseries-5.2 -smp 256 " + kBlk))[1], 8 * KiB);
    EXPECT_EQ(bars(function_of("-M pseries-5.1 -smp 256 " + kBlk))[1], 4 * KiB);
    EXPECT_EQ(bars(function_of("-M pseries-5.2 -smp 256 -device virtio-scsi-pci"))[1], 8 * KiB);
    EXPECT_EQ(bars(function_of("-M pseries-5.1 -smp 256 -device virtio-scsi-pci"))[1], 4 * KiB);
}

// The balloon's config space: poison_val from 5.1 (hw_compat_5_0 page-poison=false), the full 4.0 layout on
// pseries-4.0 (hw_compat_4_0), the short one again on 3.1 (hw_compat_3_1): legacy IO BAR0 64 / 32 bytes.
TEST(PseriesDeviceCompat, VirtioBalloonConfigSize) {
    EXPECT_EQ(bars(function_of("-M pseries-5.1 -device virtio-balloon-pci"))[0], 64u);
    EXPECT_EQ(bars(function_of("-M pseries-5.0 -device virtio-balloon-pci"))[0], 32u);
    EXPECT_EQ(bars(function_of("-M pseries-4.0 -device virtio-balloon-pci"))[0], 64u);
    EXPECT_EQ(bars(function_of("-M pseries-3.1 -device virtio-balloon-pci"))[0], 32u);
}

TEST(PseriesDeviceCompat, VirtioBlkWithoutDiscardOn31) {  // hw_compat_3_1 discard/write-zeroes=false
    EXPECT_EQ(bars(function_of("-M pseries-4.0 " + kBlk))[0], 128u);
    EXPECT_EQ(bars(function_of("-M pseries-3.1 " + kBlk))[0], 64u);
    EXPECT_EQ(bars(function_of("-M pseries-3.1 " + kBlk + ",discard=on"))[0], 128u);
}

TEST(PseriesDeviceCompat, VirtioBlkTwoVectorsOn211) {  // hw_compat_2_11 virtio-blk-pci vectors=2
    EXPECT_EQ(bars(function_of("-M pseries-2.12,cap-htm=off " + kBlk + ",num-queues=300"))[1], 8 * KiB);
    EXPECT_EQ(bars(function_of("-M pseries-2.11,cap-htm=off " + kBlk + ",num-queues=300"))[1], 4 * KiB);
}

TEST(PseriesDeviceCompat, PciBridgeWithoutShpcOn29Only) {  // hw_compat_2_9 shpc=off, hw_compat_2_8 shpc=on
    EXPECT_EQ(bars(function_of("-M pseries-2.10,cap-htm=off -device pci-bridge,chassis_nr=1"))[0], 256u);
    EXPECT_TRUE(bars(function_of("-M pseries-2.9,cap-htm=off -device pci-bridge,chassis_nr=1")).empty());
    EXPECT_EQ(bars(function_of("-M pseries-2.8,cap-htm=off -device pci-bridge,chassis_nr=1"))[0], 256u);
    EXPECT_TRUE(bars(function_of("-M pseries-2.9,cap-htm=off -device pci-bridge-seat,chassis_nr=1")).empty());
}

TEST(PseriesDeviceCompat, VirtioPagePerVqOn27) {  // hw_compat_2_7 page-per-vq=on
    EXPECT_EQ(bars(function_of("-M pseries-2.8,cap-htm=off -device virtio-net-pci"))[4], 16 * KiB);
    EXPECT_EQ(bars(function_of("-M pseries-2.7 -device virtio-net-pci"))[4], 8 * MiB);
}

TEST(PseriesDeviceCompat, VirtioLegacyOnlyOn26) {  // hw_compat_2_6 disable-modern=on (optional)
    EXPECT_EQ(bars(function_of("-M pseries-2.7 -device virtio-net-pci")).count(4), 1u);
    EXPECT_EQ(bars(function_of("-M pseries-2.6 -device virtio-net-pci")).count(4), 0u);
    // -transitional has no disable-modern property: the optional entry passes it by.
    EXPECT_EQ(bars(function_of("-M pseries-2.6 -device virtio-net-pci-transitional"))[4], 8 * MiB);
}

TEST(PseriesDeviceCompat, UserGlobalOverridesCompat) {  // -global comes after the compat properties
    EXPECT_EQ(bars(function_of("-M pseries-2.7 -global virtio-pci.page-per-vq=off -device virtio-net-pci"))[4], 16 * KiB);
}

}  // namespace
}  // namespace aperture::spapr
