// `--qemu` and `--firmware KIND-RELEASE` on an x86 plan, through the real command-line wiring: the
// modelled releases are accepted and named in the report, anything else is bad input (exit 2).
#include "cli/commands.hpp"

#include <gtest/gtest.h>

#include "../support/cli_runner.hpp"

namespace aperture::cli {
namespace {

using test::run_cli;

bool mentions(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(StackCli, ModelledX86QemuReleaseIsAccepted) {
    const auto r = run_cli({"plan", "--qemu", "7.2", "--", "-machine", "q35"});
    EXPECT_EQ(r.status, EXIT_OK);
    EXPECT_TRUE(mentions(r.out, "aperture plan: QEMU 7.2 pc-q35-7.2 with SeaBIOS 1.16.2"));
}

TEST(StackCli, UnmodelledX86QemuReleaseIsBadInput) {
    const auto r = run_cli({"plan", "--qemu", "9.9", "--", "-machine", "q35"});
    EXPECT_EQ(r.status, EXIT_BAD_INPUT);
    EXPECT_TRUE(mentions(r.err, "--qemu 9.9: this QEMU release is not modelled for x86 (pc, q35); aperture models 7.2"));
    EXPECT_TRUE(r.out.empty());
}

TEST(StackCli, UnmodelledX86QemuReleaseIsBadInputForCheckToo) {
    const auto r = run_cli({"check", "--host", std::string(APERTURE_SOURCE_DIR) + "/tests/fixtures/host/snapshots/intel-i7-12700-rtx4090.json", "--qemu", "9.1", "--", "-machine", "pc"});
    EXPECT_EQ(r.status, EXIT_BAD_INPUT);
    EXPECT_TRUE(mentions(r.err, "--qemu 9.1"));
}

TEST(StackCli, NewerQemuAndSeabiosAreModelledTogether) {
    const auto r = run_cli({"plan", "--qemu", "10.0", "--firmware", "seabios-1.16.3", "--", "-machine", "q35", "-m", "8G"});
    EXPECT_EQ(r.status, EXIT_OK) << r.err;
    EXPECT_TRUE(mentions(r.out, "aperture plan: QEMU 10.0 pc-q35-10.0 with SeaBIOS 1.16.3")) << r.out;
}

TEST(StackCli, PatchLevelNamesItsRelease) {
    const auto r = run_cli({"plan", "--qemu", "10.0.2", "--", "-machine", "pc-q35-8.2"});
    EXPECT_EQ(r.status, EXIT_OK) << r.err;
    EXPECT_TRUE(mentions(r.out, "aperture plan: QEMU 10.0 pc-q35-8.2")) << r.out;
}

TEST(StackCli, MachineTypeNewerThanTheReleaseIsBadInput) {
    const auto r = run_cli({"plan", "--qemu", "10.0", "--", "-machine", "pc-q35-11.1"});
    EXPECT_EQ(r.status, EXIT_BAD_INPUT);
    EXPECT_TRUE(mentions(r.err, "machine type 'pc-q35-11.1' is not modelled; aperture models QEMU 10.0's")) << r.err;
}

TEST(StackCli, FirmwareWithReleaseSelectsThatRelease) {
    const auto r = run_cli({"plan", "--format", "json", "--firmware", "ovmf-2022.11", "--", "-machine", "q35"});
    EXPECT_EQ(r.status, EXIT_OK);
    EXPECT_TRUE(mentions(r.out, "\"firmware\": \"ovmf-edk2-stable202211\""));
}

TEST(StackCli, SeabiosWithReleaseSelectsSeabios) {
    const auto r = run_cli({"plan", "--firmware", "seabios-1.16.2", "--", "-machine", "pc"});
    EXPECT_EQ(r.status, EXIT_OK);
    EXPECT_TRUE(mentions(r.out, "with SeaBIOS 1.16.2"));
}

TEST(StackCli, UnmodelledFirmwareReleaseIsBadInput) {
    const auto r = run_cli({"plan", "--firmware", "ovmf-2023.05", "--", "-machine", "q35"});
    EXPECT_EQ(r.status, EXIT_BAD_INPUT);
}

TEST(StackCli, SourceModelledOvmfReleaseSaysSo) {
    const auto r = run_cli({"plan", "--firmware", "ovmf-2024.02", "--", "-machine", "q35"});
    EXPECT_EQ(r.status, EXIT_OK);
    EXPECT_TRUE(mentions(r.out, "flag: --firmware ovmf-2024.02; modelled from the upstream source, not checked against a binary "
                                "(edk2-stable202402)")) << r.out;
}

}  // namespace
}  // namespace aperture::cli
