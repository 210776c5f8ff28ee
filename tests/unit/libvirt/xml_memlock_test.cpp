// libvirt's own memlock oracle read from its own test XML: tests/fixtures/libvirt-memlock/ holds
// tests/qemumemlockdata/qemumemlock-*.xml of libvirt v10.7.0, and each expected value below is the one
// tests/qemumemlocktest.c states for that name (DO_TEST("name", value)). Each file goes through
// read_libvirt_memlock_domain and xml_memlock_input (no host snapshot: the IOMMU groups libvirt's
// virpcimock.c gives), then libvirt_memlock_limit. Also the pSeries domains of tests/fixtures/libvirt-xml:
// the PHB count must be the one libvirt's .args show.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "core/error.hpp"
#include "input/libvirt_xml/memlock_reader.hpp"
#include "libvirt/xml_memlock_input.hpp"

namespace aperture {
namespace {

const std::filesystem::path kMemlockData = std::filesystem::path(APERTURE_SOURCE_DIR) / "tests/fixtures/libvirt-memlock";
const std::filesystem::path kCorpus = std::filesystem::path(APERTURE_SOURCE_DIR) / "tests/fixtures/libvirt-xml";

constexpr LibvirtVersion V10_7{10, 7, 0};
constexpr LibvirtVersion V9_8{9, 8, 0};
constexpr LibvirtVersion V9_0{9, 0, 0};
constexpr u64 UNLIMITED = 9007199254740991;  // VIR_DOMAIN_MEMORY_PARAM_UNLIMITED, as qemumemlocktest.c names it

LibvirtMemlockInput input_of(const std::string& name) {
    const auto domain = read_libvirt_memlock_domain_file((kMemlockData / ("qemumemlock-" + name + ".xml")).string());
    return xml_memlock_input(domain, {}).input;
}

u64 limit_of(const std::string& name, const LibvirtVersion& version) { return libvirt_memlock_limit(input_of(name), version).bytes; }

struct Expected {
    const char* name;
    u64 memlock;
};

// tests/qemumemlocktest.c at v10.7.0 (deepin-community/libvirt develop/10.7.0 @ 709f5145), in its order.
constexpr Expected kQemuMemlockTest[] = {
    {"pc-kvm", 0},
    {"pc-tcg", 0},
    {"pc-hardlimit", 2147483648},
    {"pc-locked", UNLIMITED},
    {"pc-hostdev", 2147483648},
    {"pc-hostdev-nvme", 3221225472},
    {"pc-hardlimit+locked", 2147483648},
    {"pc-hardlimit+hostdev", 2147483648},
    {"pc-hardlimit+locked+hostdev", 2147483648},
    {"pc-locked+hostdev", UNLIMITED},
    {"pseries-kvm", 20971520},
    {"pseries-tcg", 0},
    {"pseries-hardlimit", 2147483648},
    {"pseries-locked", UNLIMITED},
    {"pseries-hostdev", 4320133120},
    {"pseries-hardlimit+locked", 2147483648},
    {"pseries-hardlimit+hostdev", 2147483648},
    {"pseries-hardlimit+locked+hostdev", 2147483648},
    {"pseries-locked+hostdev", UNLIMITED},
};

TEST(XmlMemlock, EveryQemuMemlockTestValueFromTheXmlAt10_7) {
    unsigned files = 0;
    for (const auto& entry : std::filesystem::directory_iterator(kMemlockData)) files += entry.path().extension() == ".xml";
    EXPECT_EQ(files, std::size(kQemuMemlockTest)) << "one expected value per fixture";
    for (const auto& expected : kQemuMemlockTest) {
        EXPECT_EQ(limit_of(expected.name, V10_7), expected.memlock) << expected.name;
        // 9.8.0's test file states the same values.
        EXPECT_EQ(limit_of(expected.name, V9_8), expected.memlock) << expected.name;
    }
}

TEST(XmlMemlock, PseriesHostdevGetsASecondPhbFromItsIommuGroup) {
    const LibvirtMemlockInput in = input_of("pseries-hostdev");
    EXPECT_EQ(in.arch, LibvirtGuestArch::Ppc64);
    EXPECT_EQ(in.virt_type, LibvirtVirtType::Kvm);
    EXPECT_EQ(in.pci_hostdevs, 1u);
    EXPECT_EQ(in.pseries_phbs, 2u);
}

// The 2017 qemumemlocktest (libvirt/libvirt @ 4ceac4bf) expected 2168455168: it ran no PCI address
// assignment, so no PHB was added for the hostdev.
TEST(XmlMemlock, PseriesHostdevWithoutAddressAssignmentIsThe2017Value) {
    LibvirtMemlockInput in = input_of("pseries-hostdev");
    in.pseries_phbs = 1;
    EXPECT_EQ(libvirt_memlock_limit(in, LibvirtVersion{8, 1, 0}).bytes, 2168455168u);
}

// Debian 12's 9.0.0 counted the NVMe disk with the hostdev (one RAM): 2 GiB, where 9.3.0+ says 3 GiB.
TEST(XmlMemlock, PcHostdevNvmeUnder9_0) {
    EXPECT_EQ(limit_of("pc-hostdev-nvme", V9_0), 2147483648u);
    EXPECT_EQ(libvirt_memlock_limit(input_of("pc-hostdev-nvme"), V9_0).formula, LibvirtMemlockFormula::PerDeviceFactor);
    for (const auto& expected : kQemuMemlockTest) {
        if (std::string(expected.name) != "pc-hostdev-nvme") {
            EXPECT_EQ(limit_of(expected.name, V9_0), expected.memlock) << expected.name;
        }
    }
}

// spapr-pci-host-bridge devices on libvirt's QEMU command line, plus the implicit PHB 0.
unsigned phbs_in_args(const std::filesystem::path& args) {
    std::ifstream file(args);
    std::stringstream text;
    text << file.rdbuf();
    const std::string s = text.str();
    unsigned count = 1;
    for (auto at = s.find("spapr-pci-host-bridge"); at != std::string::npos; at = s.find("spapr-pci-host-bridge", at + 1)) ++count;
    return count;
}

TEST(XmlMemlock, CorpusPseriesPhbCountsMatchLibvirtsArgs) {
    unsigned compared = 0;
    for (const char* name : {"pseries-hostdevs-1", "pseries-hostdevs-2", "pseries-hostdevs-3"}) {
        const auto domain = read_libvirt_memlock_domain_file((kCorpus / (std::string(name) + ".xml")).string());
        XmlMemlockInput got = xml_memlock_input(domain, {});
        const unsigned expected_phbs = phbs_in_args(kCorpus / "args" / (std::string(name) + ".ppc64-latest.args"));
        EXPECT_EQ(got.input.pseries_phbs, expected_phbs) << name << ": " << got.phb_note;
        // These domains are type='qemu' (TCG): libvirt takes the generic rule, one RAM + 1 GiB.
        EXPECT_EQ(libvirt_memlock_limit(got.input, V10_7).bytes, (domain.memory_kib + 1024 * 1024) * 1024) << name;
        // Under KVM the PHB count enters the ppc64 formula: base + max(2 GiB × nPHB, RAM + RAM/512 × nPHB + 8 MiB).
        got.input.virt_type = LibvirtVirtType::Kvm;
        const u64 ram = domain.memory_kib, phbs = expected_phbs;
        const u64 base = ram / 128 + 4096 * phbs + 8192;
        const u64 passthrough = std::max<u64>(2 * 1024 * 1024 * phbs, ram + ram / 512 * phbs + 8192);
        EXPECT_EQ(libvirt_memlock_limit(got.input, V10_7).bytes, (base + passthrough) * 1024) << name;
        ++compared;
    }
    EXPECT_EQ(compared, 3u);
}

TEST(XmlMemlock, EveryCorpusPseriesDomainGivesALimitOrAClearError) {
    unsigned read = 0;
    for (const auto& entry : std::filesystem::directory_iterator(kCorpus)) {
        const std::string file = entry.path().filename().string();
        if (!file.starts_with("pseries-") || entry.path().extension() != ".xml") continue;
        try {
            const auto domain = read_libvirt_memlock_domain_file(entry.path().string());
            const auto limit = libvirt_memlock_limit(xml_memlock_input(domain, {}).input, V10_7);
            EXPECT_FALSE(limit.explanation.empty()) << file;
            ++read;
        } catch (const InputError& e) {
            EXPECT_NE(std::string(e.what()).find(file), std::string::npos) << e.what();
        }
    }
    EXPECT_GE(read, 3u);
}

// With a host snapshot the groups are the host's: hostdevs of one group share a PHB, and a hostdev whose
// group libvirt cannot read stays in the default group, on PHB 0.
TEST(XmlMemlock, HostSnapshotGroupsDecideThePhbs) {
    const auto domain = read_libvirt_memlock_domain_file((kCorpus / "pseries-hostdevs-1.xml").string());
    HostSnapshot snapshot;
    for (const char* address : {"0001:01:00.0", "0001:01:00.1", "0005:90:01.0"}) {
        HostPciDevice device;
        device.address = address;
        device.iommu_group = 9;  // one group for all three
        snapshot.pci.push_back(device);
    }
    XmlMemlockInput got = xml_memlock_input(domain, XmlMemlockHost{&snapshot, {}});
    EXPECT_EQ(got.input.pseries_phbs, 2u) << got.phb_note;
    EXPECT_NE(got.phb_note.find("from the host snapshot"), std::string::npos) << got.phb_note;

    const HostSnapshot empty;
    const auto single = read_libvirt_memlock_domain_file((kMemlockData / "qemumemlock-pseries-hostdev.xml").string());
    got = xml_memlock_input(single, XmlMemlockHost{&empty, {}});
    EXPECT_EQ(got.input.pseries_phbs, 1u) << got.phb_note;
    EXPECT_EQ(libvirt_memlock_limit(got.input, V10_7).bytes, 2168455168u);  // the 2017 test's value: one PHB
}

TEST(XmlMemlock, Nvlink2NamesAHostdevOfTheDomain) {
    const auto domain = read_libvirt_memlock_domain_file((kMemlockData / "qemumemlock-pseries-hostdev.xml").string());
    XmlMemlockHost host;
    host.nvlink2_hostdevs = {"0001:01:00.0"};
    const LibvirtMemlockInput in = xml_memlock_input(domain, host).input;
    EXPECT_TRUE(in.nvlink2);
    // maxMemory/128 + 4 MiB × 2 + 8 MiB + (maxMemory + 256 GiB × 2 + 8 MiB), in KiB.
    const u64 kib = 1048576 / 128 + 4096 * 2 + 8192 + 1048576 + 2 * (u64{256} << 20) + 8192;
    EXPECT_EQ(libvirt_memlock_limit(in, V10_7).bytes, kib * 1024);
    host.nvlink2_hostdevs = {"0002:01:00.0"};
    EXPECT_THROW(xml_memlock_input(domain, host), InputError);
}

TEST(XmlMemlock, ErrorsNameFileAndLine) {
    try {
        read_libvirt_memlock_domain("<domain type='kvm'>\n  <memory unit='XiB'>1</memory>\n</domain>\n", "bad.xml");
        FAIL() << "accepted an unknown unit";
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("bad.xml:2"), std::string::npos) << e.what();
    }
    EXPECT_THROW(read_libvirt_memlock_domain("<domain type='kvm'/>", "nomem.xml"), InputError);
    EXPECT_THROW(read_libvirt_memlock_domain("<domain", "broken.xml"), InputError);
}

}  // namespace
}  // namespace aperture
