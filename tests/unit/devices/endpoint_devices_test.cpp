// e1000, e1000e, nvme, xHCI and the Bochs-VBE displays.

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "device_test_support.hpp"

namespace aperture {
namespace {

using test::build;

TEST(E1000, HasMmioIoAndEfiRom) {
    EXPECT_EQ(build("e1000", "pc").bars, (std::vector<BarSpec>{BarSpec::memory32(0, 128 * KiB, Prefetchable::No),
                                                               BarSpec::io(1, 64), BarSpec::rom(256 * KiB)}));
}

TEST(E1000, VariantsDifferOnlyInDeviceId) { EXPECT_EQ(build("e1000-82545em", "root").device_id, 0x100f); }

TEST(E1000e, HasFourBarsAndRom) {
    EXPECT_EQ(build("e1000e", "rp").bars,
              (std::vector<BarSpec>{BarSpec::memory32(0, 128 * KiB, Prefetchable::No),
                                    BarSpec::memory32(1, 128 * KiB, Prefetchable::No), BarSpec::io(2, 32),
                                    BarSpec::memory32(3, 16 * KiB, Prefetchable::No), BarSpec::rom(256 * KiB)}));
}

TEST(Nvme, DefaultBar0Is16KiB64Bit) {
    EXPECT_EQ(build("nvme,serial=x", "root").bars,
              std::vector<BarSpec>{BarSpec::memory64(0, 16 * KiB, Prefetchable::No)});
}

TEST(Nvme, ManyQueuePairsGrowBar0) { EXPECT_EQ(build("nvme,serial=x,max_ioqpairs=65535", "root").bar(0)->size, MiB); }

TEST(Nvme, LargeMsixTableGrowsBar0) {
    EXPECT_EQ(build("nvme,serial=x,msix_qsize=2048", "root").bar(0)->size, 64 * KiB);
}

TEST(Nvme, CmbIsPrefetchableBar2) {
    EXPECT_EQ(*build("nvme,serial=x,cmb_size_mb=64", "root").bar(2), BarSpec::memory64(2, 64 * MiB, Prefetchable::Yes));
}

TEST(Nvme, ExclusiveMsixBarMovesTableToBar4) {
    const auto spec = build("nvme,serial=x,msix-exclusive-bar=on", "root");
    EXPECT_EQ(spec.bar(0)->size, 8 * KiB);
    EXPECT_EQ(*spec.bar(4), BarSpec::memory32(4, 4 * KiB, Prefetchable::No));
}

TEST(Nvme, MissingSerialIsRefused) { EXPECT_THROW(build("nvme", "root"), InputError); }

TEST(Nvme, SriovIsRefusedAsUnmodelled) { EXPECT_THROW(build("nvme,serial=x,sriov_max_vfs=2", "root"), InputError); }

TEST(QemuXhci, Bar0Is16KiB64BitWhateverThePorts) {
    EXPECT_EQ(build("qemu-xhci,p2=15,p3=15", "pc").bars,
              std::vector<BarSpec>{BarSpec::memory64(0, 16 * KiB, Prefetchable::No)});
}

TEST(Vga, FramebufferIs32BitPrefetchableWithMmioAndRom) {
    EXPECT_EQ(build("VGA", "root").bars,
              (std::vector<BarSpec>{BarSpec::memory32(0, 16 * MiB, Prefetchable::Yes),
                                    BarSpec::memory32(2, 4 * KiB, Prefetchable::No), BarSpec::rom(64 * KiB)}));
}

TEST(Vga, VgamemIsRoundedUpToPowerOfTwo) { EXPECT_EQ(build("VGA,vgamem_mb=3", "root").bar(0)->size, 4 * MiB); }

TEST(Vga, VgamemIsClampedTo512MiB) { EXPECT_EQ(build("VGA,vgamem_mb=1000", "root").bar(0)->size, 512 * MiB); }

TEST(Vga, RombarZeroHasNoRomBar) { EXPECT_EQ(build("VGA,rombar=0", "root").rom(), nullptr); }

TEST(SecondaryVga, HasNoRom) { EXPECT_EQ(build("secondary-vga", "root").rom(), nullptr); }

TEST(BochsDisplay, RomIs32KiBAndClassIsDisplayOther) {
    const auto spec = build("bochs-display", "root");
    EXPECT_EQ(spec.rom()->size, 32 * KiB);
    EXPECT_EQ(spec.class_code, 0x0380);
}

TEST(BochsDisplay, VgamemBelow4MiBIsRefused) { EXPECT_THROW(build("bochs-display,vgamem=3M", "root"), InputError); }

}  // namespace
}  // namespace aperture
