#include <gtest/gtest.h>

#include "core/error.hpp"
#include "device_test_support.hpp"

namespace aperture {
namespace {

using test::build;

TEST(PciTestdev, DefaultHasMmioAndIoBars) {
    const auto spec = build("pci-testdev", "root");
    EXPECT_EQ(spec.bars, (std::vector<BarSpec>{BarSpec::memory32(0, 4 * KiB, Prefetchable::No), BarSpec::io(1, 256)}));
}

TEST(PciTestdev, MembarIs64BitPrefetchableBar2) {
    const auto spec = build("pci-testdev,membar=32G", "rp");
    EXPECT_EQ(*spec.bar(2), BarSpec::memory64(2, 32 * GiB, Prefetchable::Yes));
}

TEST(PciTestdev, MembarZeroHasNoBar2) { EXPECT_EQ(build("pci-testdev,membar=0", "root").bar(2), nullptr); }

TEST(PciTestdev, Membar2To63IsAccepted) {
    EXPECT_EQ(build("pci-testdev,membar=8E", "root").bar(2)->size, u64{1} << 63);
}

TEST(PciTestdev, NonPowerOfTwoMembarIsRefusedAsQemuAborts) {
    try {
        (void)build("pci-testdev,membar=3G", "root");
        FAIL() << "membar=3G was accepted";
    } catch (const InputError& error) {
        EXPECT_NE(std::string(error.what()).find("aborts"), std::string::npos);
    }
}

TEST(PciTestdev, RomfileAddsRomBar) {
    EXPECT_EQ(build("pci-testdev,romfile=efi-virtio.rom", "root").rom()->size, 256 * KiB);
}

}  // namespace
}  // namespace aperture
