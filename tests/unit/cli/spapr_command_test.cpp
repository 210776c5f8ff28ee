// `aperture plan` / `check` for pseries through the real command-line wiring: dispatch, exit statuses,
// the report naming the modelled release, and bad input.
#include "cli/commands.hpp"

#include <gtest/gtest.h>

#include "../support/cli_runner.hpp"

#include <sstream>

namespace aperture::cli {
namespace {

using Result = test::CliResult;
using test::run_cli;

bool mentions(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(SpaprCli, BinaryNameSelectsThePseriesModel) {
    const auto r = run_cli({"plan", "--", "qemu-system-ppc64", "-nodefaults"});
    EXPECT_EQ(r.status, EXIT_OK);
    EXPECT_TRUE(mentions(r.out, "QEMU 7.2 pseries-7.2 with SLOF 20220719"));
    EXPECT_TRUE(mentions(r.out, "checked against QEMU 7.2 + SLOF 20220719"));
    EXPECT_TRUE(mentions(r.out, "modelled from upstream source only: DDW windows the guest creates"));
}

TEST(SpaprCli, ArchSelectsThePseriesModelWithoutABinary) {
    const auto r = run_cli({"plan", "--arch", "ppc64", "--format", "json", "--", "-nodefaults"});
    EXPECT_EQ(r.status, EXIT_OK);
    EXPECT_TRUE(mentions(r.out, "\"schema\": \"aperture-pseries-plan/2\""));
    EXPECT_TRUE(mentions(r.out, "\"phb_count\": 1"));
    EXPECT_TRUE(mentions(r.out, "\"checked_against_running_system\": false"));
}

TEST(SpaprCli, PhbIndexTooLargeIsAPredictedFailure) {
    const auto r = run_cli({"plan", "--", "qemu-system-ppc64", "-nodefaults", "-device", "spapr-pci-host-bridge,index=31"});
    EXPECT_EQ(r.status, EXIT_PREDICTED_FAILURE);
    EXPECT_TRUE(mentions(r.out, "\"index\" for PAPR PHB is too large (max 30)"));
}

TEST(SpaprCli, UnknownReleaseIsBadInput) {
    const auto r = run_cli({"plan", "--qemu", "6.0", "--", "qemu-system-ppc64"});
    EXPECT_EQ(r.status, EXIT_BAD_INPUT);
    EXPECT_TRUE(mentions(r.err, "--qemu 6.0"));
    EXPECT_TRUE(r.out.empty());
}

TEST(SpaprCli, WindowSizeNear2To64IsBadInputNotACrash) {
    const auto r = run_cli({"plan", "--", "qemu-system-ppc64", "-nodefaults", "-device",
                            "spapr-pci-host-bridge,index=1,mem64_win_size=0xffffffffffffffff"});
    EXPECT_EQ(r.status, EXIT_BAD_INPUT);
    EXPECT_TRUE(mentions(r.err, "passes 2^64"));
}

TEST(SpaprCli, BarOverflowFailsWithAProvenFix) {
    // Five 512 MiB 32-bit VGA framebuffers in PHB 0's 2 GiB window: with each VGA's MMIO BAR and ROM after its
    // framebuffer, v3's framebuffer already starts at PCI 4 GiB.
    std::vector<std::string> words{"check", "--", "qemu-system-ppc64", "-nodefaults"};
    for (int i = 1; i <= 5; ++i) {
        words.push_back("-device");
        words.push_back("VGA,vgamem_mb=512,id=v" + std::to_string(i));
    }
    const auto r = run_cli(words);
    EXPECT_EQ(r.status, EXIT_PREDICTED_FAILURE) << r.out << r.err;
    EXPECT_TRUE(mentions(r.out, "FAIL  spapr.bar-window")) << r.out;
    EXPECT_TRUE(mentions(r.out, "v3 does not fit PHB 0's windows")) << r.out;
    EXPECT_FALSE(mentions(r.out, "v2 does not fit")) << r.out;
    EXPECT_TRUE(mentions(r.out, "(planned again with it: passes)")) << r.out;
}

TEST(SpaprCli, NvlinkBridgeMustNameItsGpu) {
    const auto r = run_cli({"plan", "--passthrough", "0007:00:00.0=ibm-npu2-nvlink", "--", "qemu-system-ppc64"});
    EXPECT_EQ(r.status, EXIT_BAD_INPUT);
    EXPECT_TRUE(mentions(r.err, "@GPUHOST"));
}

}  // namespace
}  // namespace aperture::cli
