// The dpkg database and the kernel release: the stanzas the probe reads, Debian versions to upstream
// ones, and what the fixture trees record (a modelled stack, an older one, none).
#include "host/installed_packages.hpp"

#include <gtest/gtest.h>

#include "host_test_support.hpp"

namespace aperture {
namespace {

constexpr const char* kStatus =
    "Package: adduser\n"
    "Status: install ok installed\n"
    "Version: 3.134\n"
    "Description: add and remove users\n"
    " Package: seabios\n"  // a continuation line that looks like a field: not a stanza
    "\n"
    "Package: qemu-system-x86\n"
    "Status: install ok installed\n"
    "Architecture: amd64\n"
    "Version: 1:10.0.2+ds-2+deb13u1~bpo12+1\n"
    "\n"
    "Package: ovmf\n"
    "Status: deinstall ok config-files\n"
    "Version: 2022.11-6+deb12u2\n"
    "\n"
    "Package: ovmf-generic\n"
    "Status: purge ok not-installed\n";

TEST(InstalledPackages, ReadsTheWatchedStanzasOnly) {
    const auto packages = parse_dpkg_status(kStatus, "status");
    ASSERT_EQ(packages.size(), 3u);
    EXPECT_EQ(packages[0], (InstalledPackage{"qemu-system-x86", "install ok installed", "1:10.0.2+ds-2+deb13u1~bpo12+1"}));
    EXPECT_EQ(packages[1].name, "ovmf");
    EXPECT_EQ(packages[2], (InstalledPackage{"ovmf-generic", "purge ok not-installed", ""}));
}

TEST(InstalledPackages, OnlyTheInstalledStateCounts) {
    HostSoftware software;
    software.packages = parse_dpkg_status(kStatus, "status");
    ASSERT_NE(software.installed("qemu-system-x86"), nullptr);
    EXPECT_EQ(software.installed("ovmf"), nullptr);          // removed, its configuration kept
    EXPECT_EQ(software.installed("ovmf-generic"), nullptr);  // only remembered
    EXPECT_EQ(software.installed("seabios"), nullptr);       // absent
    EXPECT_EQ(HostSoftware{}.installed("qemu-system-x86"), nullptr);  // no database
}

TEST(InstalledPackages, CrlfAndAFinalStanzaWithoutBlankLine) {
    const auto packages = parse_dpkg_status("Package: seabios\r\nStatus: install ok installed\r\nVersion: 1.16.3-2\r\n", "status");
    ASSERT_EQ(packages.size(), 1u);
    EXPECT_EQ(packages[0].version, "1.16.3-2");
}

TEST(InstalledPackages, InstalledWithoutVersionNamesTheFileAndLine) {
    const std::string message = test::input_error([] {
        parse_dpkg_status("Package: adduser\nStatus: install ok installed\nVersion: 3.134\n\nPackage: seabios\nStatus: install ok installed\n",
                          "/var/lib/dpkg/status");
    });
    EXPECT_EQ(message, "/var/lib/dpkg/status:5: the installed package seabios has no Version field");
}

TEST(InstalledPackages, AMalformedLineMattersOnlyInAWatchedStanza) {
    EXPECT_TRUE(parse_dpkg_status("Package: adduser\ngarbage\nStatus: install ok installed\n", "status").empty());
    const std::string message =
        test::input_error([] { parse_dpkg_status("Package: seabios\nStatus: install ok installed\nno colon here\nVersion: 1\n", "status"); });
    EXPECT_EQ(message, "status:3: expected a 'Field: value' line in the stanza of seabios");
}

TEST(InstalledPackages, UpstreamVersionOfDebianVersions) {
    EXPECT_EQ(upstream_version("1:10.0.2+ds-2+deb13u1~bpo12+1"), "10.0.2");
    EXPECT_EQ(upstream_version("1:7.2+dfsg-7+deb12u18+b3"), "7.2");
    EXPECT_EQ(upstream_version("1.16.3-2"), "1.16.3");
    EXPECT_EQ(upstream_version("2022.11-6+deb12u2"), "2022.11");
    EXPECT_EQ(upstream_version("1:8.2.2+ds-0ubuntu1"), "8.2.2");
    EXPECT_EQ(upstream_version("1.16.3"), "1.16.3");  // a native version has no revision
}

TEST(InstalledPackages, ReadThroughHostFiles) {
    MemoryHostFiles files;
    files.add_file(kKernelReleaseFile, "6.1.0-28-amd64\n");
    files.add_file(kDpkgStatusFile, kStatus);
    const HostSoftware software = read_host_software(files);
    EXPECT_EQ(software.kernel_release, "6.1.0-28-amd64");
    ASSERT_TRUE(software.packages);
    EXPECT_EQ(software.packages->size(), 3u);
}

TEST(InstalledPackages, NoDatabaseIsUnknownNotEmpty) {
    const HostSoftware software = read_host_software(MemoryHostFiles{});
    EXPECT_FALSE(software.kernel_release);
    EXPECT_FALSE(software.packages);
}

// The fixture trees: a stack aperture models (Debian 12 with backports), Debian 12 as installed, an older
// Debian, and a host without dpkg.
TEST(InstalledPackages, FixtureTrees) {
    const HostSnapshot epyc = test::probe_fixture("amd-epyc-a100");
    ASSERT_TRUE(epyc.software);
    EXPECT_EQ(epyc.software->kernel_release, "6.12.38+deb12-amd64");
    EXPECT_EQ(epyc.software->installed("qemu-system-x86")->version, "1:10.0.2+ds-2+deb13u1~bpo12+1");
    EXPECT_EQ(epyc.software->installed("seabios")->version, "1.16.3-2");

    const HostSnapshot intel = test::probe_fixture("intel-i7-12700-rtx4090");
    EXPECT_EQ(intel.software->installed("qemu-system-x86")->version, "1:7.2+dfsg-7+deb12u18");

    const HostSnapshot xeon = test::probe_fixture("xeon-e3-1230-36bit");
    EXPECT_EQ(xeon.software->installed("seabios")->version, "1.14.0-2");
    EXPECT_EQ(xeon.software->installed("ovmf"), nullptr);
    EXPECT_EQ(xeon.software->packages->size(), 4u);

    const HostSnapshot h100 = test::probe_fixture("h100-8gpu-server");
    EXPECT_EQ(h100.software->kernel_release, "5.14.0-427.13.1.el9_4.x86_64");
    EXPECT_FALSE(h100.software->packages);
}

}  // namespace
}  // namespace aperture
