#include "devices/option_rom.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "device_test_support.hpp"

namespace aperture {
namespace {

using test::build;

TEST(Debian12RomFiles, KnowsIpxeByName) { EXPECT_EQ(debian12_rom_file_size("efi-virtio.rom"), 249344u); }

TEST(Debian12RomFiles, KnowsFullPath) {
    EXPECT_EQ(debian12_rom_file_size("/usr/share/seabios/vgabios-stdvga.bin"), 39936u);
}

TEST(Debian12RomFiles, UnknownFileIsNullopt) { EXPECT_FALSE(debian12_rom_file_size("/tmp/custom.rom").has_value()); }

TEST(OptionRom, EmptyRomfileDisablesRom) { EXPECT_EQ(build("virtio-net-pci,romfile=", "root").rom(), nullptr); }

TEST(OptionRom, RombarZeroDisablesRomBar) { EXPECT_EQ(build("e1000e,rombar=0", "root").rom(), nullptr); }

TEST(OptionRom, PxeRomIs128KiB) {
    EXPECT_EQ(build("virtio-net-pci,romfile=pxe-virtio.rom", "root").rom()->size, 128 * KiB);
}

TEST(OptionRom, RomsizeFixesBarSize) { EXPECT_EQ(build("virtio-net-pci,romsize=1048576", "root").rom()->size, MiB); }

TEST(OptionRom, RomsizeSmallerThanFileIsRefused) {
    EXPECT_THROW(build("virtio-net-pci,romsize=131072", "root"), InputError);
}

TEST(OptionRom, RomsizeNotPowerOfTwoIsRefused) {
    EXPECT_THROW(build("virtio-net-pci,romsize=100000", "root"), InputError);
}

TEST(OptionRom, UnknownFileIsRefused) { EXPECT_THROW(build("virtio-net-pci,romfile=custom.rom", "root"), InputError); }

TEST(OptionRom, HostLookupSizesUnknownFile) {
    PlugContext context = test::context_named("root");
    context.rom_file_size = [](const std::string& name) -> std::optional<u64> {
        return name == "custom.rom" ? std::optional<u64>(100) : std::nullopt;
    };
    EXPECT_EQ(build_device(test::parse_device("virtio-net-pci,romfile=custom.rom"), context).rom()->size, 128u);
}

}  // namespace
}  // namespace aperture
