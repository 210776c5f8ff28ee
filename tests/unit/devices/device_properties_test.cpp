#include <gtest/gtest.h>

#include "core/error.hpp"
#include "device_test_support.hpp"
#include "machine/qemu_release.hpp"

namespace aperture {
namespace {

DeviceSpec device_with(const std::string& key, const std::string& value) {
    DeviceSpec spec;
    spec.driver = "pci-testdev";
    spec.id = "t1";
    spec.properties.entries.emplace_back(key, value);
    spec.where.text = "argument 7: -device pci-testdev,id=t1," + key + "=" + value;
    return spec;
}

std::string error_of(const std::function<void()>& action) {
    try {
        action();
    } catch (const InputError& error) {
        return error.what();
    }
    return "";
}

TEST(DeviceProperties, SizeReadsQemuSuffixes) {
    const DeviceSpec spec = device_with("membar", "32G");
    EXPECT_EQ(DeviceProperties(spec).size("membar"), 32 * GiB);
}

TEST(DeviceProperties, SizeReadsHex) {
    const DeviceSpec spec = device_with("io-reserve", "0x100000000");
    EXPECT_EQ(DeviceProperties(spec).size("io-reserve"), 4 * GiB);
}

TEST(DeviceProperties, AbsentPropertyIsNullopt) {
    const DeviceSpec spec = device_with("membar", "1G");
    EXPECT_FALSE(DeviceProperties(spec).size("other").has_value());
}

TEST(DeviceProperties, MalformedSizeErrorNamesLocationDeviceAndProperty) {
    const DeviceSpec spec = device_with("membar", "3Q");
    const std::string message = error_of([&] { (void)DeviceProperties(spec).size("membar"); });
    EXPECT_NE(message.find("argument 7: -device pci-testdev,id=t1,membar=3Q"), std::string::npos);
    EXPECT_NE(message.find("pci-testdev 't1'"), std::string::npos);
    EXPECT_NE(message.find("property 'membar' expects a size"), std::string::npos);
    EXPECT_NE(message.find("'3Q'"), std::string::npos);
}

TEST(DeviceProperties, RefusalNamesTheReleaseItIsGiven) {
    const QemuRelease& other = *find_qemu_release("10.0");
    const DeviceSpec spec = device_with("membar", "3Q");
    const std::string message = error_of([&] { (void)DeviceProperties(spec, other).size("membar"); });
    EXPECT_NE(message.find("(QEMU 10.0 refuses it: Parameter 'membar' expects size)"), std::string::npos) << message;
    const std::string by_default = error_of([&] { (void)DeviceProperties(spec).size("membar"); });
    EXPECT_NE(by_default.find("(" + std::string(default_qemu_release().display_name) + " refuses it: "), std::string::npos)
        << by_default;
}

TEST(DeviceProperties, SizeAbove2To64IsRefused) {
    const DeviceSpec spec = device_with("membar", "16E");
    EXPECT_THROW((void)DeviceProperties(spec).size("membar"), InputError);
}

TEST(DeviceProperties, Uint8RefusesValueAbove255) {
    const DeviceSpec spec = device_with("chassis", "256");
    const std::string message = error_of([&] { (void)DeviceProperties(spec).uint8("chassis"); });
    EXPECT_NE(message.find("uint8_t"), std::string::npos);
}

TEST(DeviceProperties, Uint32ReadsLeadingZeroAsOctalLikeQemu) {
    const DeviceSpec spec = device_with("vectors", "010");
    EXPECT_EQ(DeviceProperties(spec).uint32("vectors"), 8u);
}

TEST(DeviceProperties, Uint32ReadsHex) {
    const DeviceSpec spec = device_with("class", "0x0180");
    EXPECT_EQ(DeviceProperties(spec).uint32("class"), 0x180u);
}

TEST(DeviceProperties, Int32ReadsNegative) {
    const DeviceSpec spec = device_with("speed", "-1");
    EXPECT_EQ(DeviceProperties(spec).int32("speed"), -1);
}

TEST(DeviceProperties, BooleanAcceptsQapiSpellings) {
    EXPECT_EQ(DeviceProperties(device_with("shpc", "yes")).boolean("shpc"), true);
    EXPECT_EQ(DeviceProperties(device_with("shpc", "n")).boolean("shpc"), false);
}

TEST(DeviceProperties, BooleanRefusesOtherWords) {
    const DeviceSpec spec = device_with("shpc", "maybe");
    EXPECT_THROW((void)DeviceProperties(spec).boolean("shpc"), InputError);
}

TEST(DeviceProperties, OnOffAutoDefaultsToAuto) {
    const DeviceSpec spec = device_with("membar", "1G");
    EXPECT_EQ(DeviceProperties(spec).on_off_auto("disable-legacy"), DeviceProperties::OnOffAuto::Auto);
}

TEST(DeviceProperties, OnOffAutoRefusesBooleanSpelling) {
    const DeviceSpec spec = device_with("disable-legacy", "yes");
    EXPECT_THROW((void)DeviceProperties(spec).on_off_auto("disable-legacy"), InputError);
}

TEST(DeviceProperties, LastOccurrenceWins) {
    DeviceSpec spec = device_with("chassis", "2");
    spec.properties.entries.emplace_back("chassis", "3");
    EXPECT_EQ(DeviceProperties(spec).uint8("chassis"), 3);
}

TEST(DeviceProperties, FailWithoutLocationNamesDriver) {
    DeviceSpec spec = device_with("membar", "1G");
    spec.where.text.clear();
    const std::string message = error_of([&] { DeviceProperties(spec).fail("boom"); });
    EXPECT_EQ(message, "-device pci-testdev: pci-testdev 't1': boom");
}

}  // namespace
}  // namespace aperture
