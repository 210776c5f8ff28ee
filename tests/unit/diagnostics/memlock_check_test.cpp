// host.memlock: what VFIO pins against the limit QEMU will run with, the host's own RLIMIT_MEMLOCK for a
// plain QEMU command line, or the one libvirt sets when the VM comes from libvirt XML. The host is the
// Intel i7-12700 + RTX 4090 fixture, whose GPU (01:00.0) and its audio function (01:00.1) go to the guest.
#include <gtest/gtest.h>

#include "../host/host_test_support.hpp"
#include "../support/words.hpp"
#include "diagnostics/checks.hpp"
#include "diagnostics/fix_proof.hpp"
#include "host/host_context.hpp"
#include "input/qemu_command_line.hpp"

namespace aperture {
namespace {

constexpr const char* TWO_VFIO = "-machine q35,accel=kvm -m 8G -nodefaults -cpu host "
                                 "-device pcie-root-port,id=rp1,chassis=1 -device vfio-pci,host=01:00.0,bus=rp1 "
                                 "-device pcie-root-port,id=rp2,chassis=2 -device vfio-pci,host=01:00.1,bus=rp2";
constexpr const char* VIOMMU = " -device intel-iommu,intremap=on,caching-mode=on";

HostSnapshot host_with_memlock(std::optional<u64> soft) {
    HostSnapshot host = test::probe_fixture("intel-i7-12700-rtx4090");
    host.memlock = MemlockLimit{MemlockSource::LimitsFile, soft, soft};
    return host;
}

// The libvirt domain behind TWO_VFIO: 8 GiB, two PCI hostdevs, an <iommu> when the command line has one.
LibvirtMemlockContext libvirt_domain(const LibvirtVersion& version, bool viommu) {
    LibvirtMemlockContext context;
    context.domain.memory_kib = 8 * GiB / KiB;
    context.domain.pci_hostdevs = 2;
    context.domain.viommu = viommu;
    context.version = version;
    return context;
}

// The plan always knows the fixture's devices (their BARs); `host` is the snapshot the checks get, nullptr
// for none.
std::optional<Finding> memlock_finding(const std::string& args, const HostSnapshot* host, std::optional<LibvirtMemlockContext> libvirt = std::nullopt) {
    const VmSpec spec = read_qemu_command_line(test::words(args));
    PlanOptions options;
    options.host = host_context(test::probe_fixture("intel-i7-12700-rtx4090"));
    CheckSubject subject{spec, options, host ? std::optional<HostSnapshot>(*host) : std::nullopt, {}, {}, std::move(libvirt)};
    for (auto& f : check_vm(subject).findings) {
        if (f.kind == FindingKind::HostMemlock) return f;
    }
    return std::nullopt;
}

TEST(MemlockCheck, WithoutVIommuTwoDevicesPinRamOnce) {
    const HostSnapshot host = host_with_memlock(9 * GiB);
    const auto f = memlock_finding(TWO_VFIO, &host);
    ASSERT_TRUE(f);
    EXPECT_EQ(f->verdict, Verdict::Pass);
    EXPECT_NE(f->evidence.find("share one container"), std::string::npos) << f->evidence;
}

TEST(MemlockCheck, BehindAVIommuEachDeviceMayPinAllRam) {
    const HostSnapshot host = host_with_memlock(9 * GiB);
    const auto f = memlock_finding(std::string(TWO_VFIO) + VIOMMU, &host);
    ASSERT_TRUE(f);
    EXPECT_EQ(f->verdict, Verdict::Fail);
    ASSERT_NE(f->first_fix(), nullptr);
    EXPECT_TRUE(f->first_fix()->qemu_args.empty());  // a host-side step, not a QEMU word
    EXPECT_EQ(f->first_fix()->host_steps, (std::vector<std::string>{"ulimit -l 16777216"}));
    EXPECT_EQ(f->first_fix()->scope, FixScope::HostSide);  // 2 × 8 GiB in KiB
}

TEST(MemlockCheck, PlainQemuWithoutAHostIsSkipped) { EXPECT_FALSE(memlock_finding(TWO_VFIO, nullptr)); }

// Debian 12's libvirt scales with the vIOMMU (2 × 8 GiB + 1 GiB) and sets that on QEMU itself, whatever
// this host's own small limit.
TEST(MemlockCheck, LibvirtSetsEnoughWhateverTheHostLimit) {
    const HostSnapshot host = host_with_memlock(64 * KiB);
    const auto f = memlock_finding(std::string(TWO_VFIO) + VIOMMU, &host, libvirt_domain({9, 0, 0}, true));
    ASSERT_TRUE(f);
    EXPECT_EQ(f->verdict, Verdict::Pass);
    EXPECT_NE(f->evidence.find("libvirt 9.0.0 sets RLIMIT_MEMLOCK: 2 × 8 GiB RAM (2 VFIO/NVMe devices with a vIOMMU) + 1 GiB = 17 GiB"), std::string::npos)
        << f->evidence;
}

TEST(MemlockCheck, LibvirtLimitIsJudgedWithoutAHost) {
    const auto f = memlock_finding(TWO_VFIO, nullptr, libvirt_domain({10, 7, 0}, false));
    ASSERT_TRUE(f);
    EXPECT_EQ(f->verdict, Verdict::Pass);
}

// Before 8.7.0 libvirt gave one RAM + 1 GiB whatever the devices: short of two RAMs behind a vIOMMU. The
// <hard_limit> fix is proven by libvirt's own formula, which puts the hard limit first.
TEST(MemlockCheck, OldLibvirtFallsShortBehindAVIommu) {
    const auto f = memlock_finding(std::string(TWO_VFIO) + VIOMMU, nullptr, libvirt_domain({8, 1, 0}, true));
    ASSERT_TRUE(f);
    EXPECT_EQ(f->verdict, Verdict::Fail);
    ASSERT_NE(f->first_fix(), nullptr);
    EXPECT_TRUE(f->first_fix()->proven);
    EXPECT_NE(f->first_fix()->libvirt_xml.find("<hard_limit unit='KiB'>17825792</hard_limit>"), std::string::npos) << f->first_fix()->libvirt_xml;
}

// vfio-pci that libvirt does not see (added through <qemu:commandline>): libvirt leaves the limit to
// libvirtd's, which only a host snapshot can tell.
TEST(MemlockCheck, LibvirtLeavingTheLimitWarnsWithoutAHost) {
    LibvirtMemlockContext no_hostdevs;
    no_hostdevs.domain.memory_kib = 8 * GiB / KiB;
    const auto f = memlock_finding(TWO_VFIO, nullptr, no_hostdevs);
    ASSERT_TRUE(f);
    EXPECT_EQ(f->verdict, Verdict::Warn);
}

TEST(MemlockCheck, LibvirtLeavingTheLimitUsesTheHostOne) {
    const HostSnapshot host = host_with_memlock(8 * MiB);
    LibvirtMemlockContext no_hostdevs;
    no_hostdevs.domain.memory_kib = 8 * GiB / KiB;
    const auto f = memlock_finding(TWO_VFIO, &host, no_hostdevs);
    ASSERT_TRUE(f);
    EXPECT_EQ(f->verdict, Verdict::Fail);
}

}  // namespace
}  // namespace aperture
