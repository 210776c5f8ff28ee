// The use cases called as a program would call them: a request in, the plan or findings and the rendered
// output back, with no command line involved.
#include "app/use_cases.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>

#include "core/error.hpp"
#include "host/host_snapshot_json.hpp"

namespace aperture::app {
namespace {

const std::filesystem::path kSource = std::filesystem::path(APERTURE_SOURCE_DIR);
std::string source_file(const char* relative) { return (kSource / relative).string(); }

TEST(UseCases, PlanOfAQemuCommandLineReturnsTheX86Plan) {
    PlanRequest request;
    request.vm.source.qemu_args = {"-machine", "q35", "-m", "2G", "-device", "pci-testdev,membar=64M"};
    const PlanResult result = plan(request);
    ASSERT_TRUE(std::holds_alternative<Plan>(result.plan));
    EXPECT_EQ(std::get<Plan>(result.plan).outcome, Outcome::Ok);
    EXPECT_EQ(result.prediction, Prediction::Works);
    EXPECT_NE(result.output.find("pci-testdev"), std::string::npos);
}

TEST(UseCases, PlanOfAnXlCfgReturnsTheXenPlan) {
    PlanRequest request;
    request.vm.source.xl_cfg = source_file("tests/golden/xen/h100.cfg");
    request.vm.passthrough = {"0000:41:00.0=h100"};
    request.format = OutputFormat::Json;
    const PlanResult result = plan(request);
    EXPECT_TRUE(std::holds_alternative<XenPlan>(result.plan));
    EXPECT_TRUE(result.output.starts_with("{"));
}

TEST(UseCases, PlanOfAPseriesCommandLineReturnsTheSpaprPlan) {
    PlanRequest request;
    request.vm.source.qemu_args = {"qemu-system-ppc64", "-nodefaults"};
    const PlanResult result = plan(request);
    EXPECT_TRUE(std::holds_alternative<SpaprPlan>(result.plan));
    EXPECT_EQ(result.prediction, Prediction::Works);
}

TEST(UseCases, XenPlanIsNotDrawn) {
    PlanRequest request;
    request.vm.source.xl_cfg = source_file("tests/golden/xen/h100.cfg");
    request.format = OutputFormat::Svg;
    EXPECT_THROW(plan(request), InputError);
}

TEST(UseCases, CheckAgainstASavedHostNamesItInTheSubject) {
    CheckRequest request;
    request.vm.source.qemu_args = {"-machine", "q35", "-m", "2G"};
    request.vm.host_file = source_file("tests/fixtures/host/snapshots/intel-i7-12700-rtx4090.json");
    const CheckResult result = check(request);
    EXPECT_NE(result.report.subject.find("i7-12700"), std::string::npos) << result.report.subject;
    EXPECT_FALSE(result.report.findings.empty());
}

// A scheduler reads a host's snapshot once and asks about many VMs: the snapshot already read must give
// what its file gives (without it the check would probe this machine, which is no i7-12700).
TEST(UseCases, CheckAgainstASnapshotAlreadyReadIsCheckAgainstItsFile) {
    CheckRequest from_file;
    from_file.vm.source.qemu_args = {"-machine", "q35", "-m", "2G", "-device", "vfio-pci,host=01:00.0"};
    from_file.vm.host_file = source_file("tests/fixtures/host/snapshots/intel-i7-12700-rtx4090.json");
    CheckRequest read_once = from_file;
    read_once.vm.host_file.clear();
    read_once.vm.host = std::make_shared<const HostSnapshot>(load_host_snapshot(from_file.vm.host_file));
    const CheckResult expected = check(from_file);
    const CheckResult result = check(read_once);
    EXPECT_NE(result.report.subject.find("i7-12700"), std::string::npos) << result.report.subject;
    EXPECT_EQ(result.output, expected.output);
    EXPECT_EQ(std::get<Plan>(plan({read_once.vm, OutputFormat::Json}).plan).outcome,
              std::get<Plan>(plan({from_file.vm, OutputFormat::Json}).plan).outcome);

    CheckRequest both = read_once;
    both.vm.host_file = from_file.vm.host_file;
    EXPECT_THROW(check(both), InputError);
}

TEST(UseCases, MemlockOfALibvirtTestDomainIsLibvirtsValue) {
    MemlockRequest request;
    request.xml_file = source_file("tests/fixtures/libvirt-memlock/qemumemlock-pc-hostdev.xml");
    request.libvirt_version = "10.7.0";
    const MemlockResult result = memlock(request);
    EXPECT_EQ(result.limit.action, LibvirtMemlockAction::Set);
    EXPECT_EQ(result.limit.bytes, 2147483648u);  // qemumemlocktest.c: pc-hostdev
}

// A romfile= of the user's own (the IGD VBIOS `check` asks for) is sized from the file when it is here: a
// 70,000-byte file makes a 128 KiB ROM BAR.
TEST(UseCases, AUserRomFileOnThisMachineIsSizedFromTheFile) {
    const std::filesystem::path rom = std::filesystem::temp_directory_path() / "aperture-use-cases-test-vbios.rom";
    {
        std::ofstream out(rom, std::ios::binary);
        out << std::string(70000, '\x55');
    }
    PlanRequest request;
    request.vm.source.qemu_args = {"-machine", "q35", "-m", "2G", "-nodefaults", "-device", "e1000,romfile=" + rom.string()};
    const PlanResult result = plan(request);
    std::filesystem::remove(rom);
    ASSERT_TRUE(std::holds_alternative<Plan>(result.plan));
    const Plan& p = std::get<Plan>(result.plan);
    bool found = false;
    for (const auto& bus : p.machine.pci.buses()) {
        for (const auto& node : bus.devices) {
            if (node.function.driver != "e1000") continue;
            const BarSpec* rom_bar = node.function.rom();
            ASSERT_NE(rom_bar, nullptr);
            EXPECT_EQ(rom_bar->size, 128 * KiB);
            found = true;
        }
    }
    EXPECT_TRUE(found);
}

TEST(UseCases, AUserRomFileThatIsNotHereIsRefusedByName) {
    PlanRequest request;
    request.vm.source.qemu_args = {"-machine", "q35", "-m", "2G", "-nodefaults", "-device", "e1000,romfile=/nonexistent/aperture-vbios.rom"};
    EXPECT_THROW(plan(request), InputError);
}

TEST(UseCases, FixWithoutADomainIsRefused) { EXPECT_THROW(fix(FixRequest{}), InputError); }

}  // namespace
}  // namespace aperture::app
