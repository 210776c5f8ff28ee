#include "host/pci_device.hpp"

#include <gtest/gtest.h>

#include "host_test_support.hpp"

namespace aperture {
namespace {

const std::string kDir = "/sys/bus/pci/devices/0000:03:00.0";
const std::string kEmpty = "0x0000000000000000 0x0000000000000000 0x0000000000000000\n";

// An NVMe drive with only the files the kernel always creates: no config, driver, group or resize files.
MemoryHostFiles bare_nvme() {
    MemoryHostFiles files;
    files.add_file(kDir + "/vendor", "0x144d\n")
        .add_file(kDir + "/device", "0xa80a\n")
        .add_file(kDir + "/subsystem_vendor", "0x144d\n")
        .add_file(kDir + "/subsystem_device", "0xa801\n")
        .add_file(kDir + "/class", "0x010802\n")
        .add_file(kDir + "/resource", "0x00000000fb000000 0x00000000fb003fff 0x0000000000140204\n" + kEmpty + kEmpty +
                                          kEmpty + kEmpty + kEmpty + kEmpty);
    return files;
}

std::string config_header(std::uint8_t header_type) {
    std::string config(kConfigHeaderBytes, '\0');
    config[0] = '\x4d';
    config[1] = '\x14';
    config[kConfigHeaderType] = static_cast<char>(header_type);
    config[kConfigSecondaryBus] = '\x04';
    config[kConfigSubordinateBus] = '\x05';
    return config;
}

TEST(HostSysfsDevice, ReadsIdsAndClass) {
    const auto device = read_pci_device(bare_nvme(), "0000:03:00.0");
    EXPECT_EQ(device.vendor_id, 0x144d);
    EXPECT_EQ(device.device_id, 0xa80a);
    EXPECT_EQ(device.subsystem_device_id, 0xa801);
    EXPECT_EQ(device.class_code, 0x010802u);
    EXPECT_EQ(device.class_word(), 0x0108);
}
TEST(HostSysfsDevice, MissingOptionalFilesLeaveFactsUnknown) {
    const auto device = read_pci_device(bare_nvme(), "0000:03:00.0");
    EXPECT_FALSE(device.header_type.has_value());
    EXPECT_FALSE(device.driver.has_value());
    EXPECT_FALSE(device.iommu_group.has_value());
    EXPECT_FALSE(device.parent.has_value());
    EXPECT_TRUE(device.bars[0].resizable_sizes.empty());
}
TEST(HostSysfsDevice, WithoutConfigTheClassDecidesBridge) {
    auto files = bare_nvme();
    files.add_file(kDir + "/class", "0x060400\n");
    EXPECT_TRUE(read_pci_device(files, "0000:03:00.0").is_bridge());
    EXPECT_FALSE(read_pci_device(bare_nvme(), "0000:03:00.0").is_bridge());
}
TEST(HostSysfsDevice, MissingResourceFileIsAnError) {
    auto files = bare_nvme();
    files.remove(kDir + "/resource");
    EXPECT_EQ(test::input_error([&] { read_pci_device(files, "0000:03:00.0"); }),
              kDir + "/resource: cannot be read; the kernel creates it for every PCI function");
}
TEST(HostSysfsDevice, ClassWiderThan24BitsIsRefused) {
    auto files = bare_nvme();
    files.add_file(kDir + "/class", "0x1010802\n");
    EXPECT_EQ(test::input_error([&] { read_pci_device(files, "0000:03:00.0"); }),
              kDir + "/class: expected 0x%06x, got '0x1010802'");
}
TEST(HostSysfsDevice, ConfigHeaderTypeAndMultifunction) {
    auto files = bare_nvme();
    files.add_file(kDir + "/config", config_header(0x80));
    const auto device = read_pci_device(files, "0000:03:00.0");
    EXPECT_EQ(device.header_type, 0x80);
    EXPECT_TRUE(device.multifunction());
    EXPECT_FALSE(device.is_bridge());
    EXPECT_FALSE(device.secondary_bus.has_value());
}
TEST(HostSysfsDevice, BridgeBusNumbersFromConfig) {
    auto files = bare_nvme();
    files.add_file(kDir + "/config", config_header(0x01));
    const auto device = read_pci_device(files, "0000:03:00.0");
    EXPECT_TRUE(device.is_bridge());
    EXPECT_EQ(device.secondary_bus, 0x04);
    EXPECT_EQ(device.subordinate_bus, 0x05);
}
TEST(HostSysfsDevice, AllOnesConfigIsUnknown) {
    auto files = bare_nvme();
    files.add_file(kDir + "/config", std::string(kConfigHeaderBytes, '\xff'));
    EXPECT_FALSE(read_pci_device(files, "0000:03:00.0").header_type.has_value());
}
TEST(HostSysfsDevice, ShortConfigIsRefused) {
    auto files = bare_nvme();
    files.add_file(kDir + "/config", std::string(16, '\0'));
    EXPECT_EQ(test::input_error([&] { read_pci_device(files, "0000:03:00.0"); }),
              kDir + "/config: expected the 64-byte config header, read 16 bytes");
}
TEST(HostSysfsDevice, LinksGiveDriverGroupAndParent) {
    auto files = bare_nvme();
    files.add_link(kDir + "/driver", "../../../../bus/pci/drivers/nvme")
        .add_link(kDir + "/iommu_group", "../../../../kernel/iommu_groups/17")
        .add_link(kDir, "../../../devices/pci0000:00/0000:00:1d.0/0000:03:00.0");
    const auto device = read_pci_device(files, "0000:03:00.0");
    EXPECT_EQ(device.driver, "nvme");
    EXPECT_EQ(device.iommu_group, 17u);
    EXPECT_EQ(device.parent, "0000:00:1d.0");
}
TEST(HostSysfsDevice, RootBusDeviceHasNoParent) {
    auto files = bare_nvme();
    files.add_link(kDir, "../../../devices/pci0000:00/0000:03:00.0");
    EXPECT_FALSE(read_pci_device(files, "0000:03:00.0").parent.has_value());
}
TEST(HostSysfsDevice, ResizeFileAttachesToItsBar) {
    auto files = bare_nvme();
    files.add_file(kDir + "/resource0_resize", "0000000000000003\n");
    EXPECT_EQ(read_pci_device(files, "0000:03:00.0").bars[0].resizable_sizes, (std::vector<u64>{MiB, 2 * MiB}));
}
TEST(HostSysfsDevice, ResizeFileForAnEmptyBarIsRefused) {
    auto files = bare_nvme();
    files.add_file(kDir + "/resource2_resize", "0000000000000003\n");
    EXPECT_EQ(test::input_error([&] { read_pci_device(files, "0000:03:00.0"); }),
              kDir + "/resource2_resize: names BAR 2, which the resource file lists as empty");
}
TEST(HostSysfsDevice, NonAddressEntryInDevicesIsRefused) {
    auto files = bare_nvme();
    files.add_file("/sys/bus/pci/devices/not-a-device/vendor", "0x1\n");
    EXPECT_THROW(read_pci_devices(files), InputError);
}

TEST(HostSysfsAddress, Shapes) {
    EXPECT_TRUE(is_pci_address("0000:41:00.0"));
    EXPECT_TRUE(is_pci_address("10000:e1:00.0"));  // an Intel VMD domain
    EXPECT_FALSE(is_pci_address("0000:41:00.8"));
    EXPECT_FALSE(is_pci_address("0000:41:00"));
    EXPECT_FALSE(is_pci_address("0000:4G:00.0"));
}

}  // namespace
}  // namespace aperture

namespace aperture {
namespace {

// An Intel iGPU at 00:02.0 whose config file is `config`: 64 bytes as a user reads it, 256 as root.
MemoryHostFiles igpu(const std::string& config) {
    const std::string dir = "/sys/bus/pci/devices/0000:00:02.0";
    MemoryHostFiles files;
    files.add_file(dir + "/vendor", "0x8086\n")
        .add_file(dir + "/device", "0x3e92\n")
        .add_file(dir + "/subsystem_vendor", "0x8086\n")
        .add_file(dir + "/subsystem_device", "0x2212\n")
        .add_file(dir + "/class", "0x030000\n")
        .add_file(dir + "/resource", kEmpty + kEmpty + kEmpty + kEmpty + kEmpty + kEmpty + kEmpty)
        .add_file(dir + "/config", config);
    return files;
}

std::string igpu_config(std::size_t bytes) {
    std::string config(bytes, '\0');
    config[0] = '\x86';
    config[1] = '\x80';
    if (bytes > kIgdAslsOffset) {
        const auto put = [&](std::size_t offset, std::uint32_t value) {
            for (std::size_t i = 0; i < 4; ++i) config[offset + i] = static_cast<char>((value >> (8 * i)) & 0xff);
        };
        put(kIgdGmchOffset, 0x000002c0);
        put(kIgdBdsmOffset, 0x8b800001);
        put(kIgdAslsOffset, 0x8a6f2018);
    }
    return config;
}

TEST(HostSysfsDevice, ARootReadGivesTheIgdRegistersLittleEndian) {
    const auto device = read_pci_device(igpu(igpu_config(kConfigLegacyBytes)), "0000:00:02.0");
    ASSERT_TRUE(device.igd.has_value());
    EXPECT_EQ(device.igd->gmch, 0x000002c0u);
    EXPECT_EQ(device.igd->bdsm, 0x8b800001u);
    EXPECT_EQ(device.igd->asls, 0x8a6f2018u);
}

TEST(HostSysfsDevice, AUserReadLeavesTheIgdRegistersUnknown) {
    EXPECT_FALSE(read_pci_device(igpu(igpu_config(kConfigHeaderBytes)), "0000:00:02.0").igd.has_value());
}

TEST(HostSysfsDevice, OnlyIntelVgaFunctionsHaveIgdRegisters) {
    auto files = igpu(igpu_config(kConfigLegacyBytes));
    files.add_file("/sys/bus/pci/devices/0000:00:02.0/class", "0x038000\n");  // display, not VGA
    EXPECT_FALSE(read_pci_device(files, "0000:00:02.0").igd.has_value());
}

}  // namespace
}  // namespace aperture
