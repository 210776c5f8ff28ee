#include "host/cpuinfo.hpp"

#include <gtest/gtest.h>

namespace aperture {
namespace {

// The first lines of an AMD processor block, in proc.c's "key\t: value" layout.
const std::string kEpyc =
    "processor\t: 0\n"
    "vendor_id\t: AuthenticAMD\n"
    "model name\t: AMD EPYC 9654 96-Core Processor\n"
    "flags\t\t: fpu pdpe1gb svm la57 npt\n"
    "address sizes\t: 52 bits physical, 57 bits virtual\n"
    "\n"
    "processor\t: 1\n"
    "vendor_id\t: AuthenticAMD\n"
    "address sizes\t: 43 bits physical, 57 bits virtual\n";

TEST(HostCpuinfo, ReadsVendorModelAndWidths) {
    const auto cpu = parse_cpuinfo_details(kEpyc);
    EXPECT_EQ(cpu.vendor, "AuthenticAMD");
    EXPECT_EQ(cpu.model_name, "AMD EPYC 9654 96-Core Processor");
    EXPECT_EQ(cpu.phys_bits, 52u);
    EXPECT_EQ(cpu.virt_bits, 57u);
}
TEST(HostCpuinfo, TakesTheFirstProcessorsValues) { EXPECT_EQ(parse_cpuinfo_details(kEpyc).phys_bits, 52u); }
TEST(HostCpuinfo, ReadsTheFlagsThatMatter) {
    const auto flags = parse_cpuinfo_details(kEpyc).flags;
    EXPECT_TRUE(flags.pdpe1gb);
    EXPECT_TRUE(flags.la57);
    EXPECT_TRUE(flags.svm);
    EXPECT_TRUE(flags.npt);
    EXPECT_FALSE(flags.vmx);
    EXPECT_FALSE(flags.ept);
}
TEST(HostCpuinfo, FlagsMatchWholeWordsOnly) {
    const auto flags = parse_cpuinfo_details("flags\t\t: ept_ad ept_x_only nptx\n").flags;
    EXPECT_FALSE(flags.ept);
    EXPECT_FALSE(flags.npt);
}
TEST(HostCpuinfo, EptOnTheVmxFlagsLine) {
    EXPECT_TRUE(parse_cpuinfo_details("flags\t\t: vmx\nvmx flags\t: vnmi ept vpid\n").flags.ept);
}
TEST(HostCpuinfo, MalformedAddressSizesLeaveWidthsUnknown) {
    const auto cpu = parse_cpuinfo_details("vendor_id\t: GenuineIntel\naddress sizes\t: 39 bits\n");
    EXPECT_FALSE(cpu.phys_bits.has_value());
    EXPECT_FALSE(cpu.virt_bits.has_value());
}
TEST(HostCpuinfo, WidthAbove64IsUnknown) {
    EXPECT_FALSE(parse_cpuinfo_details("address sizes\t: 65 bits physical, 48 bits virtual\n").phys_bits.has_value());
}
TEST(HostCpuinfo, HostCpuNeedsVendorAndPhysBits) {
    EXPECT_FALSE(parse_cpuinfo("vendor_id\t: GenuineIntel\n").has_value());
    const auto cpu = parse_cpuinfo("vendor_id\t: GenuineIntel\naddress sizes\t: 39 bits physical, 48 bits virtual\n");
    ASSERT_TRUE(cpu.has_value());
    EXPECT_EQ(cpu->vendor, "GenuineIntel");
    EXPECT_EQ(cpu->phys_bits, 39u);
}

}  // namespace
}  // namespace aperture
