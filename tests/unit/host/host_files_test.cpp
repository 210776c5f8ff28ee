#include "host/host_files.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "host_test_support.hpp"

namespace aperture {
namespace {

const std::string kA100 = "/sys/bus/pci/devices/0000:41:00.0";

// A scratch --root tree, removed at the end of the test.
class ScratchRoot {
public:
    ScratchRoot() {
        std::string pattern = (std::filesystem::temp_directory_path() / "aperture-root-XXXXXX").string();
        path_ = ::mkdtemp(pattern.data());
        std::filesystem::create_directories(path_ / "proc");
    }
    ~ScratchRoot() { std::filesystem::remove_all(path_); }
    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
};

TEST(HostFilesRooted, ReadsThroughSysfsLinks) {
    const RootedHostFiles files(test::host_fixture("amd-epyc-a100"));
    EXPECT_EQ(files.read(kA100 + "/vendor", kKernelAttributeMaxBytes), "0x10de\n");
}
TEST(HostFilesRooted, MissingFileIsNullopt) {
    const RootedHostFiles files(test::host_fixture("amd-epyc-a100"));
    EXPECT_FALSE(files.read(kA100 + "/no-such-attribute", kKernelAttributeMaxBytes).has_value());
}
TEST(HostFilesRooted, DirectoryIsRefusedNamingTheFile) {
    const RootedHostFiles files(test::host_fixture("amd-epyc-a100"));
    EXPECT_EQ(test::input_error([&] { files.read("/sys/bus/pci/devices", kKernelAttributeMaxBytes); }),
              files.describe("/sys/bus/pci/devices") + ": a directory, not a regular file as the kernel provides it");
}
TEST(HostFilesRooted, FifoIsRefusedWithoutBlocking) {
    const ScratchRoot root;
    ASSERT_EQ(::mkfifo((root.path() / "proc/iomem").c_str(), 0600), 0);
    const RootedHostFiles files(root.path().string());
    EXPECT_EQ(test::input_error([&] { files.read("/proc/iomem", kProcTableMaxBytes); }),
              files.describe("/proc/iomem") + ": a FIFO, not a regular file as the kernel provides it");
}
TEST(HostFilesRooted, DeviceIsRefusedWithoutReading) {
    const ScratchRoot root;
    std::filesystem::create_symlink("/dev/zero", root.path() / "proc/cpuinfo");
    const RootedHostFiles files(root.path().string());
    EXPECT_EQ(test::input_error([&] { files.read("/proc/cpuinfo", kProcTableMaxBytes); }),
              files.describe("/proc/cpuinfo") + ": a device or socket, not a regular file as the kernel provides it");
}
TEST(HostFilesRooted, FileLargerThanItsBoundIsRefused) {
    const ScratchRoot root;
    std::ofstream(root.path() / "proc/iomem") << std::string(kKernelAttributeMaxBytes + 1, 'x');
    const RootedHostFiles files(root.path().string());
    EXPECT_EQ(test::input_error([&] { files.read("/proc/iomem", kKernelAttributeMaxBytes); }),
              files.describe("/proc/iomem") + ": larger than 65536 bytes, the most aperture reads of this file");
}
TEST(HostFilesRooted, FileOfExactlyItsBoundIsRead) {
    const ScratchRoot root;
    std::ofstream(root.path() / "proc/iomem") << std::string(kKernelAttributeMaxBytes, 'x');
    const RootedHostFiles files(root.path().string());
    EXPECT_EQ(files.read("/proc/iomem", kKernelAttributeMaxBytes)->size(), kKernelAttributeMaxBytes);
}
TEST(HostFilesRooted, ProcfsFileOfStatSizeZeroIsReadWhole) {
    // procfs files stat as size 0: the bound must count bytes read, never trust st_size.
    const RootedHostFiles files("/");
    struct stat info {};
    ASSERT_EQ(::stat("/proc/self/limits", &info), 0);
    ASSERT_EQ(info.st_size, 0);
    const auto limits = files.read("/proc/self/limits", kKernelAttributeMaxBytes);
    ASSERT_TRUE(limits.has_value());
    EXPECT_TRUE(limits->starts_with("Limit"));
}
TEST(HostFilesMemory, FileLargerThanItsBoundIsRefused) {
    MemoryHostFiles files;
    files.add_file("/proc/iomem", std::string(11, 'x'));
    EXPECT_EQ(test::input_error([&] { files.read("/proc/iomem", 10); }), "/proc/iomem: larger than 10 bytes, the most aperture reads of this file");
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
