// `check --xml` and `fix --xml` of pSeries domains: the locked-memory limit libvirt gives QEMU (its
// formula at the release named, or <hard_limit>) against what VFIO and NVLink2 need, and the <hard_limit>
// fix written into the domain and checked again from the written text.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>

#include "app/use_cases.hpp"
#include "core/error.hpp"

namespace aperture::app {
namespace {

const std::filesystem::path kCases = std::filesystem::path(APERTURE_SOURCE_DIR) / "tests/golden/cases";

// Seed 004's GPU and its two NPU links, as `--passthrough` names them.
const std::vector<std::string> kNvlink2Passthrough{"0004:04:00.0=v100-sxm2-16g-nvlink2", "0007:00:00.0=ibm-npu2-nvlink@0004:04:00.0",
                                                    "0007:00:00.1=ibm-npu2-nvlink@0004:04:00.0"};

VmRequest domain(const char* file, const std::string& libvirt_version = "9.0.0") {
    VmRequest vm;
    vm.source.libvirt_xml = (kCases / file).string();
    vm.libvirt_version = libvirt_version;
    return vm;
}

const Finding* memlock_finding(const CheckResult& result) {
    const auto it = std::find_if(result.report.findings.begin(), result.report.findings.end(),
                                 [](const Finding& f) { return f.kind == FindingKind::HostMemlock; });
    return it == result.report.findings.end() ? nullptr : &*it;
}

CheckResult check_domain(VmRequest vm, std::vector<std::string> passthrough) {
    CheckRequest request;
    request.vm = std::move(vm);
    request.vm.passthrough = std::move(passthrough);
    return check(request);
}

TEST(PseriesXmlCheck, Ppc64DomainIsPseries) { EXPECT_EQ(platform_of(domain("libvirt-pseries-nvlink2.xml")), Platform::QemuPseries); }

TEST(PseriesXmlCheck, Nvlink2WithoutHardLimitPassesOnLibvirt9) {
    const CheckResult result = check_domain(domain("libvirt-pseries-nvlink2.xml"), kNvlink2Passthrough);
    const Finding* f = memlock_finding(result);
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->verdict, Verdict::Pass) << f->evidence;
    EXPECT_EQ(result.prediction, Prediction::Works);
}

// 16 GiB guest, nPHB 2: the need is 128 MiB + 8 MiB + 8 MiB + 16 GiB + 512 GiB + 8 MiB = 528.1 GiB.
TEST(PseriesXmlCheck, Nvlink2HardLimitFarBelowFailsWithTheNumbers) {
    const CheckResult result = check_domain(domain("libvirt-pseries-nvlink2-hard-limit.xml"), kNvlink2Passthrough);
    const Finding* f = memlock_finding(result);
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->verdict, Verdict::Fail);
    EXPECT_NE(f->evidence.find("528.1 GiB"), std::string::npos) << f->evidence;
    EXPECT_NE(f->evidence.find("<hard_limit> 32 GiB"), std::string::npos) << f->evidence;
    ASSERT_FALSE(f->fixes.empty());
    EXPECT_TRUE(f->fixes.front().proven);
    ASSERT_TRUE(f->fixes.front().domain.hard_limit_kib);
    EXPECT_GE(*f->fixes.front().domain.hard_limit_kib * 1024, 567100000000u);
    EXPECT_EQ(result.prediction, Prediction::Fails);
}

// libvirt 5.2.0 has no NVLink2 term: it gives QEMU the plain-VFIO limit.
TEST(PseriesXmlCheck, LibvirtBeforeTheNvlink2BranchFails) {
    const CheckResult result = check_domain(domain("libvirt-pseries-nvlink2.xml", "5.2.0"), kNvlink2Passthrough);
    const Finding* f = memlock_finding(result);
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->verdict, Verdict::Fail);
    EXPECT_NE(f->why.find("predates the NVLink2 term"), std::string::npos) << f->why;
    ASSERT_EQ(f->fixes.size(), 2u);
    EXPECT_EQ(f->fixes[1].scope, FixScope::HostSide);
    EXPECT_TRUE(f->fixes[1].proven);
}

TEST(PseriesXmlCheck, LibvirtWithTheNvlink2BranchPasses) {
    const CheckResult result = check_domain(domain("libvirt-pseries-nvlink2.xml", "5.3.0"), kNvlink2Passthrough);
    const Finding* f = memlock_finding(result);
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->verdict, Verdict::Pass) << f->evidence;
}

TEST(PseriesXmlCheck, PlainVfioHardLimitBelowRamFails) {
    const CheckResult result = check_domain(domain("libvirt-pseries-vfio-hard-limit.xml"), {"0001:01:00.0=v100"});
    const Finding* f = memlock_finding(result);
    ASSERT_NE(f, nullptr);
    EXPECT_EQ(f->verdict, Verdict::Fail);
    EXPECT_NE(f->title.find("VFIO"), std::string::npos);
    EXPECT_EQ(f->title.find("NVLink2"), std::string::npos);
}

FixResult fix_domain(const char* file, std::vector<std::string> passthrough, const std::string& libvirt_version = "9.0.0") {
    FixRequest request;
    request.vm = domain(file, libvirt_version);
    request.vm.passthrough = std::move(passthrough);
    return fix(request);
}

TEST(PseriesXmlFix, Nvlink2HardLimitIsRaisedAndTheWrittenDomainPasses) {
    const FixResult result = fix_domain("libvirt-pseries-nvlink2-hard-limit.xml", kNvlink2Passthrough);
    EXPECT_TRUE(result.still_failing.empty()) << result.still_failing.front();
    EXPECT_EQ(result.prediction, Prediction::Works);
    ASSERT_EQ(result.applied.size(), 1u);
    EXPECT_NE(result.applied.front().find("host.memlock"), std::string::npos);
    EXPECT_NE(result.fixed_xml.find("<hard_limit unit='KiB'>"), std::string::npos);
    EXPECT_EQ(result.fixed_xml.find("<hard_limit unit='GiB'>32</hard_limit>"), std::string::npos);
}

TEST(PseriesXmlFix, OldLibvirtGetsAHardLimitThatHolds) {
    const FixResult result = fix_domain("libvirt-pseries-nvlink2.xml", kNvlink2Passthrough, "5.2.0");
    EXPECT_TRUE(result.still_failing.empty());
    EXPECT_NE(result.fixed_xml.find("<memtune>"), std::string::npos);
}

TEST(PseriesXmlFix, PlainVfioHardLimitIsRaised) {
    const FixResult result = fix_domain("libvirt-pseries-vfio-hard-limit.xml", {"0001:01:00.0=v100"});
    EXPECT_TRUE(result.still_failing.empty());
    EXPECT_EQ(result.prediction, Prediction::Works);
}

TEST(PseriesXmlFix, NothingToFixLeavesTheDomainAlone) {
    const FixResult result = fix_domain("libvirt-pseries-nvlink2.xml", kNvlink2Passthrough);
    EXPECT_TRUE(result.applied.empty());
    EXPECT_EQ(result.fixed_xml.find("hard_limit"), std::string::npos);
}

}  // namespace
}  // namespace aperture::app
