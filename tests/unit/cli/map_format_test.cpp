// `--format svg|html` on plan and check: the whole document on standard output and the same exit status
// as the text report.
#include <gtest/gtest.h>

#include "../support/cli_runner.hpp"

#include <sstream>
#include <string>
#include <vector>

#include "cli/commands.hpp"

namespace aperture::cli {
namespace {

using Result = test::CliResult;
inline Result run_words(std::vector<std::string> words) { return test::run_cli(std::move(words)); }

const std::vector<std::string> kDropsGpu = {"-machine", "q35", "-m", "2G", "-nodefaults", "-cpu", "qemu64,vendor=GenuineIntel", "-bios", "OVMF.fd",
                                            "-device", "pcie-root-port,id=rp,chassis=1", "-device", "pci-testdev,id=gpu,membar=32G,bus=rp",
                                            "-device", "pci-testdev,id=t1g,membar=1G"};

Result with(std::vector<std::string> words, const std::vector<std::string>& qemu) {
    words.push_back("--");
    words.insert(words.end(), qemu.begin(), qemu.end());
    return run_words(words);
}

TEST(MapFormat, PlanSvgIsAWholeSvgDocument) {
    const auto r = with({"plan", "--format", "svg"}, {"-machine", "q35", "-m", "2G", "-nodefaults"});
    EXPECT_EQ(r.status, EXIT_OK);
    EXPECT_TRUE(r.out.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\""));
    EXPECT_TRUE(r.out.ends_with("</svg>\n"));
}

TEST(MapFormat, PlanHtmlKeepsTheFailureExitStatus) {
    const auto r = with({"plan", "--format", "html"}, kDropsGpu);
    EXPECT_EQ(r.status, EXIT_PREDICTED_FAILURE);
    EXPECT_TRUE(r.out.starts_with("<!DOCTYPE html>"));
    EXPECT_NE(r.out.find("data-kind=\"unassigned\""), std::string::npos);
    EXPECT_NE(r.out.find("Outcome: 3 BAR(s) left unassigned"), std::string::npos);  // the text report, under the map
}

TEST(MapFormat, CheckHtmlDrawsTheFindings) {
    const std::string snapshot = std::string(APERTURE_SOURCE_DIR) + "/tests/fixtures/host/snapshots/intel-i7-12700-rtx4090.json";
    const auto r = with({"check", "--format", "html", "--host", snapshot}, kDropsGpu);
    EXPECT_EQ(r.status, EXIT_PREDICTED_FAILURE);
    EXPECT_NE(r.out.find("data-finding=\"firmware.assignment\" data-verdict=\"FAIL\""), std::string::npos);
    EXPECT_NE(r.out.find("data-limit=\"host-phys-bits\""), std::string::npos);
    EXPECT_NE(r.out.find("aperture check: QEMU 7.2"), std::string::npos);  // the check report, then the plan's
}

TEST(MapFormat, UnknownFormatIsBadInput) {
    const auto r = with({"plan", "--format", "png"}, {"-machine", "q35"});
    EXPECT_EQ(r.status, EXIT_BAD_INPUT);
    EXPECT_EQ(r.out, "");
}

}  // namespace
}  // namespace aperture::cli
