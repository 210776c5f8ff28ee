// Bad input gets a clear message naming the argument and what was expected, exit status 2, and nothing
// on standard output; a predicted failure is exit status 1 with the full report.
#include "cli/commands.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "../support/cli_runner.hpp"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <vector>

namespace aperture::cli {
namespace {

using Result = test::CliResult;
using test::run_cli;

Result plan_with(std::vector<std::string> options, std::vector<std::string> qemu) {
    std::vector<std::string> words{"plan", "--format", "json"};
    words.insert(words.end(), options.begin(), options.end());
    words.push_back("--");
    words.insert(words.end(), qemu.begin(), qemu.end());
    return run_cli(words);
}

Result plan(std::vector<std::string> qemu) { return plan_with({}, std::move(qemu)); }

bool mentions(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// With --format json an error is a JSON object on standard output: its message.
std::string error_message(const Result& r) {
    const auto j = nlohmann::json::parse(r.out, nullptr, false);
    if (j.is_discarded() || !j.contains("error")) return "(no JSON error on stdout: " + r.out + ")";
    return j["error"]["message"].get<std::string>();
}

TEST(PlanCommand, GoodVmExitsZeroWithJson) {
    const auto r = plan({"-machine", "q35", "-m", "2G", "-nodefaults"});
    EXPECT_EQ(r.status, EXIT_OK);
    EXPECT_TRUE(mentions(r.out, "\"schema\": \"aperture-plan/2\""));
}

TEST(PlanCommand, MalformedSizeNamesTheArgument) {
    const auto r = plan({"-machine", "q35", "-m", "2X"});
    EXPECT_EQ(r.status, EXIT_BAD_INPUT);
    EXPECT_TRUE(mentions(error_message(r), "-m 2X")) << r.out;
    EXPECT_EQ(r.err, "");
}

TEST(PlanCommand, SizeNear2To64IsRefusedAsQemuRefusesIt) {
    const auto r = plan({"-machine", "q35", "-m", "2G", "-device", "pci-testdev,membar=16E"});
    EXPECT_EQ(r.status, EXIT_PREDICTED_FAILURE);
    EXPECT_TRUE(mentions(r.out, "-device pci-testdev,membar=16E: Parameter 'membar' expects size")) << r.out;
}

TEST(PlanCommand, MemorySizeNear2To64IsRejected) {
    const auto r = plan({"-machine", "q35", "-m", "16E"});
    EXPECT_EQ(r.status, EXIT_BAD_INPUT);
    EXPECT_TRUE(mentions(error_message(r), "-m 16E")) << r.out;
    EXPECT_EQ(r.err, "");
}

TEST(PlanCommand, UnknownDeviceIsNamed) {
    const auto r = plan({"-machine", "q35", "-device", "frobnicator-pci"});
    EXPECT_EQ(r.status, EXIT_BAD_INPUT);
    EXPECT_TRUE(mentions(error_message(r), "frobnicator-pci")) << r.out;
    EXPECT_EQ(r.err, "");
}

TEST(PlanCommand, UnknownPropertyIsNamed) {
    const auto r = plan({"-machine", "q35", "-device", "pci-testdev,colour=blue"});
    EXPECT_EQ(r.status, EXIT_BAD_INPUT);
    EXPECT_TRUE(mentions(error_message(r), "colour")) << r.out;
}

TEST(PlanCommand, MissingBusIsNamed) {
    const auto r = plan({"-machine", "q35", "-device", "pci-testdev,bus=nowhere"});
    EXPECT_EQ(r.status, EXIT_BAD_INPUT);
    EXPECT_TRUE(mentions(error_message(r), "Bus 'nowhere' not found")) << r.out;
}

TEST(PlanCommand, BusNamingAnEndpointIsImpossible) {
    const auto r = plan({"-machine", "q35", "-device", "pci-testdev,id=t1", "-device", "pci-testdev,bus=t1"});
    EXPECT_EQ(r.status, EXIT_BAD_INPUT);
    EXPECT_TRUE(mentions(error_message(r), "Bus 't1' not found")) << r.out;
}

TEST(PlanCommand, DuplicateChassisSlotIsQemusRefusal) {
    const auto r = plan({"-machine", "q35", "-nodefaults", "-device", "pcie-root-port,id=a", "-device", "pcie-root-port,id=b"});
    EXPECT_EQ(r.status, EXIT_PREDICTED_FAILURE);
    EXPECT_TRUE(mentions(r.out, "-device pcie-root-port,id=b: Can't add chassis slot, error -16")) << r.out;
}

TEST(PlanCommand, UnknownPassthroughDeviceIsNamed) {
    const auto r = run_cli({"plan", "--passthrough", "41:00.0=quantum-gpu", "--", "-machine", "q35"});
    EXPECT_EQ(r.status, EXIT_BAD_INPUT);
    EXPECT_TRUE(mentions(r.err, "quantum-gpu")) << r.err;
}

TEST(PlanCommand, PassthroughDeviceTakesCatalogBars) {
    const auto r = plan_with({"--passthrough", "41:00.0=h100"},
                             {"-machine", "q35", "-m", "8G", "-nodefaults", "-device", "pcie-root-port,id=rp1,chassis=1",
                              "-device", "vfio-pci,host=0000:41:00.0,bus=rp1"});
    EXPECT_EQ(r.status, EXIT_OK) << r.err;
    EXPECT_TRUE(mentions(r.out, "\"size\": 137438953472")) << r.out;
}

TEST(PlanCommand, SecondDeviceBehindRootPortIsImpossible) {
    const auto r = plan({"-machine", "q35", "-device", "pcie-root-port,id=rp1,chassis=1", "-device",
                         "pci-testdev,bus=rp1", "-device", "pci-testdev,bus=rp1"});
    EXPECT_EQ(r.status, EXIT_BAD_INPUT);
    EXPECT_TRUE(mentions(error_message(r), "rp1")) << r.out;
}

TEST(PlanCommand, OccupiedSlotIsQemusRefusal) {
    const auto r = plan({"-machine", "q35", "-device", "pci-testdev,addr=1f.0"});
    EXPECT_EQ(r.status, EXIT_PREDICTED_FAILURE);
    EXPECT_TRUE(mentions(r.out, "-device pci-testdev,addr=1f.0: PCI: slot 31 function 0 not available for pci-testdev, in use by ICH9-LPC"))
        << r.out;
}

TEST(PlanCommand, UnknownMachineTypeIsNamed) {
    const auto r = plan({"-machine", "pc-q35-2.4"});
    EXPECT_EQ(r.status, EXIT_BAD_INPUT);
    EXPECT_TRUE(mentions(error_message(r), "pc-q35-2.4")) << r.out;
}

TEST(PlanCommand, QemuRefusalIsAPredictionNotAnError) {
    const auto r = plan({"-machine", "q35", "-m", "2G", "-cpu", "qemu64,phys-bits=35"});
    EXPECT_EQ(r.status, EXIT_PREDICTED_FAILURE);
    EXPECT_TRUE(mentions(r.out, "phys-bits too low (35)"));
}

TEST(PlanCommand, FirmwarePanicIsAPrediction) {
    const auto r = plan({"-machine", "q35", "-m", "2G", "-nodefaults", "-device", "VGA,vgamem_mb=512", "-device",
                         "VGA,vgamem_mb=512"});
    EXPECT_EQ(r.status, EXIT_PREDICTED_FAILURE);
    EXPECT_TRUE(mentions(r.out, "PCI: out of 32bit address space"));
}

TEST(PlanCommand, MissingCommandLineIsAnError) {
    const auto r = run_cli({"plan"});
    EXPECT_EQ(r.status, EXIT_BAD_INPUT);
}

TEST(PlanCommand, MissingArgsFileIsNamed) {
    const auto r = run_cli({"plan", "--", "@/nonexistent/vm.args"});
    EXPECT_EQ(r.status, EXIT_BAD_INPUT);
    EXPECT_TRUE(mentions(r.err, "/nonexistent/vm.args")) << r.err;
}

}  // namespace
}  // namespace aperture::cli

namespace aperture::cli {
namespace {

std::string fixture(const std::string& name) { return std::string(APERTURE_SOURCE_DIR) + "/tests/fixtures/host/" + name; }

std::string saved_snapshot(const std::string& name) {
    const std::string path = ::testing::TempDir() + "aperture-" + name + ".json";
    const auto r = run_cli({"host", "--root", fixture(name), "--save", path, "--format", "json"});
    EXPECT_EQ(r.status, EXIT_OK) << r.err;
    return path;
}

TEST(HostCommand, ProbesAFixtureTreeAndSavesItsSnapshot) {
    const auto r = run_cli({"host", "--root", fixture("amd-epyc-a100")});
    EXPECT_EQ(r.status, EXIT_OK) << r.err;
    EXPECT_TRUE(mentions(r.out, "0x000000fd00000000-0x000000ffffffffff"));
    const std::string path = saved_snapshot("amd-epyc-a100");
    const auto again = run_cli({"plan", "--host", path, "--format", "json", "--", "-machine", "q35", "-m", "2G", "-nodefaults",
                                "-device", "vfio-pci,host=41:00.0"});
    EXPECT_EQ(again.status, EXIT_OK) << again.err;
    EXPECT_TRUE(mentions(again.out, "\"driver\": \"vfio-pci\"")) << again.out;
}

TEST(HostCommand, NamesEachFunctionFromPciIds) {
    const auto r = run_cli({"host", "--root", fixture("intel-i7-12700-rtx4090")});
    EXPECT_EQ(r.status, EXIT_OK) << r.err;
    EXPECT_TRUE(mentions(r.out, "            name     VGA compatible controller: NVIDIA Corporation AD102 [GeForce RTX 4090]\n")) << r.out;
    EXPECT_TRUE(mentions(r.out, "            name     Audio device: NVIDIA Corporation AD102 High Definition Audio Controller\n"));
}

// Issue 18: `--root /nonexistent` used to exit 0 describing an empty host.
TEST(HostCommand, ARootThatIsNoDirectoryIsBadInput) {
    const auto r = run_cli({"host", "--root", "/nonexistent"});
    EXPECT_EQ(r.status, EXIT_BAD_INPUT);
    EXPECT_TRUE(mentions(r.err, "--root '/nonexistent': not a directory")) << r.err;
    EXPECT_TRUE(r.out.empty());
}

// Issue 18: a host where vfio-pci cannot pass anything through used to exit 0 with only a note.
TEST(HostCommand, AHostWithoutIommuGroupsExitsOne) {
    const auto r = run_cli({"host", "--root", fixture("epyc-9654-4level-npt")});
    EXPECT_EQ(r.status, EXIT_PREDICTED_FAILURE) << r.err;
    EXPECT_TRUE(mentions(r.out, "no IOMMU groups: the IOMMU is off or absent, so vfio-pci cannot pass devices through"));
}

TEST(HostCommand, AMissingSnapshotIsBadInputNamingTheFile) {
    const auto r = run_cli({"plan", "--host", "/nonexistent/host.json", "--", "-machine", "q35"});
    EXPECT_EQ(r.status, EXIT_BAD_INPUT);
    EXPECT_TRUE(mentions(r.err, "/nonexistent/host.json"));
    EXPECT_TRUE(r.out.empty());
}

TEST(CheckCommand, FailsWithAFixAndChecksTheMigrationTarget) {
    const std::string xeon = saved_snapshot("xeon-e3-1230-36bit");
    const std::string epyc = saved_snapshot("amd-epyc-a100");
    const auto r = run_cli({"check", "--host", xeon, "--migrate-to", epyc, "--", "-machine", "q35", "-m", "8G", "-nodefaults", "-cpu",
                            "qemu64,vendor=GenuineIntel", "-bios", "OVMF.fd", "-device", "pcie-root-port,id=rp,chassis=1", "-device",
                            "pci-testdev,membar=32G,bus=rp", "-device", "pci-testdev,membar=1G"});
    EXPECT_EQ(r.status, EXIT_PREDICTED_FAILURE) << r.err;
    EXPECT_TRUE(mentions(r.out, "FAIL  firmware.assignment"));
    EXPECT_TRUE(mentions(r.out, "-fw_cfg name=opt/ovmf/X-PciMmio64Mb,string=65536"));
    EXPECT_TRUE(mentions(r.out, "On the migration target AMD EPYC 7543"));
    EXPECT_TRUE(mentions(r.out, "target.host.phys-bits"));
}

TEST(CheckCommand, JsonSaysWhetherAnythingFailed) {
    const std::string epyc = saved_snapshot("amd-epyc-a100");
    const auto r = run_cli({"check", "--host", epyc, "--format", "json", "--", "-machine", "q35", "-m", "2G", "-nodefaults"});
    EXPECT_EQ(r.status, EXIT_OK) << r.out;
    EXPECT_TRUE(mentions(r.out, "\"schema\": \"aperture-check/3\""));
    EXPECT_TRUE(mentions(r.out, "\"failed\": false"));
}

// plan, check and fix take the same host-CPU options, and a vendor CPUID never reports is bad input.
TEST(HostCpuOptions, AVendorCpuidNeverReportsIsBadInput) {
    const auto r = run_cli({"plan", "--host-cpu-vendor", "Intell", "--", "-machine", "q35", "-nodefaults"});
    EXPECT_EQ(r.status, EXIT_BAD_INPUT);
    EXPECT_TRUE(mentions(r.err, "--host-cpu-vendor")) << r.err;
}

TEST(HostCpuOptions, CheckCopiesTheGivenHostIntoAKvmGuest) {
    for (const std::string vendor : {"intel", "GenuineIntel"}) {
        const auto r = run_cli({"check", "--host-cpu-vendor", vendor, "--host-phys-bits", "43", "--format", "json", "--",
                                "-machine", "q35,accel=kvm", "-cpu", "host", "-m", "2G", "-nodefaults"});
        ASSERT_NE(r.status, EXIT_BAD_INPUT) << r.err << r.out;
        const auto j = nlohmann::json::parse(r.out, nullptr, false);
        ASSERT_FALSE(j.is_discarded()) << r.out;
        EXPECT_TRUE(mentions(r.out, "\"phys_bits\": 43")) << vendor;
        EXPECT_TRUE(mentions(r.out, "GenuineIntel")) << vendor;
    }
}

// --host-phys-bits without a vendor changes the width of whichever host CPU the plan uses (here the snapshot's).
TEST(HostCpuOptions, PhysBitsAloneOverrideTheSnapshotsCpu) {
    const std::string xeon = saved_snapshot("xeon-e3-1230-36bit");
    const auto r = run_cli({"plan", "--host", xeon, "--host-phys-bits", "46", "--format", "json", "--", "-machine", "q35,accel=kvm",
                            "-cpu", "host", "-m", "2G", "-nodefaults"});
    EXPECT_EQ(r.status, EXIT_OK) << r.err << r.out;
    EXPECT_TRUE(mentions(r.out, "\"phys_bits\": 46")) << r.out;
}

// QEMU's options without "--" are not aperture's: the message says where they go.
TEST(Usage, QemuOptionsWithoutTheSeparatorGetAHint) {
    const auto r = run_cli({"plan", "-machine", "q35", "-m", "2G"});
    EXPECT_EQ(r.status, EXIT_BAD_INPUT);
    EXPECT_TRUE(mentions(r.err, "QEMU's own options go after \"--\"")) << r.err;
    const auto j = run_cli({"plan", "--format", "json", "-machine", "q35"});
    EXPECT_TRUE(mentions(error_message(j), "go after \"--\"")) << j.out;
}

// A repeatable option takes one value per use: an @FILE after it is the command line, not a second value.
TEST(Usage, ARepeatableOptionLeavesTheArgsFileAlone) {
    const std::string path = ::testing::TempDir() + "aperture-swallow.args";
    {
        std::ofstream file(path);
        file << "-machine q35 -m 2G -nodefaults -device vfio-pci,host=01:00.0\n";
    }
    const auto r = run_cli({"plan", "--format", "json", "--passthrough", "01:00.0=rtx4090", "@" + path});
    EXPECT_EQ(r.status, EXIT_OK) << r.out << r.err;
    EXPECT_TRUE(mentions(r.out, "vfio-pci")) << r.out;
}

// A typo in a device, CPU model, machine type or aperture option gets the nearest known name.
TEST(Usage, TyposGetTheNearestName) {
    EXPECT_TRUE(mentions(error_message(plan({"-machine", "q35", "-device", "vfio-pic"})), "did you mean 'vfio-pci'?"));
    EXPECT_TRUE(mentions(error_message(plan({"-machine", "q35", "-cpu", "Skylake-Servr"})), "did you mean 'Skylake-Server'?"));
    EXPECT_TRUE(mentions(error_message(plan({"-machine", "q53"})), "did you mean 'q35'?"));
    const auto r = run_cli({"check", "--hots", "x.json", "--", "-machine", "q35"});
    EXPECT_EQ(r.status, EXIT_BAD_INPUT);
    EXPECT_TRUE(mentions(r.err, "--hots: did you mean --host?")) << r.err;
}

// The catalog as data: each passthrough name with the BARs it stands for.
TEST(DevicesCommand, JsonListsModelsAndCatalogBars) {
    const auto r = run_cli({"devices", "--format", "json"});
    ASSERT_EQ(r.status, EXIT_OK);
    const auto j = nlohmann::json::parse(r.out);
    EXPECT_EQ(j["schema"], "aperture-devices/2");
    EXPECT_NE(std::find(j["device_models"].begin(), j["device_models"].end(), "vfio-pci"), j["device_models"].end());
    bool h100 = false;
    for (const auto& entry : j["passthrough_catalog"]) {
        if (entry["name"] != "h100") continue;
        h100 = true;
        EXPECT_FALSE(entry["bars"].empty());
        for (const auto& bar : entry["bars"]) EXPECT_GT(bar["size"].get<std::uint64_t>(), 0u);
    }
    EXPECT_TRUE(h100);
}

// Help names the program, shows where the QEMU command line goes, and the exit statuses.
TEST(Usage, HelpShowsTheRealUsageAndExitStatuses) {
    const auto top = run_cli({"--help"});
    EXPECT_EQ(top.status, EXIT_OK);
    EXPECT_TRUE(mentions(top.out, "Usage: aperture [OPTIONS] SUBCOMMAND")) << top.out;
    EXPECT_TRUE(mentions(top.out, "Exit status: 0")) << top.out;
    const auto plan_help = run_cli({"plan", "--help"});
    EXPECT_TRUE(mentions(plan_help.out, "Usage: aperture plan [OPTIONS]")) << plan_help.out;
    EXPECT_TRUE(mentions(plan_help.out, "aperture plan [OPTIONS] -- -machine q35")) << plan_help.out;
    EXPECT_TRUE(mentions(plan_help.out, "--xml -")) << plan_help.out;
}

std::string file_text(const std::string& path) {
    std::ifstream file(path);
    return std::string(std::istreambuf_iterator<char>(file), {});
}

// -o FILE on every subcommand that reports: the report in the file, nothing on stdout, the same exit status.
TEST(OutputOption, EveryReportCanGoToAFile) {
    const std::string dir = ::testing::TempDir();
    const auto to_stdout = run_cli({"plan", "--format", "json", "--", "-machine", "q35", "-m", "2G", "-nodefaults"});
    const auto to_file = run_cli({"plan", "-o", dir + "aperture-plan.json", "--format", "json", "--", "-machine", "q35", "-m", "2G", "-nodefaults"});
    EXPECT_EQ(to_file.status, to_stdout.status);
    EXPECT_EQ(to_file.out, "");
    EXPECT_EQ(file_text(dir + "aperture-plan.json"), to_stdout.out);

    const std::string xeon = saved_snapshot("xeon-e3-1230-36bit");
    const auto failing = run_cli({"check", "--output", dir + "aperture-check.txt", "--host", xeon, "--", "-machine", "q35", "-m", "8G",
                                  "-nodefaults", "-cpu", "qemu64,vendor=GenuineIntel", "-bios", "OVMF.fd", "-device",
                                  "pcie-root-port,id=rp,chassis=1", "-device", "pci-testdev,membar=32G,bus=rp", "-device",
                                  "pci-testdev,membar=1G"});
    EXPECT_EQ(failing.status, EXIT_PREDICTED_FAILURE) << failing.err;
    EXPECT_TRUE(mentions(file_text(dir + "aperture-check.txt"), "FAIL  ")) << file_text(dir + "aperture-check.txt");
    EXPECT_EQ(failing.out, "");

    const auto unread = run_cli({"memlock", "-o", dir + "aperture-memlock.txt", "--xml", "/nonexistent.xml"});
    EXPECT_EQ(unread.status, EXIT_BAD_INPUT);  // nothing read, nothing written
    EXPECT_FALSE(std::ifstream(dir + "aperture-memlock.txt").good());
}

TEST(OutputOption, AnUnwritableTargetIsBadInputNamingTheOption) {
    const auto r = run_cli({"plan", "-o", "/nonexistent-dir/plan.txt", "--", "-machine", "q35", "-nodefaults"});
    EXPECT_EQ(r.status, EXIT_BAD_INPUT);
    EXPECT_TRUE(mentions(r.err, "--output")) << r.err;
}

// -V is the short form users of other tools expect; both name the release the packages carry.
TEST(VersionFlag, ShortAndLongFormsPrintTheProjectVersion) {
    for (const std::string flag : {"-V", "--version"}) {
        const auto r = run_cli({flag});
        EXPECT_EQ(r.status, EXIT_OK) << flag;
        EXPECT_EQ(r.out.rfind(std::string("aperture ") + APERTURE_VERSION + " (models ", 0), 0u) << flag << ": " << r.out;
    }
}

}  // namespace
}  // namespace aperture::cli
