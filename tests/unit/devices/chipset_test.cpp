#include "devices/chipset.hpp"

#include <gtest/gtest.h>

namespace aperture {
namespace {

TEST(Q35Chipset, MchIsIntelHostBridgeWithoutBars) {
    const auto mch = make_q35_mch();
    EXPECT_EQ(mch.vendor_id, 0x8086);
    EXPECT_EQ(mch.device_id, 0x29c0);
    EXPECT_EQ(mch.class_code, 0x0600);
    EXPECT_TRUE(mch.bars.empty());
}

TEST(Q35Chipset, LpcIsMultifunction) { EXPECT_TRUE(make_ich9_lpc().multifunction); }

TEST(Q35Chipset, AhciHasIndexDataIoAndAbar) {
    EXPECT_EQ(make_ich9_ahci().bars,
              (std::vector<BarSpec>{BarSpec::io(4, 32), BarSpec::memory32(5, 4 * KiB, Prefetchable::No)}));
}

TEST(Q35Chipset, SmbusHas64BytesOfIo) { EXPECT_EQ(make_ich9_smbus().bars, std::vector<BarSpec>{BarSpec::io(4, 64)}); }

TEST(Q35Chipset, UhciCompanionsHaveConsecutiveIds) { EXPECT_EQ(make_ich9_uhci(3).device_id, 0x2936); }

TEST(I440fxChipset, HostBridgeIs82441) { EXPECT_EQ(make_i440fx_host().device_id, 0x1237); }

TEST(I440fxChipset, Piix3IsaIsMultifunction) { EXPECT_TRUE(make_piix3_isa().multifunction); }

TEST(I440fxChipset, IdeHasBusMasterIo16) { EXPECT_EQ(make_piix3_ide().bars, std::vector<BarSpec>{BarSpec::io(4, 16)}); }

TEST(I440fxChipset, Piix4AcpiHasNoBars) {
    const auto acpi = make_piix4_acpi();
    EXPECT_EQ(acpi.device_id, 0x7113);
    EXPECT_TRUE(acpi.bars.empty());
}

}  // namespace
}  // namespace aperture
