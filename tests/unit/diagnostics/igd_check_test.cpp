// igd.placement on the i7-12700 fixture host, whose iGPU is 0000:00:02.0: each verdict, and fixes proven
// by planning again.
#include "diagnostics/igd_check.hpp"

#include <gtest/gtest.h>

#include <algorithm>

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
    // The same as data: the IGD at 00:02.0 and its stolen-memory block.
    ASSERT_EQ(c.finding->subject.bars.size(), 1u);
    EXPECT_EQ(c.finding->subject.bars[0].bdf, (Bdf{0, {2, 0}}));
    EXPECT_EQ(c.finding->subject.range, AddressRange::from_start_and_size(0xbeb00000, 4 * MiB));
}

TEST(IgdCheck, Q35WarnsWithAProvenMoveToPc) {
    const auto c = check_igd_on(intel_host(), "-machine q35 -m 4G -device vfio-pci,host=00:02.0");
    ASSERT_TRUE(c.finding);
    EXPECT_EQ(c.finding->verdict, Verdict::Warn);
    ASSERT_NE(c.finding->first_fix(), nullptr);
    EXPECT_TRUE(c.finding->first_fix()->proven);
    // The IGD's own -device is replaced, not given a second time.
    EXPECT_EQ(c.finding->first_fix()->qemu_replaces, (std::vector<std::string>{"-device", "vfio-pci,host=00:02.0"}));
    EXPECT_EQ(c.finding->first_fix()->qemu_args,
              (std::vector<std::string>{"-machine", "pc", "-device", "vfio-pci,addr=02.0,host=00:02.0", "-vga", "none", "-net", "none"}));
}

// The same host booted UEFI without CSM: no video BIOS ran, so the iGPU has no shadowed ROM and vfio's ROM
// region is empty (tests/fixtures/host/snapshots/intel-i7-12700-uefi-igd-no-rom.json).
HostSnapshot igd_without_rom() {
    HostSnapshot host = intel_host();
    for (auto& d : host.pci) {
        if (d.address == "0000:00:02.0") std::erase_if(d.bars, [](const HostBar& bar) { return bar.index == kRomBarIndex; });
    }
    return host;
}

constexpr const char* kPlaceholder = "/path/to/YOUR-igd-vbios.rom";

TEST(IgdCheck, NoRomWarnsWithARomfileInPlaceOfTheDevice) {
    const auto c = check_igd_on(igd_without_rom(), "-machine pc -m 4G -nodefaults -device vfio-pci,host=00:02.0,addr=02.0");
    ASSERT_TRUE(c.finding);
    EXPECT_EQ(c.finding->verdict, Verdict::Warn);
    ASSERT_EQ(c.plan.machine.igd->refusal, IgdLegacyRefusal::NoRom);
    ASSERT_NE(c.finding->first_fix(), nullptr);
    const Fix& fix = *c.finding->first_fix();
    EXPECT_TRUE(fix.proven) << fix.proof_text;
    EXPECT_EQ(fix.qemu_replaces, (std::vector<std::string>{"-device", "vfio-pci,host=00:02.0,addr=02.0"}));
    EXPECT_EQ(fix.qemu_args, (std::vector<std::string>{"-device", std::string("vfio-pci,addr=02.0,host=00:02.0,romfile=") + kPlaceholder}));
    EXPECT_NE(fix.libvirt_xml.find(std::string("<rom file='") + kPlaceholder + "'/>"), std::string::npos) << fix.libvirt_xml;
    EXPECT_NE(fix.summary.find("placeholder"), std::string::npos) << fix.summary;
}

TEST(IgdCheck, TheRomfileFixAppliedAsWrittenPasses) {
    HostSnapshot host = igd_without_rom();
    Checked c;
    c.spec = read_qemu_command_line(test::words(std::string("-machine pc -m 4G -nodefaults -device vfio-pci,addr=02.0,host=00:02.0,romfile=") + kPlaceholder));
    c.options.host = host_context(host);
    c.options.host.rom_files[kPlaceholder] = 64 * KiB;  // the user's file, as the fix plans it
    const auto checked = check_vm({c.spec, c.options, host, {}, {}, std::nullopt});
    const auto igd = std::find_if(checked.findings.begin(), checked.findings.end(), [](const Finding& f) { return f.kind == FindingKind::IgdPlacement; });
    ASSERT_NE(igd, checked.findings.end());
    EXPECT_EQ(igd->verdict, Verdict::Pass) << igd->evidence;
}

TEST(IgdCheck, NoRomOnQ35MovesTheIgdAndGivesItTheRom) {
    const auto c = check_igd_on(igd_without_rom(), "-machine q35 -m 4G -nodefaults -device vfio-pci,host=00:02.0");
    ASSERT_TRUE(c.finding);
    ASSERT_NE(c.finding->first_fix(), nullptr);
    const Fix& fix = *c.finding->first_fix();
    EXPECT_TRUE(fix.proven) << fix.proof_text;
    EXPECT_EQ(fix.qemu_args,
              (std::vector<std::string>{"-machine", "pc", "-device", std::string("vfio-pci,addr=02.0,host=00:02.0,romfile=") + kPlaceholder}));
}

TEST(IgdCheck, AnOldGenerationHasNoFix) {
    HostSnapshot host = intel_host();
    for (auto& d : host.pci) {
        if (d.address == "0000:00:02.0") d.device_id = 0x2a42;  // GM45, older than Sandy Bridge
    }
    const auto c = check_igd_on(host, "-machine pc -m 4G -nodefaults -device vfio-pci,host=00:02.0,addr=02.0");
    ASSERT_TRUE(c.finding);
    EXPECT_EQ(c.finding->verdict, Verdict::Warn);
    EXPECT_EQ(c.plan.machine.igd->refusal, IgdLegacyRefusal::UnsupportedGeneration);
    EXPECT_TRUE(c.finding->fixes.empty());
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
