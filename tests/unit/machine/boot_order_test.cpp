// QEMU's bootorder as the machine build collects it; expectations are QEMU 7.2's own answers.
#include "machine/boot_order.hpp"

#include <gtest/gtest.h>

namespace aperture {
namespace {

DeviceSpec device(const std::string& written, std::vector<std::pair<std::string, std::string>> properties) {
    DeviceSpec d;
    d.driver = written.substr(0, written.find(','));
    d.written = written;
    d.properties.entries = std::move(properties);
    return d;
}

TEST(BootIndex, ReadsTheWaysStrtollDoes) {
    EXPECT_EQ(parse_bootindex("1").value, 1);
    EXPECT_EQ(parse_bootindex("010").value, 8);  // octal: "010" and "8" collide in QEMU
    EXPECT_EQ(parse_bootindex("0x10").value, 16);
    EXPECT_EQ(parse_bootindex("-0x2").value, -2);
    EXPECT_EQ(parse_bootindex(" 5").value, 5);
    EXPECT_EQ(parse_bootindex("-2147483648").value, -2147483647 - 1);
}

TEST(BootIndex, RefusesWhatQemuRefuses) {
    EXPECT_STREQ(parse_bootindex("abc").refusal, "expects integer");
    EXPECT_STREQ(parse_bootindex("").refusal, "expects integer");
    EXPECT_STREQ(parse_bootindex("1x").refusal, "expects integer");
    EXPECT_STREQ(parse_bootindex("3000000000").refusal, "expects int32_t");
    EXPECT_STREQ(parse_bootindex("-2147483649").refusal, "expects int32_t");
}

TEST(BootOrder, ARepeatedIndexIsQemusRefusal) {
    BootOrder order;
    EXPECT_EQ(order.add(device("virtio-net-pci,bootindex=010", {{"bootindex", "010"}})), "");
    EXPECT_EQ(order.add(device("e1000,bootindex=8", {{"bootindex", "8"}})), "-device e1000,bootindex=8: The bootindex 8 has already been used");
}

TEST(BootOrder, NegativeIndicesStayOutOfTheList) {
    BootOrder order;
    EXPECT_EQ(order.add(device("e1000,bootindex=-2", {{"bootindex", "-2"}})), "");
    EXPECT_EQ(order.add(device("e1000,bootindex=-0x2", {{"bootindex", "-0x2"}})), "");
    EXPECT_FALSE(order.halts(true));
}

TEST(BootOrder, HaltsOnlyWhenStrictAndSomethingBoots) {
    BootOrder order;
    EXPECT_FALSE(order.halts(true));
    order.add(device("virtio-blk-pci,bootindex=1", {{"bootindex", "1"}}));
    EXPECT_FALSE(order.halts(false));
    EXPECT_TRUE(order.halts(true));
}

TEST(BootOrder, AnUnreadableIndexNamesTheOption) {
    BootOrder order;
    EXPECT_EQ(order.add(device("virtio-net-pci,bootindex=abc", {{"bootindex", "abc"}})),
              "-device virtio-net-pci,bootindex=abc: Parameter 'bootindex' expects integer");
}

TEST(BootOrder, FloppyDrivesCountThroughTheControllersProperties) {
    BootOrder order;
    order.add(device("isa-fdc", {{"bootindexA", "1"}}));
    EXPECT_TRUE(order.halts(true));
    EXPECT_TRUE(in_bootorder(PropertyList{{{"bootindexB", "0"}}}));
    EXPECT_FALSE(in_bootorder(PropertyList{{{"bootindex", "-1"}}}));
}

}  // namespace
}  // namespace aperture
