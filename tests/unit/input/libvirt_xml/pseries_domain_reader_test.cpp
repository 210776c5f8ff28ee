// A pSeries domain read into the command line libvirt writes for it. libvirt 10.7.0's own test outputs
// (tests/fixtures/libvirt-xml/args/pseries-hostdevs-N.ppc64-latest.args) are the oracle: every device
// with its id, PHB and slot, the PHBs libvirt adds included.
#include "input/libvirt_xml/pseries_domain_reader.hpp"

#include <gtest/gtest.h>

#include <filesystem>

#include "core/error.hpp"
#include "core/input_file.hpp"
#include "input/args_file.hpp"
#include "input/ppc64_command_line.hpp"

namespace aperture {
namespace {

const std::filesystem::path kFixtures = std::filesystem::path(APERTURE_SOURCE_DIR) / "tests/fixtures/libvirt-xml";

LibvirtPseriesDomain read_fixture(const std::string& name) {
    const std::string path = (kFixtures / name).string();
    return read_libvirt_pseries_domain(read_input_file(path, kDomainXmlKind), path, XmlMemlockHost{});
}

// "driver id bus addr [host]" for every PCI device and PHB, as QEMU reads the .args.
std::vector<std::string> devices_of(const VmSpec& spec) {
    std::vector<std::string> out;
    for (const auto& d : spec.devices) {
        std::string line = d.driver + " " + d.id + " " + d.bus.value_or("-") + " " + d.addr.value_or("-");
        if (const auto* host = d.properties.find("host")) line += " " + *host;
        if (const auto* index = d.properties.find("index")) line += " index=" + *index;
        out.push_back(line);
    }
    return out;
}

std::vector<std::string> args_devices(const std::string& name) {
    const std::string path = (kFixtures / "args" / name).string();
    return devices_of(read_ppc64_command_line({"@" + path}));
}

TEST(PseriesDomainReader, Hostdevs1MatchesLibvirtsArgs) {
    EXPECT_EQ(devices_of(read_fixture("pseries-hostdevs-1.xml").spec), args_devices("pseries-hostdevs-1.ppc64-latest.args"));
}

TEST(PseriesDomainReader, Hostdevs2MatchesLibvirtsArgs) {
    EXPECT_EQ(devices_of(read_fixture("pseries-hostdevs-2.xml").spec), args_devices("pseries-hostdevs-2.ppc64-latest.args"));
}

TEST(PseriesDomainReader, Hostdevs3MatchesLibvirtsArgs) {
    EXPECT_EQ(devices_of(read_fixture("pseries-hostdevs-3.xml").spec), args_devices("pseries-hostdevs-3.ppc64-latest.args"));
}

TEST(PseriesDomainReader, MemlockPhbCountIsTheAssignmentsCount) {
    EXPECT_EQ(read_fixture("pseries-hostdevs-1.xml").memlock_input.input.pseries_phbs, 3u);
}

TEST(PseriesDomainReader, MachineMemoryAndNodefaults) {
    const auto domain = read_fixture("pseries-hostdevs-1.xml");
    EXPECT_EQ(domain.spec.machine.type, "pseries");
    EXPECT_EQ(domain.spec.machine.accel, "tcg");
    EXPECT_EQ(domain.spec.memory.size, 512 * MiB);
    EXPECT_TRUE(domain.spec.defaults.nodefaults);
}

constexpr const char* kPowernv = R"(<domain type='kvm'>
  <memory unit='GiB'>4</memory>
  <os><type arch='ppc64' machine='powernv9'>hvm</type></os>
</domain>)";

TEST(PseriesDomainReader, NonPseriesMachineIsRefusedWithItsLine) {
    try {
        read_libvirt_pseries_domain(kPowernv, "p.xml", XmlMemlockHost{});
        FAIL() << "no refusal";
    } catch (const UnsupportedError& e) {
        EXPECT_NE(std::string(e.what()).find("p.xml:3"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("powernv9"), std::string::npos) << e.what();
    }
}

constexpr const char* kSound = R"(<domain type='kvm'>
  <memory unit='GiB'>4</memory>
  <os><type arch='ppc64' machine='pseries'>hvm</type></os>
  <devices>
    <sound model='ich6'/>
  </devices>
</domain>)";

TEST(PseriesDomainReader, UnmappedDeviceIsRefusedWithItsLine) {
    try {
        read_libvirt_pseries_domain(kSound, "s.xml", XmlMemlockHost{});
        FAIL() << "no refusal";
    } catch (const UnsupportedError& e) {
        EXPECT_NE(std::string(e.what()).find("s.xml:5"), std::string::npos) << e.what();
    }
}

constexpr const char* kDefaults = R"(<domain type='kvm'>
  <memory unit='GiB'>4</memory>
  <os><type arch='ppc64le'>hvm</type></os>
  <devices>
    <interface type='network'><source network='default'/><model type='virtio'/></interface>
    <disk type='file' device='disk'><target dev='vda' bus='virtio'/></disk>
  </devices>
</domain>)";

// No <memballoon>: libvirt adds a virtio one; devices without addresses fill PHB 0 from slot 1 in
// libvirt's class order (nets before disks before the balloon).
TEST(PseriesDomainReader, UnaddressedDevicesFillPhb0InLibvirtsOrder) {
    const auto domain = read_libvirt_pseries_domain(kDefaults, "d.xml", XmlMemlockHost{});
    EXPECT_EQ(devices_of(domain.spec), (std::vector<std::string>{"virtio-net-pci net0 pci.0 0x1", "virtio-blk-pci virtio-disk0 pci.0 0x2",
                                                                 "virtio-balloon-pci balloon0 pci.0 0x3"}));
    EXPECT_EQ(domain.spec.machine.type, "pseries");
    ASSERT_EQ(domain.notes.size(), 1u);
}

TEST(PseriesDomainReader, ArchDecidesThePlatform) {
    EXPECT_TRUE(libvirt_domain_is_ppc64(kDefaults, "d.xml"));
    EXPECT_FALSE(libvirt_domain_is_ppc64("<domain type='kvm'><os><type arch='x86_64'>hvm</type></os></domain>", "x.xml"));
}

}  // namespace
}  // namespace aperture
