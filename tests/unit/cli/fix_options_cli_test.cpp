// `aperture fix` reads check's inputs (declared once for both) and answers in JSON with the fixes as check
// gives them: each input option changes what fix does, and --format json carries "aperture-fix/2".
#include "cli/commands.hpp"

#include <CLI/CLI.hpp>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <set>

#include "../support/cli_runner.hpp"
#include "cli/subcommands.hpp"

namespace aperture::cli {
namespace {

using Result = test::CliResult;
using test::run_cli;

std::string source(const std::string& relative) { return std::string(APERTURE_SOURCE_DIR) + "/" + relative; }
std::string snapshot(const std::string& name) { return source("tests/fixtures/host/snapshots/" + name + ".json"); }
std::string domain(const std::string& name) { return source("tests/fixtures/libvirt-fix/" + name + ".xml"); }

const std::string kH100Host = snapshot("h100-8gpu-server");

Result fix_json(const std::string& xml, std::vector<std::string> extra = {}) {
    std::vector<std::string> words{"fix", "--format", "json", "--xml", xml};
    words.insert(words.end(), extra.begin(), extra.end());
    return run_cli(words);
}

nlohmann::json parsed(const Result& r) {
    auto j = nlohmann::json::parse(r.out, nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << r.out << r.err;
    return j;
}

TEST(FixJson, CarriesCheckFindingsWithTheirFixesAndTheFixedDomainChecked) {
    const Result r = fix_json(domain("h100-pair-ovmf"), {"--host", kH100Host});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_TRUE(r.err.empty()) << r.err;  // everything is in the JSON
    const auto j = parsed(r);
    EXPECT_EQ(j["schema"], "aperture-fix/2");
    EXPECT_EQ(j["domain"], domain("h100-pair-ovmf"));
    // The findings before fixing are exactly what `check --format json` reports, fixes and proofs included.
    const Result check = run_cli({"check", "--format", "json", "--host", kH100Host, "--xml", domain("h100-pair-ovmf")});
    const auto c = nlohmann::json::parse(check.out);
    EXPECT_EQ(j["findings"], c["findings"]);
    EXPECT_EQ(j["stack"], c["stack"]);
    EXPECT_EQ(c["failed"], true);
    ASSERT_EQ(j["applied"].size(), 1u);
    EXPECT_EQ(j["applied"][0].get<std::string>().rfind("firmware.assignment: ", 0), 0u) << j["applied"];
    // The fix written, in the structured form: a libvirt-xml change among the first fix's changes.
    bool libvirt_change = false;
    for (const auto& f : j["findings"]) {
        if (f["id"] != "firmware.assignment") continue;
        for (const auto& change : f["fixes"][0]["changes"]) libvirt_change |= change["kind"] == "libvirt-xml";
        EXPECT_EQ(f["fixes"][0]["proof"]["method"], "whole-check");
    }
    EXPECT_TRUE(libvirt_change);
    EXPECT_NE(j["fixed"]["domain_xml"].get<std::string>().find("X-PciMmio64Mb"), std::string::npos);
    EXPECT_EQ(j["fixed"]["failed"], false);
    EXPECT_EQ(j["failed"], false);
}

TEST(FixJson, OutputGetsTheDomainAndStdoutTheJson) {
    const std::string output = ::testing::TempDir() + "aperture-fix-json-output.xml";
    const Result r = fix_json(domain("h100-pair-ovmf"), {"--host", kH100Host, "--output", output});
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_EQ(parsed(r)["schema"], "aperture-fix/2");
    std::remove(output.c_str());
}

TEST(FixJson, ErrorsComeAsJsonOnStdout) {
    const Result missing = fix_json("/nonexistent/vm.xml", {"--host", kH100Host});
    EXPECT_EQ(missing.status, EXIT_BAD_INPUT);
    const auto j = parsed(missing);
    EXPECT_TRUE(j.contains("error")) << missing.out;
    EXPECT_NE(missing.out.find("/nonexistent/vm.xml"), std::string::npos) << missing.out;

    const Result usage = run_cli({"fix", "--format", "json", "--no-such-option"});
    EXPECT_EQ(usage.status, EXIT_BAD_INPUT);
    EXPECT_FALSE(parsed(usage).is_discarded());
}

TEST(FixOptions, FixTakesEveryInputOptionOfCheckButTheVmDescription) {
    CLI::App app;
    CheckCommand check_command;
    FixCommand fix_command;
    const CLI::App* check = add_check_subcommand(app, check_command);
    const CLI::App* fix = add_fix_subcommand(app, fix_command);
    std::set<std::string> fix_options;
    for (const CLI::Option* o : fix->get_options()) {
        for (const auto& name : o->get_lnames()) fix_options.insert(name);
    }
    // fix reads a libvirt domain only: the other descriptions (a Proxmox command line, an xl.cfg and its
    // Xen options) are check's alone, and so is --color (fix prints a domain, not PASS/WARN/FAIL lines).
    const std::set<std::string> description_only{"proxmox-cmd", "xl", "xen", "phys-bits", "color"};
    unsigned shared = 0;
    for (const CLI::Option* o : check->get_options()) {
        for (const auto& name : o->get_lnames()) {
            if (description_only.contains(name)) continue;
            EXPECT_TRUE(fix_options.contains(name)) << "--" << name;
            ++shared;
        }
    }
    EXPECT_EQ(shared, 15u);  // --help, --format, --xml, --output, the eight input options and the three host-CPU ones
}

TEST(FixOptions, MigrateToProvesTheFixOnTheTargetAndReportsItsFindings) {
    const Result alone = fix_json(domain("h100-pair-ovmf"), {"--host", kH100Host});
    const Result with_target = fix_json(domain("h100-pair-ovmf"), {"--host", kH100Host, "--migrate-to", snapshot("xeon-e3-1230-36bit-ept")});
    const auto a = parsed(alone), t = parsed(with_target);
    EXPECT_TRUE(a["migrations"].empty());
    ASSERT_EQ(t["migrations"].size(), 1u);
    ASSERT_EQ(t["fixed"]["migrations"].size(), 1u);
    // The 36-bit target cannot map two 128 GiB BARs: the fixed domain still fails there, and fix says so.
    EXPECT_EQ(t["fixed"]["failed"], true);
    EXPECT_EQ(with_target.status, EXIT_PREDICTED_FAILURE);
    const Result text = run_cli({"fix", "--host", kH100Host, "--migrate-to", snapshot("xeon-e3-1230-36bit-ept"), "--xml", domain("h100-pair-ovmf")});
    EXPECT_NE(text.err.find("still FAIL after the fix target."), std::string::npos) << text.err;
}

TEST(FixOptions, PassthroughNamesHostdevsTheHostSnapshotLacks) {
    // The i7 desktop has no 0000:18:00.0 / 0000:19:00.0: without --passthrough the domain cannot be planned.
    const std::vector<std::string> host{"--host", snapshot("intel-i7-12700-rtx4090")};
    const Result without = run_cli({"fix", host[0], host[1], "--xml", domain("h100-pair-ovmf")});
    EXPECT_EQ(without.status, EXIT_BAD_INPUT) << without.err;
    const Result with = run_cli({"fix", host[0], host[1], "--passthrough", "0000:18:00.0=h100", "--passthrough", "0000:19:00.0=h100", "--xml",
                                domain("h100-pair-ovmf")});
    EXPECT_NE(with.status, EXIT_BAD_INPUT) << with.err;
    EXPECT_NE(with.out.find("<domain"), std::string::npos);
}

TEST(FixOptions, FirmwareChangesTheReservationTheHotplugPortNeeds) {
    // SeaBIOS starts its 64-bit window 1 GiB-aligned after RAM, so 32 GiB must be doubled; OVMF aligns it.
    const std::vector<std::string> words{"--host", kH100Host, "--will-attach", "pci.1=32G"};
    auto reserve = [](const Result& r) {
        const std::string property = "name='pref64-reserve' type='unsigned' value='";
        const auto at = r.out.find(property);
        if (at == std::string::npos) return std::string();
        const auto start = at + property.size();
        return r.out.substr(start, r.out.find('\'', start) - start);
    };
    std::vector<std::string> seabios{"fix", "--xml", domain("hotplug-port")};
    seabios.insert(seabios.end(), words.begin(), words.end());
    std::vector<std::string> ovmf = seabios;
    ovmf.insert(ovmf.end(), {"--firmware", "ovmf"});
    const Result s = run_cli(seabios), o = run_cli(ovmf);
    EXPECT_EQ(reserve(s), "68719476736") << s.out;
    EXPECT_EQ(reserve(o), "34359738368") << o.out << o.err;
}

TEST(FixOptions, QemuNamesTheReleaseModelled) {
    const Result r = fix_json(domain("hotplug-port"), {"--host", kH100Host, "--qemu", "10.0"});
    EXPECT_NE(r.status, EXIT_BAD_INPUT) << r.out;
    EXPECT_NE(parsed(r)["summary"].get<std::string>().find("QEMU 10.0"), std::string::npos) << r.out;
    const Result bad = run_cli({"fix", "--host", kH100Host, "--qemu", "6.0", "--xml", domain("hotplug-port")});
    EXPECT_EQ(bad.status, EXIT_BAD_INPUT);
}

TEST(FixOptions, AnArchContradictingTheDomainIsRefusedSayingWhy) {
    const Result r = run_cli({"fix", "--host", kH100Host, "--arch", "ppc64", "--xml", domain("hotplug-port")});
    EXPECT_EQ(r.status, EXIT_BAD_INPUT);
    EXPECT_NE(r.err.find("--arch ppc64: "), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("is not a ppc64 domain"), std::string::npos) << r.err;
}

TEST(FixOptions, ACommandLineAfterTheSeparatorIsRefusedNotIgnored) {
    const Result r = run_cli({"fix", "--host", kH100Host, "--xml", domain("hotplug-port"), "--", "-m", "4G"});
    EXPECT_EQ(r.status, EXIT_BAD_INPUT);
    EXPECT_NE(r.err.find("aperture fix needs --xml FILE and no other VM description"), std::string::npos) << r.err;
}

TEST(FixOptions, WillAttachACatalogDeviceChecksItsThirtyTwoBitBar) {
    // A 32G BAR fits once reserved; an H100 also has a 16 MiB 32-bit BAR 0 that SeaBIOS's 2 MiB memory
    // window for the empty port cannot hold: fix cannot write that, and says so.
    const Result size = run_cli({"fix", "--host", kH100Host, "--will-attach", "pci.1=32G", "--xml", domain("hotplug-port")});
    EXPECT_EQ(size.status, EXIT_OK) << size.err;
    const Result h100 = run_cli({"fix", "--host", kH100Host, "--will-attach", "pci.1=h100", "--xml", domain("hotplug-port")});
    EXPECT_EQ(h100.status, EXIT_PREDICTED_FAILURE) << h100.err;
    EXPECT_NE(h100.err.find("BAR 0 (16 MiB 32-bit non-prefetchable)"), std::string::npos) << h100.err;
}

TEST(WillAttachPort, ATypoInThePortIdIsBadInputNamingThePorts) {
    // Issue 18: a port-id typo exited 1, as if the VM would fail.
    const Result check = run_cli({"check", "--host", kH100Host, "--will-attach", "pci.2=32G", "--xml", domain("hotplug-port")});
    EXPECT_EQ(check.status, EXIT_BAD_INPUT);
    EXPECT_NE(check.err.find("--will-attach pci.2=32G: this VM has no PCI port or bridge with id 'pci.2'; it has: pci.1"), std::string::npos)
        << check.err;
    const Result fix = run_cli({"fix", "--host", kH100Host, "--will-attach", "pci.2=32G", "--xml", domain("hotplug-port")});
    EXPECT_EQ(fix.status, EXIT_BAD_INPUT);
    const Result line = run_cli({"check", "--host", kH100Host, "--will-attach", "rp9=32G", "--", "-machine", "q35", "-m", "2G",
                                 "-nodefaults", "-device", "pcie-root-port,id=rp1,chassis=1"});
    EXPECT_EQ(line.status, EXIT_BAD_INPUT);
    EXPECT_NE(line.err.find("it has: rp1"), std::string::npos) << line.err;
}

TEST(WillAttachPort, AHostBdfFromTheSnapshotBringsAllItsBars) {
    // 0000:18:00.0 on the H100 server is an H100: its 16 MiB BAR 0 does not fit the empty port's window.
    const Result r = run_cli({"check", "--host", kH100Host, "--will-attach", "rp1=0000:18:00.0", "--", "-machine", "q35", "-m", "2G",
                              "-nodefaults", "-device", "pcie-root-port,id=rp1,chassis=1"});
    EXPECT_EQ(r.status, EXIT_PREDICTED_FAILURE) << r.err;
    EXPECT_NE(r.out.find("Port rp1 has room for a hot-plugged host device 0000:18:00.0"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("BAR 0 (16 MiB 32-bit non-prefetchable)"), std::string::npos) << r.out;
    const Result bridge = run_cli({"check", "--host", kH100Host, "--will-attach", "rp1=0000:15:01.0", "--", "-machine", "q35", "-m", "2G",
                                   "-nodefaults", "-device", "pcie-root-port,id=rp1,chassis=1"});
    EXPECT_EQ(bridge.status, EXIT_BAD_INPUT);
    EXPECT_NE(bridge.err.find("host device 0000:15:01.0 cannot be passed through"), std::string::npos) << bridge.err;
}

}  // namespace
}  // namespace aperture::cli
