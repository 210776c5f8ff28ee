#include "host/iommu.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "host_test_support.hpp"

namespace aperture {
namespace {

// Register values from dmesg ("DMAR: dmar2: ... cap d2008c40660462") and Intel datasheets.
constexpr u64 kAlderLakeCap = 0xd2008c40660462;         // MGAW 39, SAGAW 4-level
constexpr u64 kSandyBridgeCap = 0xc9008020630272;       // MGAW 36, SAGAW 3-level (datasheet CAP_REG reset value)
constexpr u64 kSapphireRapidsCap = 0x19ed008c40780c66;  // MGAW 57, SAGAW 4- and 5-level

TEST(HostIommu, AlderLakeMgawIs39) { EXPECT_EQ(intel_mgaw(kAlderLakeCap), 39u); }
TEST(HostIommu, AlderLakeSagawIsFourLevel) {
    EXPECT_EQ(intel_sagaw(kAlderLakeCap), 0b00100u);
    EXPECT_EQ(intel_sagaw_widths(kAlderLakeCap), std::vector<unsigned>{48});
}
TEST(HostIommu, DomainWidthIsCappedByMgaw) { EXPECT_EQ(intel_domain_width(kAlderLakeCap), 39u); }
TEST(HostIommu, SandyBridgeMgawIs36) {
    EXPECT_EQ(intel_mgaw(kSandyBridgeCap), 36u);
    EXPECT_EQ(intel_sagaw_widths(kSandyBridgeCap), std::vector<unsigned>{39});
    EXPECT_EQ(intel_domain_width(kSandyBridgeCap), 36u);
}
TEST(HostIommu, SapphireRapidsFiveLevel) {
    EXPECT_EQ(intel_mgaw(kSapphireRapidsCap), 57u);
    EXPECT_EQ(intel_sagaw_widths(kSapphireRapidsCap), (std::vector<unsigned>{48, 57}));
    EXPECT_EQ(intel_domain_width(kSapphireRapidsCap), 57u);
}
TEST(HostIommu, DomainWidthIsCappedBySagaw) {
    const u64 cap = (u64{56} << 16) | (u64{0b00100} << 8);  // MGAW 57, SAGAW 4-level only
    EXPECT_EQ(intel_domain_width(cap), 48u);
}
TEST(HostIommu, NoUsableSagawHasNoDomainWidth) {
    EXPECT_FALSE(intel_domain_width(u64{0b10000} << 8).has_value());  // only the 6-level bit, above 57 bits
}

TEST(HostIommu, ParsesReservedRegions) {
    const auto regions = parse_reserved_regions(
        "0x00000000fee00000 0x00000000feefffff msi\n0x000000fd00000000 0x000000ffffffffff reserved\n", "rr");
    ASSERT_EQ(regions.size(), 2u);
    EXPECT_EQ(regions[1].range, AddressRange::from_first_and_last(0xfd00000000, 0xffffffffff));
    EXPECT_EQ(regions[1].type, "reserved");
    EXPECT_EQ(regions[1].range.size(), 12 * GiB);
}
TEST(HostIommu, ReservedRegionBadHexNamesFileAndLine) {
    const std::string message = test::input_error([] {
        parse_reserved_regions("0x00000000fee00000 0x00000000feefffff msi\n0xfd0000000x 0xff reserved\n", "/g/rr");
    });
    EXPECT_EQ(message,
              "/g/rr:2: expected '<start> <end> <type>' with 0x-prefixed hex addresses, got "
              "'0xfd0000000x 0xff reserved'");
}
TEST(HostIommu, ReservedRegionInvertedIsRefused) {
    EXPECT_THROW(parse_reserved_regions("0x0000000000002000 0x0000000000001fff direct\n", "rr"), InputError);
}
// A snapshot's range has a size, and no size reaches 2^64: such a region is refused, not written with its
// size wrapped to 0 (fuzz_host_probe).
TEST(HostIommu, ReservedRegionOfAll2To64IsRefused) {
    EXPECT_EQ(test::input_error([] { parse_reserved_regions("0x0000000000000000 0xffffffffffffffff direct\n", "/g/rr"); }),
              "/g/rr:1: the region covers all 2^64 addresses");
    EXPECT_EQ(parse_reserved_regions("0x0000000000000001 0xffffffffffffffff direct\n", "rr")[0].range.size(), ~u64{0});
}
// Types are merged by name and a snapshot holds UTF-8, so a type outside the kernel's words is refused
// rather than merged one way when probed and another when read back (fuzz_host_probe).
TEST(HostIommu, ReservedRegionTypeMustBeAKernelWord) {
    EXPECT_EQ(test::input_error([] { parse_reserved_regions("0x00000000fee00000 0x00000000feefffff \xdf\xdfmsi\n", "/g/rr"); }),
              "/g/rr:1: expected a region type of lowercase letters, digits and '-' (the kernel's: direct, direct-relaxable, "
              "reserved, msi), got '\xdf\xdfmsi'");
    EXPECT_EQ(parse_reserved_regions("0x00000000fee00000 0x00000000feefffff direct-relaxable\n", "rr")[0].type, "direct-relaxable");
}
TEST(HostIommu, GroupsReservingAll2To64TogetherAreRefused) {
    MemoryHostFiles files;
    files.add_file("/sys/kernel/iommu_groups/0/reserved_regions", "0x0000000000000000 0x7fffffffffffffff direct\n")
        .add_file("/sys/kernel/iommu_groups/1/reserved_regions", "0x8000000000000000 0xffffffffffffffff direct\n");
    EXPECT_EQ(test::input_error([&] { read_iommu(files); }),
              "/sys/kernel/iommu_groups: the groups' direct regions together cover all 2^64 addresses");
    files.add_file("/sys/kernel/iommu_groups/1/reserved_regions", "0x8000000000000000 0xffffffffffffffff msi\n");
    EXPECT_EQ(read_iommu(files).groups.size(), 2u);  // two types are not merged
}

TEST(HostIommu, MergeFoldsDuplicatesAcrossGroups) {
    const ReservedRegion msi{AddressRange::from_first_and_last(0xfee00000, 0xfeefffff), "msi"};
    const auto merged = merged_reserved_regions({IommuGroup{1, {msi}, {}}, IommuGroup{2, {msi}, {}}});
    EXPECT_EQ(merged, std::vector<ReservedRegion>{msi});
}
TEST(HostIommu, MergeJoinsTouchingRegionsOfOneType) {
    const ReservedRegion low{AddressRange::from_first_and_last(0x1000, 0x1fff), "direct"};
    const ReservedRegion high{AddressRange::from_first_and_last(0x2000, 0x2fff), "direct"};
    const auto merged = merged_reserved_regions({IommuGroup{1, {high}, {}}, IommuGroup{2, {low}, {}}});
    EXPECT_EQ(merged, (std::vector<ReservedRegion>{{AddressRange::from_first_and_last(0x1000, 0x2fff), "direct"}}));
}
TEST(HostIommu, MergeKeepsTypesApart) {
    const ReservedRegion direct{AddressRange::from_first_and_last(0x1000, 0x1fff), "direct"};
    const ReservedRegion reserved{AddressRange::from_first_and_last(0x1800, 0x2fff), "reserved"};
    EXPECT_EQ(merged_reserved_regions({IommuGroup{1, {direct, reserved}, {}}}).size(), 2u);
}
TEST(HostIommu, MergeReachingTheTopOfTheSpace) {
    const ReservedRegion top{AddressRange::from_first_and_last(0xffff'ffff'0000'0000, ~u64{0}), "reserved"};
    const ReservedRegion inside{AddressRange::from_first_and_last(0xffff'ffff'8000'0000, 0xffff'ffff'8fff'ffff),
                                "reserved"};
    EXPECT_EQ(merged_reserved_regions({IommuGroup{1, {top, inside}, {}}}), std::vector<ReservedRegion>{top});
}

TEST(HostIommu, ReadsUnitsAndGroupsFromFiles) {
    MemoryHostFiles files;
    files.add_file("/sys/class/iommu/dmar1/intel-iommu/cap", "d2008c40660462\n")
        .add_file("/sys/class/iommu/dmar1/intel-iommu/ecap", "f050da\n")
        .add_file("/sys/class/iommu/ivhd0/amd-iommu/cap", "190b0\n")
        .add_file("/sys/kernel/iommu_groups/10/reserved_regions", "0x00000000fee00000 0x00000000feefffff msi\n")
        .add_link("/sys/kernel/iommu_groups/10/devices/0000:01:00.0", "../../../../devices/pci0000:00/0000:01:00.0")
        .add_file("/sys/kernel/iommu_groups/9/reserved_regions", "");
    const IommuInfo iommu = read_iommu(files);
    ASSERT_EQ(iommu.units.size(), 2u);
    EXPECT_EQ(iommu.units[0], (IommuUnit{"dmar1", IommuVendor::Intel, 0xd2008c40660462, 0xf050da}));
    EXPECT_EQ(iommu.units[1], (IommuUnit{"ivhd0", IommuVendor::Amd, std::nullopt, std::nullopt}));
    ASSERT_EQ(iommu.groups.size(), 2u);
    EXPECT_EQ(iommu.groups[0].id, 9u);  // numeric order, not "10" < "9"
    EXPECT_EQ(iommu.groups[1].devices, std::vector<std::string>{"0000:01:00.0"});
}
TEST(HostIommu, MalformedCapNamesTheFile) {
    MemoryHostFiles files;
    files.add_file("/sys/class/iommu/dmar0/intel-iommu/cap", "0xd2008c40660462\n");
    EXPECT_EQ(test::input_error([&] { read_iommu(files); }),
              "/sys/class/iommu/dmar0/intel-iommu/cap: expected a register value in hex without 0x (\"%llx\")");
}

}  // namespace
}  // namespace aperture
