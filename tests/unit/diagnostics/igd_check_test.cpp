// igd.placement on the i7-12700 fixture host, whose iGPU is 0000:00:02.0: each verdict, and fixes proven
// by planning again.
#include "diagnostics/igd_check.hpp"

#include <gtest/gtest.h>

#include "../host/host_test_support.hpp"
#include "../support/words.hpp"
#include "diagnostics/fix_proof.hpp"
#include "host/host_context.hpp"
#include "input/qemu_command_line.hpp"

namespace aperture {
namespace {

struct Checked {
    VmSpec spec;
    PlanOptions options;
    Plan plan;
    std::optional<Finding> finding;
};

Checked check_igd_on(const HostSnapshot& host, const std::string& args) {
    Checked c;
    c.spec = read_qemu_command_line(test::words(args));
    c.options.host = host_context(host);
    c.plan = make_plan(c.spec, c.options);
    // Through the whole check, which proves each fix on the changed VM.
    for (auto& f : check_vm({c.spec, c.options, host, {}, {}, std::nullopt}).findings) {
        if (f.kind == FindingKind::IgdPlacement) c.finding = std::move(f);
    }
    return c;
}

const HostSnapshot& intel_host() {
    static const HostSnapshot host = test::probe_fixture("intel-i7-12700-rtx4090");
    return host;
}

TEST(IgdCheck, PassesWithBothAddressesOnPc) {
    const auto c = check_igd_on(intel_host(), "-machine pc -m 4G -nodefaults -device vfio-pci,host=00:02.0,addr=02.0");
    ASSERT_TRUE(c.finding);
    EXPECT_EQ(c.finding->verdict, Verdict::Pass);
    EXPECT_NE(c.finding->evidence.find("BDSM 0xbeb00000 (4 MiB"), std::string::npos);
    EXPECT_NE(c.finding->evidence.find("ASLS 0xbfffe000"), std::string::npos);
}

TEST(IgdCheck, Q35WarnsWithAProvenMoveToPc) {
    const auto c = check_igd_on(intel_host(), "-machine q35 -m 4G -device vfio-pci,host=00:02.0");
    ASSERT_TRUE(c.finding);
    EXPECT_EQ(c.finding->verdict, Verdict::Warn);
    ASSERT_NE(c.finding->first_fix(), nullptr);
    EXPECT_TRUE(c.finding->first_fix()->proven);
    EXPECT_EQ(c.finding->first_fix()->qemu_args, (std::vector<std::string>{"-machine", "pc", "-device", "vfio-pci,host=0000:00:02.0,addr=02.0",
                                                                  "-vga", "none", "-net", "none"}));
}

TEST(IgdCheck, OvmfFailsWithAProvenSeaBiosFix) {
    const auto c = check_igd_on(intel_host(), "-machine pc -m 4G -nodefaults -bios OVMF.fd -device vfio-pci,host=00:02.0,addr=02.0");
    ASSERT_TRUE(c.finding);
    EXPECT_EQ(c.finding->verdict, Verdict::Fail);
    ASSERT_NE(c.finding->first_fix(), nullptr);
    EXPECT_TRUE(c.finding->first_fix()->proven);
}

TEST(IgdCheck, UnreadableRegistersWarn) {
    HostSnapshot host = intel_host();
    for (auto& d : host.pci) d.igd.reset();  // as a non-root probe sees it
    const auto c = check_igd_on(host, "-machine pc -m 4G -nodefaults -device vfio-pci,host=00:02.0,addr=02.0");
    ASSERT_TRUE(c.finding);
    EXPECT_EQ(c.finding->verdict, Verdict::Warn);
    EXPECT_NE(c.finding->why.find("root"), std::string::npos);
}

TEST(IgdCheck, NoIgdNoFinding) {
    const auto c = check_igd_on(intel_host(), "-machine q35 -m 4G -nodefaults -device vfio-pci,host=01:00.0");
    EXPECT_FALSE(c.finding);
}

}  // namespace
}  // namespace aperture
