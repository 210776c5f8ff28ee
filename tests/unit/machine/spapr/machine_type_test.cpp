// pseries machine types and their compat defaults (QEMU 8.1.2 hw/ppc/spapr.c spapr_machine_*_class_options).
#include "machine/spapr/machine_type.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "machine/spapr/spapr_constants.hpp"

namespace aperture::spapr {
namespace {

TEST(PseriesMachineType, AliasIsTheReleasesNewest) {
    EXPECT_EQ(resolve_pseries_machine("pseries", QemuRelease::V7_2).name, "pseries-7.2");
    EXPECT_EQ(resolve_pseries_machine("pseries", QemuRelease::V8_2).name, "pseries-8.2");
}

TEST(PseriesMachineType, NewerTypeThanTheReleaseIsUnsupported) {
    EXPECT_THROW(resolve_pseries_machine("pseries-8.1", QemuRelease::V7_2), InputError);
    EXPECT_THROW(resolve_pseries_machine("pseries-3.2", QemuRelease::V8_1), InputError);
    EXPECT_THROW(resolve_pseries_machine("pseries-2.0", QemuRelease::V8_1), InputError);
}

TEST(PseriesMachineType, Sxxm) {
    EXPECT_EQ(resolve_pseries_machine("pseries-2.12-sxxm", QemuRelease::V7_2).version, (MachineVersion{2, 12}));
    EXPECT_THROW(resolve_pseries_machine("pseries-2.11-sxxm", QemuRelease::V7_2), InputError);
}

TEST(PseriesDefaults, Pseries27IsLegacyWithOneLargeWindow) {
    const auto d = pseries_defaults({2, 7}, QemuRelease::V7_2);
    EXPECT_EQ(d.placement, PhbPlacementStyle::Legacy);
    EXPECT_EQ(d.mem_win_size, LEGACY_MEM_WIN_SIZE);
    EXPECT_EQ(d.mem64_win_size, 0u);
    EXPECT_TRUE(d.ddw);
}

TEST(PseriesDefaults, Pseries28IsNewStyle) {
    EXPECT_EQ(pseries_defaults({2, 8}, QemuRelease::V7_2).placement, PhbPlacementStyle::NewStyle);
}

TEST(PseriesDefaults, Pseries26HasNoDdw) { EXPECT_FALSE(pseries_defaults({2, 6}, QemuRelease::V7_2).ddw); }

TEST(PseriesDefaults, Pseries22HasA512MiBWindow) {
    EXPECT_EQ(pseries_defaults({2, 2}, QemuRelease::V7_2).mem_win_size, PSERIES_2_2_MEM_WIN_SIZE);
}

TEST(PseriesDefaults, PgszGrowsAfter41) {
    EXPECT_EQ(pseries_defaults({4, 1}, QemuRelease::V7_2).page_size_mask, PSERIES_4_1_PAGE_SIZE_MASK);
    EXPECT_EQ(pseries_defaults({4, 2}, QemuRelease::V7_2).page_size_mask, DEFAULT_PAGE_SIZE_MASK);
}

TEST(PseriesDefaults, Nvlink2From41UntilQemu82) {
    EXPECT_FALSE(pseries_defaults({4, 0}, QemuRelease::V8_1).nvlink2_windows);
    EXPECT_TRUE(pseries_defaults({4, 1}, QemuRelease::V8_1).nvlink2_windows);
    EXPECT_TRUE(pseries_defaults({7, 2}, QemuRelease::V7_2).nvlink2_windows);
    EXPECT_FALSE(pseries_defaults({8, 1}, QemuRelease::V8_2).nvlink2_windows);
}

TEST(PseriesDefaults, PhbDrConnectorsFrom40) {
    EXPECT_FALSE(pseries_defaults({3, 1}, QemuRelease::V7_2).dr_phb_enabled);
    EXPECT_TRUE(pseries_defaults({4, 0}, QemuRelease::V7_2).dr_phb_enabled);
}

// Issue 19: a name shorter than "pseries-" reached substr(8) and printed the library's out_of_range text.
TEST(PseriesMachineType, ShortNonPseriesNameIsRefusedInAperturesWords) {
    try {
        resolve_pseries_machine("q35", QemuRelease::V7_2);
        FAIL() << "expected an InputError";
    } catch (const InputError& e) {
        EXPECT_STREQ(e.what(), "-machine q35: not a pseries machine type: aperture models qemu-system-ppc64's pseries machines "
                               "(pseries, pseries-2.1 ... pseries-7.2)");
    }
}

}  // namespace
}  // namespace aperture::spapr
