// Global properties as QEMU applies them (hw/core/qdev.c qdev_prop_set_globals): a global names a QOM type and
// reaches every device that is or derives from it, or embeds it (a virtio proxy's virtio device); an optional
// one only where the device has the property; the device's own properties win.
#include "machine/device_globals.hpp"

#include <gtest/gtest.h>

#include "devices/device_model.hpp"

namespace aperture {
namespace {

DeviceSpec device(const std::string& driver) {
    DeviceSpec d;
    d.driver = driver;
    return d;
}

GlobalSpec global(const std::string& driver, const std::string& property, const std::string& value, bool optional = false) {
    return GlobalSpec{driver, property, value, {"test"}, optional};
}

TEST(DeviceGlobals, AbstractTypesReachTheirDevices) {
    const std::vector<GlobalSpec> compat{global("virtio-pci", "page-per-vq", "on"), global("virtio-blk-device", "discard", "false"),
                                         global("virtio-net-pci-base", "vectors", "3"), global("pci-bridge", "shpc", "off")};
    EXPECT_EQ(*with_globals(device("virtio-net-pci-transitional"), compat, {}).properties.find("page-per-vq"), "on");
    EXPECT_EQ(*with_globals(device("virtio-net-pci-non-transitional"), compat, {}).properties.find("vectors"), "3");
    EXPECT_EQ(*with_globals(device("virtio-blk-pci"), compat, {}).properties.find("discard"), "false");
    EXPECT_FALSE(with_globals(device("virtio-net-pci"), compat, {}).properties.has("discard"));
    EXPECT_EQ(*with_globals(device("pci-bridge-seat"), compat, {}).properties.find("shpc"), "off");
    EXPECT_TRUE(with_globals(device("e1000"), compat, {}).properties.entries.empty());
}

TEST(DeviceGlobals, OptionalOnlyWhereThePropertyExists) {
    const std::vector<GlobalSpec> compat{global("virtio-pci", "disable-modern", "on", true)};
    EXPECT_EQ(*with_globals(device("virtio-net-pci"), compat, {}).properties.find("disable-modern"), "on");
    EXPECT_FALSE(with_globals(device("virtio-net-pci-transitional"), compat, {}).properties.has("disable-modern"));
}

TEST(DeviceGlobals, OrderCompatThenGlobalThenDevice) {
    const std::vector<GlobalSpec> compat{global("virtio-pci", "page-per-vq", "on")};
    const std::vector<GlobalSpec> user{global("virtio-net-pci", "page-per-vq", "off")};
    EXPECT_EQ(*with_globals(device("virtio-net-pci"), compat, user).properties.find("page-per-vq"), "off");
    DeviceSpec own = device("virtio-net-pci");
    own.properties.entries.emplace_back("page-per-vq", "on");
    EXPECT_EQ(*with_globals(own, compat, user).properties.find("page-per-vq"), "on");
}

}  // namespace
}  // namespace aperture
