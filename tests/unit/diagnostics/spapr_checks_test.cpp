// pseries findings: each rule, one behaviour per test.
#include "diagnostics/spapr_checks.hpp"

#include <gtest/gtest.h>

#include "input/ppc64_command_line.hpp"
#include "../support/words.hpp"

namespace aperture {
namespace {

using spapr::QemuRelease;

struct Checked {
    SpaprPlan plan;
    std::vector<Finding> findings;
};

spapr::SpaprHost nvlink2_host() {
    spapr::SpaprHost host;
    PciFunctionSpec gpu;
    gpu.driver = "vfio-pci";
    gpu.bars = {BarSpec::memory32(0, 16 * MiB, Prefetchable::No), BarSpec::memory64(1, 16 * GiB, Prefetchable::Yes)};
    host.passthrough["0004:04:00.0"] = {gpu, spapr::Nvlink2Identity{spapr::Nvlink2Role::Gpu, 1, 16 * GiB}};
    return host;
}

std::vector<Finding> check(const std::string& line, QemuRelease release, const spapr::SpaprHost& host = {}) {
    const VmSpec spec = read_ppc64_command_line(test::words(line));
    const SpaprPlan plan = make_spapr_plan(spec, release, host);
    return run_spapr_checks({spec, release, host, plan});
}

const Finding* find(const std::vector<Finding>& findings, const std::string& id, Verdict verdict) {
    for (const auto& f : findings) {
        if (to_string(f.kind) == id && f.verdict == verdict) return &f;
    }
    return nullptr;
}

TEST(SpaprChecks, FittingBarsPass) {
    const auto f = check("-nodefaults -device virtio-net-pci", QemuRelease::V7_2);
    EXPECT_TRUE(find(f, "spapr.bar-window", Verdict::Pass));
}

// Five 512 MiB VGA framebuffers in a 2 GiB window: each VGA's 4 KiB MMIO BAR and ROM follow its framebuffer,
// so the next framebuffer aligns 512 MiB higher and v3's already starts at PCI 4 GiB. pseries-4.1 keeps Linux
// probe-only.
TEST(SpaprChecks, BarPastTheWindowFailsAndSaysWhatTheGuestDoes) {
    std::string line = "-M pseries-4.1 -nodefaults";
    for (int i = 1; i <= 5; ++i) line += " -device VGA,vgamem_mb=512,id=v" + std::to_string(i);
    const auto f = check(line, QemuRelease::V7_2);
    const Finding* bar = find(f, "spapr.bar-window", Verdict::Fail);
    ASSERT_TRUE(bar);
    EXPECT_EQ(bar->title, "v3 does not fit PHB 0's windows");
    EXPECT_NE(bar->why.find("probe-only"), std::string::npos);
    ASSERT_NE(bar->first_fix(), nullptr);
    EXPECT_TRUE(bar->first_fix()->proven);
}

TEST(SpaprChecks, RefusedIndexIsAFailWithoutAFixButWithTheLimit) {
    const auto f = check("-nodefaults -device spapr-pci-host-bridge,index=40", QemuRelease::V7_2);
    const Finding* refusal = find(f, "qemu.refusal", Verdict::Fail);
    ASSERT_TRUE(refusal);
    EXPECT_NE(refusal->no_fix.find("at most 30"), std::string::npos);
}

TEST(SpaprChecks, Nvlink2OnQemu82Fails) {
    const auto f = check("-nodefaults -device vfio-pci,host=0004:04:00.0", QemuRelease::V8_2, nvlink2_host());
    const Finding* nv = find(f, "spapr.nvlink2", Verdict::Fail);
    ASSERT_TRUE(nv);
    EXPECT_EQ(nv->first_fix(), nullptr);
}

TEST(SpaprChecks, Nvlink2OnOldMachineTypeFailsWithAProvenMachineFix) {
    const auto f = check("-M pseries-4.0 -nodefaults -device vfio-pci,host=0004:04:00.0", QemuRelease::V8_1, nvlink2_host());
    const Finding* nv = find(f, "spapr.nvlink2", Verdict::Fail);
    ASSERT_TRUE(nv);
    ASSERT_NE(nv->first_fix(), nullptr);
    EXPECT_EQ(nv->first_fix()->qemu_args, (std::vector<std::string>{"-machine", "pseries-8.1"}));
    EXPECT_TRUE(nv->first_fix()->proven);
}

TEST(SpaprChecks, Nvlink2WhereSupportedWarnsAboutTheHostKernel) {
    const auto f = check("-nodefaults -device vfio-pci,host=0004:04:00.0", QemuRelease::V7_2, nvlink2_host());
    EXPECT_FALSE(find(f, "spapr.nvlink2", Verdict::Fail));
    EXPECT_TRUE(find(f, "spapr.nvlink2-host", Verdict::Warn));
}

// pseries-2.6 turns ddw off (spapr_machine_2_6_class_options); a -global turns it back on for every PHB.
TEST(SpaprChecks, PassthroughWithoutDdwWarnsWithAProvenGlobal) {
    const auto f = check("-M pseries-2.6 -nodefaults -device vfio-pci,host=0004:04:00.0", QemuRelease::V7_2, nvlink2_host());
    const Finding* ddw = find(f, "spapr.ddw", Verdict::Warn);
    ASSERT_TRUE(ddw);
    ASSERT_NE(ddw->first_fix(), nullptr);
    EXPECT_TRUE(ddw->first_fix()->proven);
}

TEST(SpaprChecks, DeviceDdwOffBeatsTheGlobalSoTheFixIsNotProven) {
    const auto f = check("-nodefaults -device spapr-pci-host-bridge,index=1,ddw=off,id=p1 -device vfio-pci,host=0004:04:00.0,bus=p1.0",
                         QemuRelease::V7_2, nvlink2_host());
    const Finding* ddw = find(f, "spapr.ddw", Verdict::Warn);
    ASSERT_TRUE(ddw);
    EXPECT_FALSE(ddw->first_fix()->proven);
}

TEST(SpaprChecks, RamPast32TiBOverlapsThePhbWindows) {
    const auto f = check("-nodefaults -m 1G,slots=1,maxmem=33T", QemuRelease::V7_2);
    EXPECT_TRUE(find(f, "spapr.ram-below-phbs", Verdict::Fail));
}

TEST(SpaprChecks, LegacyPlacementIsAboveRamWhateverItsSize) {
    const auto f = check("-M pseries-2.7 -nodefaults -m 1G,slots=1,maxmem=33T", QemuRelease::V7_2);
    EXPECT_FALSE(find(f, "spapr.ram-below-phbs", Verdict::Fail));
}

}  // namespace
}  // namespace aperture
