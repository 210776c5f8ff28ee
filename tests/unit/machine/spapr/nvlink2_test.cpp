// NVLink2 windows, worked from QEMU 8.1.2 hw/ppc/spapr_pci_nvlink2.c spapr_phb_nvgpu_setup and its
// collectors (spapr_pci_collect_nvgpu / spapr_pci_collect_nvnpu, spapr_nvgpu_get_slot).
#include "machine/spapr/nvlink2.hpp"

#include <gtest/gtest.h>

#include "machine/spapr/spapr_constants.hpp"

namespace aperture::spapr {
namespace {

constexpr u64 kGpa = 0x4200'0000'0000;   // PHB index 1
constexpr u64 kAtsd = 0x8000'0012'0000;

Nvlink2Function gpu(const char* name, unsigned devfn, u64 tgt, u64 ram) { return {name, devfn, Nvlink2Role::Gpu, tgt, ram}; }
Nvlink2Function link(const char* name, unsigned devfn, u64 tgt) { return {name, devfn, Nvlink2Role::NpuLink, tgt, 0}; }

// Two GPUs, 16 and 32 GiB: RAM back to back from nv2_gpa in slot order.
TEST(Nvlink2, GpuRamIsStackedInSlotOrder) {
    const auto l = layout_nvlink2(kGpa, kAtsd, {gpu("b", 16, 2, 32 * GiB), gpu("a", 8, 1, 16 * GiB)});
    ASSERT_EQ(l.gpus.size(), 2u);
    EXPECT_EQ(l.gpus[0].name, "a");
    EXPECT_EQ(l.gpus[0].ram.first(), kGpa);
    EXPECT_EQ(l.gpus[1].ram.first(), kGpa + 16 * GiB);
    EXPECT_EQ(l.ram_end, kGpa + 48 * GiB);
}

// A link whose GPU is not on the PHB still takes an ATSD slot, which is then not mapped.
TEST(Nvlink2, OrphanLinkConsumesAtsdSpace) {
    const auto l = layout_nvlink2(kGpa, kAtsd, {link("orphan", 8, 9), gpu("g", 16, 1, 16 * GiB), link("l", 24, 1)});
    ASSERT_EQ(l.gpus.size(), 1u);
    ASSERT_EQ(l.gpus[0].atsd.size(), 1u);
    EXPECT_EQ(l.gpus[0].atsd[0].first(), kAtsd + NV2ATSD_REGION_SIZE);
    EXPECT_EQ(l.atsd_count, 1u);
}

TEST(Nvlink2, SeventhGpuDropsEveryWindowOfThePhb) {
    std::vector<Nvlink2Function> f;
    for (unsigned i = 0; i < 7; ++i) f.push_back(gpu("g", i * 8, i + 1, 16 * GiB));
    const auto l = layout_nvlink2(kGpa, kAtsd, f);
    EXPECT_EQ(l.error, "Found too many GPUs per vPHB");
    EXPECT_TRUE(l.gpus.empty());
}

TEST(Nvlink2, FourthLinkOfAGpuIsAnError) {
    const auto l = layout_nvlink2(kGpa, kAtsd, {gpu("g", 0, 1, 16 * GiB), link("1", 8, 1), link("2", 16, 1), link("3", 24, 1), link("4", 32, 1)});
    EXPECT_EQ(l.error, "Found too many NVLink bridges per GPU");
}

TEST(Nvlink2, MachineWithoutWindowsPlacesNothing) {
    const auto l = layout_nvlink2(0, 0, {gpu("g", 0, 1, 16 * GiB)});
    EXPECT_TRUE(l.gpus.empty());
    EXPECT_TRUE(l.error.empty());
}

}  // namespace
}  // namespace aperture::spapr
