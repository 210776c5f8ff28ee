// The GuestPhysBits KVM reports: KVM's own answer when /dev/kvm gives one, else Linux's rule
// (arch/x86/kvm/cpuid.c, leaf 0x80000008, b628cb523c65) applied to the kernel release, KVM's paging and the
// host's width.
#include "host/kvm_guest_phys_bits.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "host/host_snapshot.hpp"
#include "host_test_support.hpp"

namespace aperture {
namespace {

// Facts of a host: its kernel release, KVM's EPT parameter, its MAXPHYADDR and whether TDP walks 5 levels.
GuestPhysBitsFacts intel(std::optional<std::string> kernel, std::optional<bool> ept, std::optional<unsigned> phys_bits, bool five_level = false) {
    return GuestPhysBitsFacts{std::move(kernel), KvmPaging{ept, std::nullopt}, phys_bits, five_level};
}

// A /dev/kvm that gives a fixed answer, and counts the questions.
class FakeKvm final : public KvmDevice {
public:
    explicit FakeKvm(KvmCpuidAnswer answer) : answer_(answer) {}
    KvmCpuidAnswer supported_cpuid_eax(std::uint32_t function) const override {
        asked_ = function;
        return answer_;
    }
    std::uint32_t asked() const { return asked_; }

private:
    KvmCpuidAnswer answer_;
    mutable std::uint32_t asked_ = 0;
};

// The inference, one rule a test.

TEST(KvmGuestPhysBitsInference, Kernel69ReportsNone) {
    EXPECT_EQ(infer_kvm_guest_phys_bits(intel("6.9.12-amd64", true, 46)), (KvmGuestPhysBits{GuestPhysBitsBasis::KernelBefore610, 0u}));
}
TEST(KvmGuestPhysBitsInference, Kernel610WithEptReportsTheHostWidth) {
    EXPECT_EQ(infer_kvm_guest_phys_bits(intel("6.10.0", true, 46)), (KvmGuestPhysBits{GuestPhysBitsBasis::HostPhysBits, 46u}));
}
TEST(KvmGuestPhysBitsInference, A52BitHostWithFourLevelTdpIsCappedAt48) {
    EXPECT_EQ(infer_kvm_guest_phys_bits(intel("6.12.38+deb12-amd64", true, 52)), (KvmGuestPhysBits{GuestPhysBitsBasis::FourLevelTdpCap, 48u}));
}
TEST(KvmGuestPhysBitsInference, A52BitHostWithFiveLevelTdpReports52) {
    EXPECT_EQ(infer_kvm_guest_phys_bits(intel("6.12.38+deb12-amd64", true, 52, true)), (KvmGuestPhysBits{GuestPhysBitsBasis::HostPhysBits, 52u}));
}
TEST(KvmGuestPhysBitsInference, EptOffReportsNone) {
    EXPECT_EQ(infer_kvm_guest_phys_bits(intel("6.10.0", false, 46)), (KvmGuestPhysBits{GuestPhysBitsBasis::TdpOff, 0u}));
}
TEST(KvmGuestPhysBitsInference, NptOffReportsNone) {
    const GuestPhysBitsFacts amd{"6.12.0", KvmPaging{std::nullopt, false}, 48, false};
    EXPECT_EQ(infer_kvm_guest_phys_bits(amd), (KvmGuestPhysBits{GuestPhysBitsBasis::TdpOff, 0u}));
}
TEST(KvmGuestPhysBitsInference, NoKvmModuleIsUnknown) {
    EXPECT_EQ(infer_kvm_guest_phys_bits(intel("6.10.0", std::nullopt, 46)), (KvmGuestPhysBits{GuestPhysBitsBasis::TdpUnknown, std::nullopt}));
}
TEST(KvmGuestPhysBitsInference, AnOldKernelNeedsNoKvmModule) {
    EXPECT_EQ(infer_kvm_guest_phys_bits(intel("5.10.0-32-amd64", std::nullopt, std::nullopt)).bits, 0u);
}
TEST(KvmGuestPhysBitsInference, UnknownKernelIsUnknown) {
    EXPECT_EQ(infer_kvm_guest_phys_bits(intel(std::nullopt, true, 46)).basis, GuestPhysBitsBasis::KernelReleaseUnknown);
}
TEST(KvmGuestPhysBitsInference, UnparsableKernelIsUnknown) {
    EXPECT_EQ(infer_kvm_guest_phys_bits(intel("custom", true, 46)).basis, GuestPhysBitsBasis::KernelReleaseUnknown);
}
TEST(KvmGuestPhysBitsInference, UnknownHostWidthIsUnknown) {
    EXPECT_EQ(infer_kvm_guest_phys_bits(intel("6.10.0", true, std::nullopt)).basis, GuestPhysBitsBasis::HostPhysBitsUnknown);
}
TEST(KvmGuestPhysBitsInference, SourceFollowsTheBasis) {
    EXPECT_EQ(source_of(GuestPhysBitsBasis::KvmReported), GuestPhysBitsSource::Measured);
    EXPECT_EQ(source_of(GuestPhysBitsBasis::FourLevelTdpCap), GuestPhysBitsSource::InferredFromKernel);
    EXPECT_EQ(source_of(GuestPhysBitsBasis::TdpUnknown), GuestPhysBitsSource::Unknown);
}

// Which TDP walks 5 levels.

HostCpuDetails cpu_with(bool la57, bool ept_5level) {
    HostCpuDetails cpu;
    cpu.phys_bits = 52;
    cpu.flags.la57 = la57;
    cpu.flags.ept_5level = ept_5level;
    return cpu;
}

TEST(KvmGuestPhysBitsFacts, EptWalksFiveLevelsWithEpt5Level) {
    EXPECT_TRUE(guest_phys_bits_facts(cpu_with(false, true), KvmPaging{true, std::nullopt}, "6.12").five_level_tdp);
}
TEST(KvmGuestPhysBitsFacts, EptIgnoresTheHostsOwnPaging) {
    EXPECT_FALSE(guest_phys_bits_facts(cpu_with(true, false), KvmPaging{true, std::nullopt}, "6.12").five_level_tdp);
}
TEST(KvmGuestPhysBitsFacts, NptWalksFiveLevelsWhenTheHostDoes) {
    EXPECT_TRUE(guest_phys_bits_facts(cpu_with(true, false), KvmPaging{std::nullopt, true}, "6.12").five_level_tdp);
}
TEST(KvmGuestPhysBitsFacts, NoCpuinfoLeavesTheWidthUnknown) {
    EXPECT_FALSE(guest_phys_bits_facts(std::nullopt, KvmPaging{true, std::nullopt}, "6.12").host_phys_bits.has_value());
}

// KVM's answer first.

TEST(KvmGuestPhysBitsProbe, KvmsAnswerIsMeasured) {
    const FakeKvm kvm({KvmDeviceOutcome::Answered, 0x002e3030});  // GuestPhysBits 46, virtual 48, physical 48
    const KvmGuestPhysBits bits = probe_kvm_guest_phys_bits(intel("6.9.0", true, 48), &kvm);
    EXPECT_EQ(bits, (KvmGuestPhysBits{GuestPhysBitsBasis::KvmReported, 46u, KvmDeviceOutcome::Answered}));
    EXPECT_EQ(bits.source(), GuestPhysBitsSource::Measured);
    EXPECT_EQ(kvm.asked(), 0x80000008u);
}
TEST(KvmGuestPhysBitsProbe, ALeafKvmDoesNotListIsZero) {
    const FakeKvm kvm({KvmDeviceOutcome::Answered, std::nullopt});
    EXPECT_EQ(probe_kvm_guest_phys_bits(intel("6.10.0", true, 46), &kvm).bits, 0u);
}
TEST(KvmGuestPhysBitsProbe, WithoutPermissionItIsInferredAndSaysWhy) {
    const FakeKvm kvm({KvmDeviceOutcome::NoPermission, std::nullopt});
    EXPECT_EQ(probe_kvm_guest_phys_bits(intel("6.10.0", true, 46), &kvm),
              (KvmGuestPhysBits{GuestPhysBitsBasis::HostPhysBits, 46u, KvmDeviceOutcome::NoPermission}));
}
TEST(KvmGuestPhysBitsProbe, NoDeviceIsNotAsked) {
    EXPECT_EQ(probe_kvm_guest_phys_bits(intel("6.10.0", true, 46), nullptr).device, KvmDeviceOutcome::NotAsked);
}

// The live device, where it cannot answer.

TEST(DevKvm, AMissingNodeIsAbsent) {
    EXPECT_EQ(DevKvm("/nonexistent/aperture/kvm").supported_cpuid_eax(kAddressSizesLeaf).outcome, KvmDeviceOutcome::Absent);
}
TEST(DevKvm, AFileThatIsNoKvmFailsTheIoctl) {
    const std::string path = ::testing::TempDir() + "aperture-not-kvm";
    std::ofstream(path) << "not a device\n";
    EXPECT_EQ(DevKvm(path).supported_cpuid_eax(kAddressSizesLeaf).outcome, KvmDeviceOutcome::Failed);
    std::filesystem::remove(path);
}

// Fixture trees: the probe of a copied tree infers, and never asks a device.

TEST(KvmGuestPhysBitsFixtures, EpycOnLinux612WithNptReportsItsWidth) {
    EXPECT_EQ(test::probe_fixture("amd-epyc-a100").kvm_guest_phys_bits,
              (KvmGuestPhysBits{GuestPhysBitsBasis::HostPhysBits, 48u, KvmDeviceOutcome::NotAsked}));
}
TEST(KvmGuestPhysBitsFixtures, GenoaWithFourLevelNptIsCappedAt48) {
    EXPECT_EQ(test::probe_fixture("epyc-9654-4level-npt").kvm_guest_phys_bits,
              (KvmGuestPhysBits{GuestPhysBitsBasis::FourLevelTdpCap, 48u, KvmDeviceOutcome::NotAsked}));
}
TEST(KvmGuestPhysBitsFixtures, Debian12KernelReportsNone) {
    EXPECT_EQ(test::probe_fixture("intel-i7-12700-rtx4090").kvm_guest_phys_bits,
              (KvmGuestPhysBits{GuestPhysBitsBasis::KernelBefore610, 0u, KvmDeviceOutcome::NotAsked}));
}
TEST(KvmGuestPhysBitsFixtures, SapphireRapidsListsFiveLevelEpt) {
    EXPECT_TRUE(test::probe_fixture("h100-8gpu-server").cpu->flags.ept_5level);
}

}  // namespace
}  // namespace aperture
