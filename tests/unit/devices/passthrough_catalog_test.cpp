#include "devices/passthrough_catalog.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "device_test_support.hpp"

namespace aperture {
namespace {

TEST(PassthroughCatalog, H100HasA128GiBPrefetchableBar1) {
    const auto h100 = find_passthrough_device("h100");
    ASSERT_TRUE(h100.has_value());
    EXPECT_EQ(*h100->function.bar(1), BarSpec::memory64(1, 128 * GiB, Prefetchable::Yes));
    EXPECT_EQ(h100->function.class_code, 0x0302);
}

TEST(PassthroughCatalog, Rtx4090RebarHas32GiBBar1) {
    EXPECT_EQ(find_passthrough_device("rtx4090-rebar")->function.bar(1)->size, 32 * GiB);
}

TEST(PassthroughCatalog, Rtx4090IsVgaWithIoAndRom) {
    const auto gpu = find_passthrough_device("rtx4090")->function;
    EXPECT_TRUE(gpu.is_vga());
    EXPECT_EQ(*gpu.bar(5), BarSpec::io(5, 128));
    EXPECT_EQ(gpu.rom()->size, 512 * KiB);
}

TEST(PassthroughCatalog, Mi100IsMarkedApproximate) {
    EXPECT_TRUE(find_passthrough_device("amd-instinct-mi100")->approximate);
}

TEST(PassthroughCatalog, UnknownNameIsNullopt) { EXPECT_FALSE(find_passthrough_device("b200").has_value()); }

TEST(PassthroughCatalog, ListsEightDevices) { EXPECT_EQ(passthrough_device_names().size(), 8u); }

TEST(VfioPci, UnknownHostDeviceIsRefused) { EXPECT_THROW(test::build("vfio-pci,host=0000:01:00.0", "rp"), InputError); }

TEST(VfioPci, MappedHostDeviceTakesCatalogLayout) {
    PlugContext context = test::context_named("rp");
    context.passthrough_device = [](const std::string& host) -> std::optional<PciFunctionSpec> {
        if (host != "0000:01:00.0") return std::nullopt;
        return find_passthrough_device("a100-80g")->function;
    };
    const auto spec = build_device(test::parse_device("vfio-pci,host=0000:01:00.0"), context);
    EXPECT_EQ(spec.bar(1)->size, 128 * GiB);
}

TEST(VfioPci, RombarZeroHidesDeviceRom) {
    PlugContext context = test::context_named("rp");
    context.passthrough_device = [](const std::string&) -> std::optional<PciFunctionSpec> {
        return find_passthrough_device("rtx4090")->function;
    };
    EXPECT_EQ(build_device(test::parse_device("vfio-pci,host=01:00.0,rombar=0"), context).rom(), nullptr);
}

TEST(VfioPci, KeepsDeviceRomByDefault) {
    PlugContext context = test::context_named("rp");
    context.passthrough_device = [](const std::string&) -> std::optional<PciFunctionSpec> {
        return find_passthrough_device("rtx4090")->function;
    };
    EXPECT_EQ(build_device(test::parse_device("vfio-pci,host=01:00.0"), context).rom()->size, 512 * KiB);
}

}  // namespace
}  // namespace aperture
