#include "host/host_files.hpp"

#include <gtest/gtest.h>

#include "host_test_support.hpp"

namespace aperture {
namespace {

const std::string kA100 = "/sys/bus/pci/devices/0000:41:00.0";

TEST(HostFilesRooted, ReadsThroughSysfsLinks) {
    const RootedHostFiles files(test::host_fixture("amd-epyc-a100"));
    EXPECT_EQ(files.read(kA100 + "/vendor"), "0x10de\n");
}
TEST(HostFilesRooted, MissingFileIsNullopt) {
    const RootedHostFiles files(test::host_fixture("amd-epyc-a100"));
    EXPECT_FALSE(files.read(kA100 + "/no-such-attribute").has_value());
}
TEST(HostFilesRooted, DirectoryIsNotReadable) {
    const RootedHostFiles files(test::host_fixture("amd-epyc-a100"));
    EXPECT_FALSE(files.read("/sys/bus/pci/devices").has_value());
}
TEST(HostFilesRooted, ReadPrefixStopsAtLimit) {
    const RootedHostFiles files(test::host_fixture("amd-epyc-a100"));
    EXPECT_EQ(files.read_prefix(kA100 + "/config", 4)->size(), 4u);
}
TEST(HostFilesRooted, ListIsSorted) {
    const RootedHostFiles files(test::host_fixture("amd-epyc-a100"));
    EXPECT_EQ(files.list("/sys/bus/pci/devices"),
              (std::vector<std::string>{"0000:40:00.0", "0000:40:01.1", "0000:41:00.0"}));
}
TEST(HostFilesRooted, LinkTargetIsRelativeAsStored) {
    const RootedHostFiles files(test::host_fixture("amd-epyc-a100"));
    EXPECT_EQ(files.link_target(kA100 + "/driver"), "../../../../bus/pci/drivers/vfio-pci");
}
TEST(HostFilesRooted, DescribeNamesTheRealFile) {
    const RootedHostFiles files("/srv/host-copy");
    EXPECT_EQ(files.describe("/proc/iomem"), "/srv/host-copy/proc/iomem");
    EXPECT_EQ(files.describe("/"), "/srv/host-copy");
}

TEST(HostFilesMemory, ListsDirectChildrenOfFilesAndLinks) {
    MemoryHostFiles files;
    files.add_file("/sys/a/x/vendor", "0x1").add_link("/sys/a/y", "../z").add_file("/sys/ab/q", "");
    EXPECT_EQ(files.list("/sys/a"), (std::vector<std::string>{"x", "y"}));
}
TEST(HostFilesMemory, DirectoryExistsWhenSomethingLiesUnderIt) {
    MemoryHostFiles files;
    files.add_file("/sys/class/iommu/dmar0/intel-iommu/cap", "0");
    EXPECT_TRUE(files.exists("/sys/class/iommu/dmar0/intel-iommu"));
    EXPECT_FALSE(files.exists("/sys/class/iommu/dmar0/amd-iommu"));
}

}  // namespace
}  // namespace aperture
