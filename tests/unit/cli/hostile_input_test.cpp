// The reproducers of issue 19, each as the user met it: every one once crashed, hung, grew without bound,
// printed a library's text or exited with the wrong status. Exit status rule (README "Exit status"): 1 when
// QEMU or the firmware would refuse or fail, 2 only when aperture cannot read or model the input.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "../support/cli_runner.hpp"
#include "cli/commands.hpp"
#include "core/input_file.hpp"

namespace aperture::cli {
namespace {

namespace fs = std::filesystem;
using test::run_cli;
using Result = test::CliResult;

bool mentions(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// Library text a user must never see (issue 19: "no error text contains ...").
void expect_no_library_text(const Result& r) {
    for (const char* leak : {"std::", "json.exception", "basic_string", "what()", "parse_error.", "type_error."}) {
        EXPECT_FALSE(mentions(r.out, leak)) << leak << " in stdout: " << r.out;
        EXPECT_FALSE(mentions(r.err, leak)) << leak << " in stderr: " << r.err;
    }
}

class ScratchDirectory {
public:
    ScratchDirectory() {
        std::string pattern = (fs::temp_directory_path() / "aperture-hostile-XXXXXX").string();
        path_ = ::mkdtemp(pattern.data());
    }
    ~ScratchDirectory() { fs::remove_all(path_); }
    std::string operator/(const std::string& name) const { return (path_ / name).string(); }

private:
    fs::path path_;
};

std::string fixture(const std::string& relative) { return std::string(APERTURE_SOURCE_DIR) + "/tests/fixtures/" + relative; }

// ---- unbounded reads and files that are not regular files ---------------------------------------------

TEST(HostileInput, ArgsFileDevZeroIsRefusedWithoutReading) {
    const Result r = run_cli({"plan", "--", "@/dev/zero"});
    EXPECT_EQ(r.status, EXIT_BAD_INPUT);
    EXPECT_EQ(r.err, "aperture: error: cannot read args file '/dev/zero': a device, not a regular file\n");
}

TEST(HostileInput, ArgsFileDirectoryIsRefusedNotADefaultVm) {
    const Result r = run_cli({"plan", "--", "@/etc"});
    EXPECT_EQ(r.status, EXIT_BAD_INPUT);
    EXPECT_EQ(r.err, "aperture: error: cannot read args file '/etc': a directory, not a file\n");
    EXPECT_EQ(r.out, "");
}

// memlock --xml DIR said "not well-formed XML"; it names what the path is, as every reader does.
TEST(HostileInput, MemlockXmlDirectoryIsNamedAsADirectory) {
    const Result r = run_cli({"memlock", "--xml", "/etc"});
    EXPECT_EQ(r.status, EXIT_BAD_INPUT);
    EXPECT_EQ(r.err, "aperture: error: cannot read domain XML '/etc': a directory, not a file\n");
}

TEST(HostileInput, ArgsFileFifoIsRefusedWithoutBlocking) {
    const ScratchDirectory dir;
    ASSERT_EQ(::mkfifo((dir / "vm.args").c_str(), 0600), 0);
    const Result r = run_cli({"plan", "--", "@" + (dir / "vm.args")});
    EXPECT_EQ(r.status, EXIT_BAD_INPUT);
    EXPECT_EQ(r.err, "aperture: error: cannot read args file '" + (dir / "vm.args") + "': a FIFO, not a regular file\n");
}

TEST(HostileInput, ArgsFileLargerThanItsBoundIsRefused) {
    const ScratchDirectory dir;
    std::ofstream(dir / "vm.args") << std::string(kArgsFileKind.max_bytes + 1, ' ');
    const Result r = run_cli({"plan", "--", "@" + (dir / "vm.args")});
    EXPECT_EQ(r.status, EXIT_BAD_INPUT);
    EXPECT_EQ(r.err, "aperture: error: cannot read args file '" + (dir / "vm.args") +
                         "': larger than 4194304 bytes, aperture's bound for a file of this kind\n");
}

TEST(HostileInput, DomainXmlDevZeroIsRefused) {
    const Result r = run_cli({"plan", "--xml", "/dev/zero"});
    EXPECT_EQ(r.status, EXIT_BAD_INPUT);
    EXPECT_EQ(r.err, "aperture: error: cannot read domain XML '/dev/zero': a device, not a regular file\n");
}

TEST(HostileInput, MemlockDomainXmlDevZeroIsRefused) {
    const Result r = run_cli({"memlock", "--xml", "/dev/zero"});
    EXPECT_EQ(r.status, EXIT_BAD_INPUT);
    EXPECT_EQ(r.err, "aperture: error: cannot read domain XML '/dev/zero': a device, not a regular file\n");
}

TEST(HostileInput, FixDomainXmlDevZeroIsRefused) {
    const Result r = run_cli({"fix", "--xml", "/dev/zero", "--host", fixture("host/snapshots/h100-8gpu-server.json")});
    EXPECT_EQ(r.status, EXIT_BAD_INPUT);
    EXPECT_TRUE(mentions(r.err, "cannot read domain XML '/dev/zero': a device, not a regular file")) << r.err;
}

TEST(HostileInput, XlConfigDevZeroIsRefused) {
    const Result r = run_cli({"plan", "--xl", "/dev/zero"});
    EXPECT_EQ(r.status, EXIT_BAD_INPUT);
    EXPECT_EQ(r.err, "aperture: error: cannot read xl.cfg '/dev/zero': a device, not a regular file\n");
}

TEST(HostileInput, HostSnapshotDevZeroIsRefused) {
    const Result r = run_cli({"plan", "--host", "/dev/zero", "--", "-machine", "q35", "-accel", "kvm"});
    EXPECT_EQ(r.status, EXIT_BAD_INPUT);
    EXPECT_EQ(r.err, "aperture: error: cannot read host snapshot '/dev/zero': a device, not a regular file\n");
}

TEST(HostileInput, ProbedFileReplacedByDevZeroIsRefusedNamingIt) {
    const ScratchDirectory dir;
    fs::copy(fixture("host/xeon-e3-1230-36bit"), dir / "root", fs::copy_options::recursive | fs::copy_options::copy_symlinks);
    fs::remove(dir / "root/proc/cpuinfo");
    fs::create_symlink("/dev/zero", dir / "root/proc/cpuinfo");
    const Result r = run_cli({"host", "--root", dir / "root"});
    EXPECT_EQ(r.status, EXIT_BAD_INPUT);
    EXPECT_EQ(r.err, "aperture: error: " + (dir / "root/proc/cpuinfo") + ": a device or socket, not a regular file as the kernel provides it\n");
}

TEST(HostileInput, SnapshotWithMoreDevicesThanOneSegmentHoldsIsRefused) {
    const ScratchDirectory dir;
    std::ifstream in(fixture("host/snapshots/intel-i7-12700-rtx4090.json"));
    nlohmann::ordered_json snapshot = nlohmann::ordered_json::parse(in);
    // The count is checked before any element is read: the elements need not be devices.
    snapshot["pci"] = nlohmann::ordered_json::array();
    for (int i = 0; i < 65537; ++i) snapshot["pci"].push_back(0);
    std::ofstream(dir / "host.json") << snapshot.dump();
    const Result r = run_cli({"plan", "--host", dir / "host.json", "--", "-machine", "q35", "-accel", "kvm"});
    EXPECT_EQ(r.status, EXIT_BAD_INPUT);
    EXPECT_TRUE(mentions(r.err, "$.pci: expected an array of at most 65536 elements")) << r.err.substr(0, 300);
}

// ---- nesting ---------------------------------------------------------------------------------------------

TEST(HostileInput, XlConfigListNestedSixtyThousandDeepIsRefusedNotACrash) {
    const ScratchDirectory dir;
    std::ofstream(dir / "vm.cfg") << "type = 'hvm'\ncpus = " << std::string(60000, '[') << std::string(60000, ']') << "\n";
    const Result r = run_cli({"plan", "--xl", dir / "vm.cfg"});
    EXPECT_EQ(r.status, EXIT_BAD_INPUT);
    EXPECT_EQ(r.err, "aperture: error: " + (dir / "vm.cfg") + ":2: lists nested more than 64 deep\n");
}

TEST(HostileInput, DeviceJsonNestedPastQemusLimitIsRefusedInQemusWords) {
    const std::string json = R"({"driver":"pci-testdev","x":)" + std::string(100000, '[') + std::string(100000, ']') + "}";
    const Result r = run_cli({"plan", "--", "-machine", "q35", "-device", json});
    EXPECT_EQ(r.status, EXIT_BAD_INPUT);
    EXPECT_TRUE(mentions(r.err, "JSON nesting depth limit exceeded")) << r.err.substr(0, 200);
}

TEST(HostileInput, MalformedDeviceJsonCarriesNoLibraryText) {
    const Result r = run_cli({"plan", "--", "-machine", "q35", "-device", R"({"driver":)"});
    EXPECT_EQ(r.status, EXIT_BAD_INPUT);
    EXPECT_TRUE(mentions(r.err, R"(argument 3 (-device {"driver":): JSON parse error: parse error at line 1, column 11)")) << r.err;
    expect_no_library_text(r);
}

// ---- library text ------------------------------------------------------------------------------------------

TEST(HostileInput, Ppc64ShortMachineNameIsRefusedInAperturesWords) {
    const Result r = run_cli({"plan", "--arch", "ppc64", "--", "-machine", "q35"});
    EXPECT_EQ(r.status, EXIT_BAD_INPUT);
    EXPECT_TRUE(mentions(r.err, "-machine q35: not a pseries machine type")) << r.err;
    expect_no_library_text(r);
}

TEST(HostileInput, NonUtf8ByteInJsonOutputIsValidJson) {
    const Result text = run_cli({"plan", "--", "-machine", "q35", "-nodefaults", "-device", "pcie-root-port,chassis=\xfe"});
    const Result json = run_cli({"plan", "--format", "json", "--", "-machine", "q35", "-nodefaults", "-device", "pcie-root-port,chassis=\xfe"});
    EXPECT_EQ(json.status, text.status);
    EXPECT_FALSE(nlohmann::json::parse(json.out, nullptr, false).is_discarded()) << json.out;
    expect_no_library_text(json);
}

// ---- exit status -------------------------------------------------------------------------------------------

TEST(HostileInput, DuplicateDeviceIdIsQemusRefusalExitOne) {
    const Result r = run_cli({"plan", "--", "-machine", "q35", "-device", "pci-testdev,id=a", "-device", "pci-testdev,id=a"});
    EXPECT_EQ(r.status, EXIT_PREDICTED_FAILURE);
    EXPECT_EQ(r.err, "aperture: QEMU refuses: argument 5 (-device pci-testdev,id=a): Duplicate ID 'a' for device\n");
}

TEST(HostileInput, DuplicateJsonDeviceIdIsQemusRefusalExitOne) {
    const Result r = run_cli({"plan", "--", "-machine", "q35", "-device", R"({"driver":"pci-testdev","id":"a"})", "-device",
                              R"({"driver":"pci-testdev","id":"a"})"});
    EXPECT_EQ(r.status, EXIT_PREDICTED_FAILURE);
    EXPECT_TRUE(mentions(r.err, "Duplicate device ID 'a'")) << r.err;
}

TEST(HostileInput, NoFreeSlotIsQemusRefusalExitOne) {
    std::vector<std::string> words{"plan", "--", "-machine", "q35", "-nodefaults"};
    for (int i = 0; i < 31; ++i) {
        words.push_back("-device");
        words.push_back("pci-testdev");
    }
    const Result r = run_cli(words);
    EXPECT_EQ(r.status, EXIT_PREDICTED_FAILURE);
    EXPECT_TRUE(mentions(r.out, "-device pci-testdev: PCI: no slot/function available for pci-testdev, all in use or reserved")) << r.out;
}

// ---- firmware models: the same limit, the same report --------------------------------------------------

std::vector<std::string> nested_bridges(const std::string& firmware, int count) {
    std::vector<std::string> words{"plan", "--firmware", firmware, "--", "-machine", "pc", "-nodefaults"};
    for (int i = 0; i < count; ++i) {
        words.push_back("-device");
        words.push_back(i == 0 ? "pci-bridge,id=b0,chassis_nr=1" : "pci-bridge,id=b" + std::to_string(i) + ",bus=b" + std::to_string(i - 1) +
                                                                        ",chassis_nr=" + std::to_string(i % 255 + 1) + ",addr=1");
    }
    return words;
}

// One root port and `count` switches below each other: 1 + 2 * count buses.
std::vector<std::string> nested_switches(const std::string& firmware, int count) {
    std::vector<std::string> words{"plan", "--firmware", firmware, "--", "-machine", "q35", "-nodefaults", "-device", "pcie-root-port,id=rp,chassis=1"};
    std::string parent = "rp";
    for (int i = 0; i < count; ++i) {
        const std::string up = "up" + std::to_string(i), down = "dn" + std::to_string(i);
        words.insert(words.end(), {"-device", "x3130-upstream,id=" + up + ",bus=" + parent, "-device",
                                   "xio3130-downstream,id=" + down + ",bus=" + up + ",chassis=" + std::to_string(i + 2) + ",slot=0"});
        parent = down;
    }
    return words;
}

TEST(HostileInput, TwoHundredFiftySixNestedBridgesUnderSeabiosAreNotModelledNotACrash) {
    // Once a segmentation fault; now SeaBIOS's ACPI tables for so many bridges are what aperture cannot
    // model first, as under OVMF the bus count is.
    const Result seabios = run_cli(nested_bridges("seabios", 256));
    const Result ovmf = run_cli(nested_bridges("ovmf", 256));
    EXPECT_EQ(seabios.status, EXIT_BAD_INPUT);
    EXPECT_EQ(ovmf.status, EXIT_BAD_INPUT);
    EXPECT_TRUE(mentions(seabios.err, "aperture: not modelled: SeaBIOS model:")) << seabios.err;
    EXPECT_EQ(ovmf.err, "aperture: not modelled: OVMF model: more than 255 PCI buses are not modelled\n");
}

TEST(HostileInput, MoreThan255BusesUnderSeabiosIsNotModelledAsUnderOvmf) {
    const Result seabios = run_cli(nested_switches("seabios", 128));
    const Result ovmf = run_cli(nested_switches("ovmf", 128));
    EXPECT_EQ(seabios.status, EXIT_BAD_INPUT);
    EXPECT_EQ(ovmf.status, EXIT_BAD_INPUT);
    EXPECT_EQ(seabios.err, "aperture: not modelled: SeaBIOS model: more than 255 PCI buses are not modelled\n");
    EXPECT_EQ(ovmf.err, "aperture: not modelled: OVMF model: more than 255 PCI buses are not modelled\n");
}

TEST(HostileInput, Exactly255BusesAreWithinTheBusLimit) {
    // 255 buses fit: OVMF plans them; SeaBIOS's model stops earlier, at the ACPI tables so many ports need.
    const Result ovmf = run_cli(nested_switches("ovmf", 127));
    const Result seabios = run_cli(nested_switches("seabios", 127));
    EXPECT_EQ(ovmf.status, EXIT_OK) << ovmf.err;
    EXPECT_FALSE(mentions(seabios.err, "more than 255 PCI buses")) << seabios.err;
}

TEST(HostileInput, EightEiBBarUnderSeabiosIsTheFirmwaresOutcomeAsUnderOvmf) {
    const std::vector<std::string> vm{"-machine", "q35", "-m", "2G", "-nodefaults", "-device", "pci-testdev,membar=8E"};
    std::vector<std::string> seabios{"plan", "--firmware", "seabios", "--"}, ovmf{"plan", "--firmware", "ovmf", "--"};
    seabios.insert(seabios.end(), vm.begin(), vm.end());
    ovmf.insert(ovmf.end(), vm.begin(), vm.end());
    const Result s = run_cli(seabios), o = run_cli(ovmf);
    EXPECT_EQ(o.status, EXIT_PREDICTED_FAILURE) << o.err;
    EXPECT_EQ(s.status, EXIT_PREDICTED_FAILURE) << s.err;
    EXPECT_EQ(s.err, "");
}

// ---- errors in the format asked for ----------------------------------------------------------------------

TEST(HostileInput, ErrorWithFormatJsonIsAJsonObjectOnStdout) {
    const Result r = run_cli({"plan", "--format", "json", "--", "@/dev/zero"});
    EXPECT_EQ(r.status, EXIT_BAD_INPUT);
    EXPECT_EQ(r.err, "");
    const auto j = nlohmann::json::parse(r.out);
    EXPECT_EQ(j["schema"], "aperture-error/1");
    EXPECT_EQ(j["error"]["code"], "bad-input");
    EXPECT_EQ(j["error"]["message"], "cannot read args file '/dev/zero': a device, not a regular file");
    EXPECT_EQ(j["error"]["exit_status"], 2);
}

TEST(HostileInput, RefusalWithFormatJsonCarriesItsCodeAndStatus) {
    const Result r = run_cli({"check", "--format=json", "--", "-machine", "q35", "-device", "pci-testdev,id=a", "-device", "pci-testdev,id=a"});
    EXPECT_EQ(r.status, EXIT_PREDICTED_FAILURE);
    const auto j = nlohmann::json::parse(r.out);
    EXPECT_EQ(j["error"]["code"], "qemu-refuses");
    EXPECT_EQ(j["error"]["exit_status"], 1);
}

TEST(HostileInput, UsageErrorWithFormatJsonIsJson) {
    const Result r = run_cli({"plan", "--format", "json", "--no-such-option"});
    EXPECT_EQ(r.status, EXIT_BAD_INPUT);
    EXPECT_EQ(nlohmann::json::parse(r.out)["error"]["code"], "usage");
}

TEST(HostileInput, NonUtf8ByteInAnErrorWithFormatJsonIsValidJson) {
    const Result r = run_cli({"plan", "--format", "json", "--", "-machine", "q35", "-device", "frob\xfe"});
    EXPECT_EQ(r.status, EXIT_BAD_INPUT);
    EXPECT_FALSE(nlohmann::json::parse(r.out, nullptr, false).is_discarded()) << r.out;
    expect_no_library_text(r);
}

}  // namespace
}  // namespace aperture::cli
