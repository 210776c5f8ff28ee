// --passthrough HOST=DEVICE: one reading for QEMU x86, Xen and pseries, one set of messages.
#include "app/passthrough_option.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"

namespace aperture::app {
namespace {

std::string message_of(const std::string& text) {
    try {
        passthrough_functions({text});
    } catch (const InputError& e) {
        return e.what();
    }
    return "";
}

TEST(PassthroughOption, ShortHostAddressGetsDomainZero) {
    const PassthroughOption option = parse_passthrough_option("41:00.0=h100");
    EXPECT_EQ(option.host_address, "0000:41:00.0");
    EXPECT_EQ(option.device, "h100");
    EXPECT_EQ(option.text, "41:00.0=h100");
}

TEST(PassthroughOption, DeviceKeepsEverythingAfterTheFirstEquals) {
    EXPECT_EQ(parse_passthrough_option("0004:04:00.0=bridge@0004:05:00.0").device, "bridge@0004:05:00.0");
}

TEST(PassthroughOption, WithoutEqualsFailsNamingTheOption) {
    EXPECT_EQ(message_of("0000:41:00.0"), "--passthrough 0000:41:00.0: expected HOST=DEVICE, e.g. 0000:41:00.0=h100");
}

TEST(PassthroughOption, WithoutHostFailsNamingTheOption) {
    EXPECT_EQ(message_of("=h100"), "--passthrough =h100: expected HOST=DEVICE, e.g. 0000:41:00.0=h100");
}

TEST(PassthroughOption, UnknownDeviceFailsListingTheCatalog) {
    const std::string message = message_of("41:00.0=no-such-gpu");
    EXPECT_TRUE(message.starts_with("--passthrough 41:00.0=no-such-gpu: 'no-such-gpu' is not in the passthrough catalog (")) << message;
    EXPECT_NE(message.find("h100"), std::string::npos) << message;
}

TEST(PassthroughOption, CatalogDeviceGivesItsVfioFunction) {
    const auto functions = passthrough_functions({"41:00.0=h100"});
    ASSERT_EQ(functions.count("0000:41:00.0"), 1u);
    EXPECT_EQ(functions.at("0000:41:00.0").driver, "vfio-pci");
    EXPECT_FALSE(functions.at("0000:41:00.0").bars.empty());
}

}  // namespace
}  // namespace aperture::app
