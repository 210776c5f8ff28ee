#include "input/proxmox/pve_config_files.hpp"

#include <gtest/gtest.h>

namespace aperture {
namespace {

const QemuConfigSection& section(const std::vector<QemuConfigSection>& file, const std::string& id) {
    for (const auto& s : file) {
        if (s.id == id) return s;
    }
    throw std::runtime_error("no section " + id);
}

std::string value(const QemuConfigSection& s, const std::string& key) {
    for (const auto& e : s.entries) {
        if (e.key == key) return e.value;
    }
    return "(none)";
}

TEST(PveConfigFiles, OnlyQemuServersOwnPathsHaveACopy) {
    EXPECT_NE(builtin_pve_config("/usr/share/qemu-server/pve-q35-4.0.cfg"), nullptr);
    EXPECT_NE(builtin_pve_config("/usr/share/qemu-server/pve-q35.cfg"), nullptr);
    EXPECT_NE(builtin_pve_config("/usr/share/qemu-server/pve-usb.cfg"), nullptr);
    EXPECT_EQ(builtin_pve_config("/tmp/pve-q35-4.0.cfg"), nullptr);
    EXPECT_EQ(builtin_pve_config("/usr/share/qemu-server/bootsplash.jpg"), nullptr);
}

TEST(PveConfigFiles, Q35FourPointZeroHasEighteenDevices) {
    EXPECT_EQ(builtin_pve_config("/usr/share/qemu-server/pve-q35-4.0.cfg")->size(), 18u);
}

TEST(PveConfigFiles, Q35FourPointZeroRootPortOneIsAGenericRootPortAt1c0) {
    const auto& port = section(*builtin_pve_config("/usr/share/qemu-server/pve-q35-4.0.cfg"), "ich9-pcie-port-1");
    EXPECT_EQ(port.line, 70u);
    EXPECT_EQ(value(port, "driver"), "pcie-root-port");
    EXPECT_EQ(value(port, "addr"), "1c.0");
    EXPECT_EQ(value(port, "chassis"), "1");
    EXPECT_EQ(value(port, "x-speed"), "16");
}

TEST(PveConfigFiles, OlderQ35FileUsesIoh3420Ports) {
    const auto& port = section(*builtin_pve_config("/usr/share/qemu-server/pve-q35.cfg"), "ich9-pcie-port-4");
    EXPECT_EQ(port.line, 92u);
    EXPECT_EQ(value(port, "driver"), "ioh3420");
    EXPECT_EQ(value(port, "addr"), "1c.3");
}

TEST(PveConfigFiles, PciBridgesSitBehindTheDmiBridge) {
    const auto& file = *builtin_pve_config("/usr/share/qemu-server/pve-q35-4.0.cfg");
    EXPECT_EQ(value(section(file, "pcidmi"), "driver"), "i82801b11-bridge");
    EXPECT_EQ(value(section(file, "pcidmi"), "addr"), "1e.0");
    const auto& bridge = section(file, "pci.3");
    EXPECT_EQ(bridge.line, 159u);
    EXPECT_EQ(value(bridge, "bus"), "pcidmi");
    EXPECT_EQ(value(bridge, "addr"), "4.0");
    EXPECT_EQ(value(bridge, "chassis_nr"), "4");
}

TEST(PveConfigFiles, EntriesFollowTheirSectionLineByLine) {
    const auto& uhci = section(*builtin_pve_config("/usr/share/qemu-server/pve-usb.cfg"), "uhci-3");
    EXPECT_EQ(uhci.line, 20u);
    ASSERT_EQ(uhci.entries.size(), 5u);
    EXPECT_EQ(uhci.entries.back().key, "firstport");
    EXPECT_EQ(uhci.entries.back().line, 25u);
}

}  // namespace
}  // namespace aperture
