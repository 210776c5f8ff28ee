// `aperture plan --xml` and `aperture check --xml`: a libvirt domain instead of a QEMU command line.
#include "cli/commands.hpp"

#include <gtest/gtest.h>

#include "../support/cli_runner.hpp"

#include <sstream>
#include <string>
#include <vector>

namespace aperture::cli {
namespace {

using Result = test::CliResult;
using test::run_cli;

const std::string kGolden = std::string(APERTURE_SOURCE_DIR) + "/tests/golden/cases/";

TEST(PlanXml, PlansADomainFile) {
    const Result r = run_cli({"plan", "--xml", kGolden + "libvirt-pc-explicit-addresses.xml"});
    EXPECT_EQ(r.status, EXIT_OK) << r.err;
    EXPECT_NE(r.out.find("pci.1      pci-bridge"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("net0       e1000"), std::string::npos) << r.out;
}

TEST(PlanXml, RefusesBothAnXmlAndACommandLine) {
    const Result r = run_cli({"plan", "--xml", kGolden + "libvirt-pc-explicit-addresses.xml", "--", "-m", "1G"});
    EXPECT_EQ(r.status, EXIT_BAD_INPUT);
    EXPECT_NE(r.err.find("give either --xml FILE or a QEMU command line, not both"), std::string::npos) << r.err;
    EXPECT_EQ(r.out, "");
}

TEST(PlanXml, MissingFileIsNamed) {
    const Result r = run_cli({"plan", "--xml", "/nonexistent/vm.xml"});
    EXPECT_EQ(r.status, EXIT_BAD_INPUT);
    EXPECT_NE(r.err.find("cannot read domain XML '/nonexistent/vm.xml'"), std::string::npos) << r.err;
}

TEST(PlanXml, UnsupportedArchitectureExitsTwo) {
    const Result r = run_cli({"plan", "--xml", std::string(APERTURE_SOURCE_DIR) + "/tests/fixtures/libvirt-xml/hostdev-vfio-zpci.xml"});
    EXPECT_EQ(r.status, EXIT_BAD_INPUT);
    EXPECT_NE(r.err.find("not modelled: "), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("architecture 's390x'"), std::string::npos) << r.err;
}

// A ppc64 domain is a pSeries guest: its hostdevs need to be known, and the error names the element.
TEST(PlanXml, Ppc64DomainIsPlannedAsPseries) {
    const Result r = run_cli({"plan", "--xml", std::string(APERTURE_SOURCE_DIR) + "/tests/fixtures/libvirt-xml/pseries-hostdevs-1.xml"});
    EXPECT_EQ(r.status, EXIT_BAD_INPUT);
    EXPECT_NE(r.err.find("pseries-hostdevs-1.xml:20 (<interface type='hostdev'"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("--passthrough 0005:90:01.0="), std::string::npos) << r.err;
}

}  // namespace
}  // namespace aperture::cli
