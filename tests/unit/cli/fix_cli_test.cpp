// `aperture fix --xml`: the domain with its proven fixes written in, planned again from the written XML,
// valid by libvirt's schema, and nothing half-written when it cannot be saved.
#include "cli/commands.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "../support/cli_runner.hpp"
#include "../support/virt_xml_validate.hpp"

namespace aperture::cli {
namespace {

using Result = test::CliResult;
using test::run_cli;

std::string source(const std::string& relative) { return std::string(APERTURE_SOURCE_DIR) + "/" + relative; }

Result fix(const std::string& domain, std::vector<std::string> extra = {}) {
    std::vector<std::string> words{"fix", "--host", source("tests/fixtures/host/snapshots/h100-8gpu-server.json"), "--xml", domain};
    words.insert(words.end(), extra.begin(), extra.end());
    return run_cli(words);
}

std::string read(const std::string& path) {
    std::ifstream in(path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

bool validates(const std::string& xml) { return test::validates_as_domain(xml); }

TEST(FixCli, OvmfWindowTooSmallGetsXPciMmio64MbAndPassesWhenPlannedAgain) {
    const std::string input = source("tests/fixtures/libvirt-fix/h100-pair-ovmf.xml");
    // Without the fix, check fails on the dropped H100 BARs.
    EXPECT_EQ(run_cli({"check", "--host", source("tests/fixtures/host/snapshots/h100-8gpu-server.json"), "--xml", input}).status, 1);
    const Result r = fix(input);
    EXPECT_EQ(r.status, 0) << r.err;  // the written domain passes every check
    EXPECT_NE(r.out.find("<qemu:arg value='name=opt/ovmf/X-PciMmio64Mb,string="), std::string::npos) << r.out;
    EXPECT_NE(r.err.find("applied firmware.assignment"), std::string::npos) << r.err;
    EXPECT_TRUE(validates(r.out));
    // Fixing the fixed domain changes nothing.
    const test::TempFile fixed("aperture-fixed-once");
    fixed.write(r.out);
    const Result again = fix(fixed.path());
    EXPECT_EQ(again.status, 0);
    EXPECT_EQ(again.out, r.out);
    EXPECT_NE(again.err.find("nothing to change"), std::string::npos);
}

TEST(FixCli, PhysBitsTooLowAfterTheAmdRelocationGetsMaxphysaddr) {
    // Issue 16: an EPYC guest (40 bits) whose 1020 GiB QEMU moves above 1 TiB is refused, "phys-bits too
    // low"; `fix` used to say there was nothing to change.
    const std::string input = source("tests/fixtures/libvirt-fix/epyc-1020g.xml");
    const std::vector<std::string> host{"--host", source("tests/fixtures/host/snapshots/amd-epyc-a100.json")};
    EXPECT_EQ(run_cli({"check", host[0], host[1], "--xml", input}).status, 1);
    const Result r = run_cli({"fix", host[0], host[1], "--xml", input});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.out.find("<maxphysaddr mode='emulate' bits='42'/>"), std::string::npos) << r.out;
    EXPECT_TRUE(validates(r.out));
}

TEST(FixCli, OldLibvirtWithAVirtualIommuGetsAHardLimit) {
    // Before 8.7.0 libvirt raised the limit by RAM + 1 GiB whatever the device count; with a vIOMMU each
    // of the two H100s pins all 16 GiB of guest RAM on its own.
    const Result r = fix(source("tests/fixtures/libvirt-fix/h100-pair-viommu.xml"), {"--libvirt-version", "8.1.0"});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.out.find("  <memtune>\n    <hard_limit unit='KiB'>34603008</hard_limit>\n  </memtune>\n"), std::string::npos) << r.out;
    EXPECT_TRUE(validates(r.out));
    // libvirt 9.0.0 already counts each device: nothing to fix.
    EXPECT_NE(fix(source("tests/fixtures/libvirt-fix/h100-pair-viommu.xml")).err.find("nothing to change"), std::string::npos);
}

TEST(FixCli, HotplugPortGetsAReservationThroughQemuOverride) {
    // SeaBIOS starts the 64-bit window at 10 GiB (1 GiB-aligned after 8 GiB of RAM): a 32 GiB window there
    // holds no 32 GiB-aligned BAR, so the smallest reservation that works is 64 GiB.
    const Result r = fix(source("tests/fixtures/libvirt-fix/hotplug-port.xml"), {"--will-attach", "pci.1=32G"});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.out.find("    <qemu:device alias='pci.1'>\n      <qemu:frontend>\n"
                         "        <qemu:property name='pref64-reserve' type='unsigned' value='68719476736'/>"),
              std::string::npos)
        << r.out;
    EXPECT_TRUE(validates(r.out));
}

TEST(FixCli, OutputIsWrittenWholeOrNotAtAll) {
    const test::TempFile output("aperture-fix-output");
    const Result r = fix(source("tests/fixtures/libvirt-fix/h100-pair-ovmf.xml"), {"--output", output.path()});
    EXPECT_EQ(r.status, 0);
    EXPECT_TRUE(r.out.empty());
    EXPECT_TRUE(validates(read(output.path())));

    const Result bad = fix(source("tests/fixtures/libvirt-fix/h100-pair-ovmf.xml"), {"--output", "/nonexistent-dir/vm.xml"});
    EXPECT_EQ(bad.status, 2);
    EXPECT_NE(bad.err.find("--output /nonexistent-dir/vm.xml: cannot open its directory"), std::string::npos) << bad.err;
    EXPECT_TRUE(bad.out.empty());
}

TEST(FixCli, NeedsADomain) {
    EXPECT_EQ(run_cli({"fix"}).status, 2);
    const Result missing = fix("/nonexistent/vm.xml");
    EXPECT_EQ(missing.status, 2);
    EXPECT_NE(missing.err.find("/nonexistent/vm.xml"), std::string::npos) << missing.err;
}

TEST(FixCli, TheMapIsDrawnForPseries) {
    const Result r = run_cli({"plan", "--format", "svg", "--", "qemu-system-ppc64", "-M", "pseries", "-m", "2G"});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.out.find("<svg "), std::string::npos);
    EXPECT_NE(r.out.find("data-key=\"root-mem32\""), std::string::npos);
}

}  // namespace
}  // namespace aperture::cli
