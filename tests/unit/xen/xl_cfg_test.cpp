// xl.cfg syntax and the domain settings read from it (tools/libs/util/libxlu_cfg_l.l / _y.y,
// tools/xl/xl_parse.c, docs/man/xl-pci-configuration.5.pod).

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "input/xl_cfg/xl_domain_config.hpp"

using namespace aperture;

namespace {
XlDomainConfig read(const std::string& text) { return read_xl_domain_config(XlConfig::parse(text, "vm.cfg")); }
}  // namespace

TEST(XlCfgSyntax, ListsSpanLinesWithCommentsAndTrailingComma) {
    const XlConfig c = XlConfig::parse("pci = [ '41:00.0', # first\n  \"42:00.0\",\n]\n", "vm.cfg");
    ASSERT_NE(c.find("pci"), nullptr);
    ASSERT_EQ(c.find("pci")->value.items.size(), 2u);
    EXPECT_EQ(c.find("pci")->value.items[1].atom, "42:00.0");
}

TEST(XlCfgSyntax, LaterAssignmentWins) {
    const XlConfig c = XlConfig::parse("memory = 1024\nmemory = 2048; vcpus = 2\n", "vm.cfg");
    EXPECT_EQ(c.find("memory")->value.atom, "2048");
    EXPECT_EQ(c.find("memory")->line, 2);
}

TEST(XlCfgSyntax, AppendConcatenatesLists) {
    const XlConfig c = XlConfig::parse("pci = ['41:00.0']\npci += ['42:00.0']\n", "vm.cfg");
    EXPECT_EQ(c.find("pci")->value.items.size(), 2u);
}

TEST(XlCfgSyntax, StringEscapes) {
    const XlConfig c = XlConfig::parse("name = \"a\\x41\\101\\\"\"\n", "vm.cfg");
    EXPECT_EQ(c.find("name")->value.atom, "aAA\"");
}

TEST(XlCfgSyntax, UnquotedWordIsAnErrorWithFileAndLine) {
    try {
        XlConfig::parse("type = \"hvm\"\nvga = stdvga\n", "vm.cfg");
        FAIL() << "accepted an unquoted string";
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("vm.cfg:2:"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("expected a value"), std::string::npos) << e.what();
    }
}

TEST(XlCfgSyntax, PythonishSyntaxIsNamed) {
    EXPECT_THROW(XlConfig::parse("memory = 2048.5\n", "vm.cfg"), InputError);
}

TEST(XlCfgSyntax, UnclosedStringFails) { EXPECT_THROW(XlConfig::parse("name = 'abc\n", "vm.cfg"), InputError); }

// Issue 19: a list nested 60,000 deep overflowed the stack of the recursive parser.
TEST(XlCfgSyntax, ListNestedSixtyThousandDeepIsRefusedNotACrash) {
    const std::string text = "cpus = " + std::string(60000, '[') + std::string(60000, ']') + "\n";
    try {
        XlConfig::parse(text, "vm.cfg");
        FAIL() << "expected an InputError";
    } catch (const InputError& e) {
        EXPECT_STREQ(e.what(), "vm.cfg:1: lists nested more than 64 deep");
    }
}
TEST(XlCfgSyntax, ListNestedSixtyFourDeepIsRead) {
    const XlConfig c = XlConfig::parse("cpus = " + std::string(64, '[') + std::string(64, ']') + "\n", "vm.cfg");
    EXPECT_EQ(c.find("cpus")->value.kind, XlValue::Kind::List);
}

TEST(XlCfgSyntax, UnclosedListFails) { EXPECT_THROW(XlConfig::parse("pci = [ '41:00.0'\n", "vm.cfg"), InputError); }

TEST(XlDomainConfig, DefaultsAreLibxls) {
    const XlDomainConfig d = read("type = 'hvm'\nmemory = 2048\n");
    EXPECT_EQ(d.memory_mib, 2048u);
    EXPECT_EQ(d.max_memory_mib(), 2048u);
    EXPECT_EQ(d.vga, XenVga::Cirrus);
    EXPECT_EQ(d.device_model, XenDeviceModel::QemuXen);
    EXPECT_TRUE(d.xen_platform_pci);
    EXPECT_TRUE(d.nics.empty());
}

TEST(XlDomainConfig, BuilderHvmIsAccepted) { EXPECT_EQ(read("builder = 'hvm'\nmemory = 1024\n").memory_mib, 1024u); }

TEST(XlDomainConfig, PvGuestIsNotModelled) { EXPECT_THROW(read("type = 'pv'\n"), UnsupportedError); }

TEST(XlDomainConfig, MissingTypeIsNotModelled) { EXPECT_THROW(read("memory = 1024\n"), UnsupportedError); }

TEST(XlDomainConfig, MmioHoleOutOfXlRangeFails) {
    // xl_parse.c: below HVM_BELOW_4G_MMIO_LENGTH (256 MiB) or above 0xF0000000 (3840 MiB).
    EXPECT_THROW(read("type='hvm'\nmmio_hole = 255\n"), InputError);
    EXPECT_THROW(read("type='hvm'\nmmio_hole = 3841\n"), InputError);
    EXPECT_EQ(*read("type='hvm'\nmmio_hole = 3840\n").mmio_hole_mib, 3840u);
}

TEST(XlDomainConfig, VifDefaultsToRtl8139AndTypeVifHasNoEmulatedNic) {
    const XlDomainConfig d = read("type='hvm'\nvif = [ 'bridge=xenbr0', 'model=e1000', 'type=vif' ]\n");
    ASSERT_EQ(d.nics.size(), 2u);
    EXPECT_EQ(d.nics[0].model, "rtl8139");
    EXPECT_EQ(d.nics[1].model, "e1000");
}

TEST(XlDomainConfig, UnknownVgaFails) { EXPECT_THROW(read("type='hvm'\nvga = 'vmware'\n"), InputError); }

TEST(XlDomainConfig, MattersButUnmodelledIsNoted) {
    const XlDomainConfig d = read("type='hvm'\nrdm = 'strategy=host'\nkeymap = 'de'\n");
    ASSERT_EQ(d.unmodelled.size(), 1u);
    EXPECT_NE(d.unmodelled[0].find("rdm"), std::string::npos);
}

TEST(XlPciSpec, BdfWithVslotAndOptions) {
    const XlPciDevice p = parse_pci_spec("36:00.0@1a,seize=1", "pci[0]");
    EXPECT_EQ(p.host_address, "0000:36:00.0");
    ASSERT_TRUE(p.vslot);
    EXPECT_EQ(*p.vslot, 0x1au);
}

TEST(XlPciSpec, NamedFormsAreEquivalent) {
    // libxlu_pci.c parse_vslot: hex, at most 0x1f (the man page's own "@20" example is refused).
    EXPECT_EQ(parse_pci_spec("bdf=36:00.0,vslot=1a", "p").vslot, parse_pci_spec("36:00.0@1a", "p").vslot);
    EXPECT_THROW(parse_pci_spec("36:00.0@20", "p"), InputError);
    EXPECT_EQ(parse_pci_spec("0001:36:00.1", "p").host_address, "0001:36:00.1");
}

TEST(XlPciSpec, AllFunctions) { EXPECT_TRUE(parse_pci_spec("41:00.*", "p").all_functions); }

TEST(XlPciSpec, BadSpecsFail) {
    EXPECT_THROW(parse_pci_spec("41:00", "p"), InputError);
    EXPECT_THROW(parse_pci_spec("41:20.0", "p"), InputError);       // slot past 1f
    EXPECT_THROW(parse_pci_spec("41:00.0@20", "p"), InputError);    // vslot past 1f
    EXPECT_THROW(parse_pci_spec("41:00.0,bogus=1", "p"), InputError);
    EXPECT_THROW(parse_pci_spec("41:00.0,vslot=2,vslot=3", "p"), InputError);
}

// xl_parse.c / libxl_create.c: with only maxmem, the target follows it (no PoD).
TEST(XlDomainConfig, MaxmemAloneSetsTheTargetToo) {
    const XlDomainConfig d = read("type='hvm'\nmaxmem = 4096\n");
    EXPECT_EQ(d.memory_mib, 4096u);
    EXPECT_EQ(d.max_memory_mib(), 4096u);
}

TEST(XlDomainConfig, ScsiDiskIsNotedAsUnmodelled) {
    EXPECT_EQ(read("type='hvm'\ndisk = [ 'phy:/dev/vg/g,xvda,w' ]\n").unmodelled.size(), 0u);
    EXPECT_EQ(read("type='hvm'\ndisk = [ 'phy:/dev/vg/g,sda,w' ]\n").unmodelled.size(), 1u);
}
