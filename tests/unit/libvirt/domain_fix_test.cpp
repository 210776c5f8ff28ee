// apply_domain_fix: each fix written into a domain XML as a small textual change, the rest byte for byte
// as it was, and the result valid by libvirt's own schema (virt-xml-validate, Debian's libvirt-clients).
#include "libvirt/domain_fix.hpp"

#include <gtest/gtest.h>


#include "../support/virt_xml_validate.hpp"
#include "core/error.hpp"

namespace aperture {
namespace {

// The shape `virsh dumpxml` writes, trimmed.
const std::string kDomain = R"(<domain type='kvm'>
  <name>gpu-vm</name>
  <memory unit='KiB'>16777216</memory>
  <currentMemory unit='KiB'>16777216</currentMemory>
  <vcpu placement='static'>8</vcpu>
  <os>
    <type arch='x86_64' machine='pc-q35-7.2'>hvm</type>
    <loader readonly='yes' type='pflash'>/usr/share/OVMF/OVMF_CODE_4M.fd</loader>
  </os>
  <features>
    <acpi/>
  </features>
  <cpu mode='host-passthrough' check='none' migratable='on'/>
  <devices>
    <emulator>/usr/bin/qemu-system-x86_64</emulator>
    <controller type='pci' index='0' model='pcie-root'/>
    <controller type='pci' index='1' model='pcie-root-port'>
      <model name='pcie-root-port'/>
      <target chassis='1' port='0x10'/>
      <address type='pci' domain='0x0000' bus='0x00' slot='0x02' function='0x0' multifunction='on'/>
    </controller>
    <!-- the GPU -->
    <hostdev mode='subsystem' type='pci' managed='yes'>
      <source>
        <address domain='0x0000' bus='0x41' slot='0x00' function='0x0'/>
      </source>
    </hostdev>
  </devices>
</domain>
)";

// Every line of `before` appears in `after`, in order: the fix only added or replaced lines.
std::size_t changed_lines(const std::string& before, const std::string& after) {
    auto lines = [](const std::string& text) {
        std::vector<std::string> out;
        std::size_t from = 0;
        for (std::size_t nl; (nl = text.find('\n', from)) != std::string::npos; from = nl + 1) out.push_back(text.substr(from, nl - from));
        return out;
    };
    const auto a = lines(before);
    const auto b = lines(after);
    std::size_t j = 0;
    std::size_t changed = 0;
    for (const auto& line : a) {
        std::size_t k = j;
        while (k < b.size() && b[k] != line) ++k;
        if (k == b.size()) {
            ++changed;
            continue;
        }
        j = k + 1;
    }
    return changed;
}

using test::validates_as_domain;
bool validates(const std::string& xml) { return validates_as_domain(xml); }

TEST(DomainFix, NothingToDoChangesNothing) {
    EXPECT_EQ(apply_domain_fix(kDomain, "vm.xml", {}), kDomain);
}

TEST(DomainFix, MaxphysaddrOpensASelfClosingCpu) {
    DomainFix fix;
    fix.maxphysaddr_bits = 39;
    const std::string out = apply_domain_fix(kDomain, "vm.xml", fix);
    EXPECT_NE(out.find("  <cpu mode='host-passthrough' check='none' migratable='on'>\n"
                       "    <maxphysaddr mode='emulate' bits='39'/>\n"
                       "  </cpu>\n"),
              std::string::npos)
        << out;
    EXPECT_EQ(changed_lines(kDomain, out), 1u);  // only the <cpu .../> line became three
    EXPECT_TRUE(validates(out));
}

TEST(DomainFix, MaxphysaddrReplacesAnEarlierOne) {
    std::string xml = kDomain;
    xml.replace(xml.find("<cpu mode='host-passthrough' check='none' migratable='on'/>"), 59,
                "<cpu mode='host-passthrough'>\n    <maxphysaddr mode='passthrough'/>\n  </cpu>");
    DomainFix fix;
    fix.maxphysaddr_bits = 46;
    const std::string out = apply_domain_fix(xml, "vm.xml", fix);
    EXPECT_NE(out.find("<cpu mode='host-passthrough'>\n    <maxphysaddr mode='emulate' bits='46'/>\n  </cpu>"), std::string::npos) << out;
    EXPECT_EQ(changed_lines(xml, out), 1u);
    EXPECT_TRUE(validates(out));
}

TEST(DomainFix, MaxphysaddrWithoutCpuNamesQemusDefaultModel) {
    std::string xml = kDomain;
    xml.erase(xml.find("  <cpu mode='host-passthrough' check='none' migratable='on'/>\n"), 62);
    DomainFix fix;
    fix.maxphysaddr_bits = 40;
    const std::string out = apply_domain_fix(xml, "vm.xml", fix);
    EXPECT_NE(out.find("  </features>\n  <cpu mode='custom' match='exact'>\n    <model fallback='allow'>qemu64</model>\n"
                       "    <maxphysaddr mode='emulate' bits='40'/>\n  </cpu>\n"),
              std::string::npos)
        << out;
    EXPECT_EQ(changed_lines(xml, out), 0u);
    EXPECT_TRUE(validates(out));
}

TEST(DomainFix, XPciMmio64MbDeclaresTheQemuNamespace) {
    DomainFix fix;
    fix.x_pci_mmio64_mb = 65536;
    const std::string out = apply_domain_fix(kDomain, "vm.xml", fix);
    EXPECT_TRUE(out.starts_with("<domain type='kvm' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>\n")) << out;
    EXPECT_NE(out.find("  </devices>\n  <qemu:commandline>\n    <qemu:arg value='-fw_cfg'/>\n"
                       "    <qemu:arg value='name=opt/ovmf/X-PciMmio64Mb,string=65536'/>\n  </qemu:commandline>\n</domain>\n"),
              std::string::npos)
        << out;
    EXPECT_EQ(changed_lines(kDomain, out), 1u);  // the <domain> line
    EXPECT_TRUE(validates(out));
    // Applied again with another size, it replaces the value rather than adding a second -fw_cfg.
    fix.x_pci_mmio64_mb = 131072;
    const std::string again = apply_domain_fix(out, "vm.xml", fix);
    EXPECT_EQ(again.find("string=65536"), std::string::npos);
    EXPECT_NE(again.find("<qemu:arg value='name=opt/ovmf/X-PciMmio64Mb,string=131072'/>"), std::string::npos);
    EXPECT_EQ(changed_lines(out, again), 1u);
}

TEST(DomainFix, AnotherPrefixForTheNamespaceIsKept) {
    std::string xml = kDomain;
    xml.replace(0, 19, "<domain type='kvm' xmlns:q='http://libvirt.org/schemas/domain/qemu/1.0'>");
    xml.replace(xml.find("</domain>"), 9, "  <q:commandline>\n    <q:arg value='-S'/>\n  </q:commandline>\n</domain>");
    DomainFix fix;
    fix.x_pci_mmio64_mb = 32768;
    const std::string out = apply_domain_fix(xml, "vm.xml", fix);
    EXPECT_NE(out.find("    <q:arg value='-S'/>\n    <q:arg value='-fw_cfg'/>\n    <q:arg value='name=opt/ovmf/X-PciMmio64Mb,string=32768'/>\n  </q:commandline>"),
              std::string::npos)
        << out;
    EXPECT_EQ(out.find("xmlns:qemu"), std::string::npos);
    EXPECT_TRUE(validates(out));
}

TEST(DomainFix, Pref64ReserveThroughQemuOverride) {
    DomainFix fix;
    fix.overrides = {{"pci.1", "pref64-reserve", "unsigned", "34359738368"}};
    const std::string out = apply_domain_fix(kDomain, "vm.xml", fix);
    EXPECT_NE(out.find("  <qemu:override>\n    <qemu:device alias='pci.1'>\n      <qemu:frontend>\n"
                       "        <qemu:property name='pref64-reserve' type='unsigned' value='34359738368'/>\n"
                       "      </qemu:frontend>\n    </qemu:device>\n  </qemu:override>\n"),
              std::string::npos)
        << out;
    EXPECT_TRUE(validates(out));
    // A second port joins the same <qemu:override>; the first port's value is replaced, not repeated.
    fix.overrides = {{"pci.1", "pref64-reserve", "unsigned", "68719476736"}, {"pci.2", "pref64-reserve", "unsigned", "2147483648"}};
    const std::string again = apply_domain_fix(out, "vm.xml", fix);
    EXPECT_EQ(again.find("34359738368"), std::string::npos);
    EXPECT_NE(again.find("value='68719476736'"), std::string::npos);
    EXPECT_NE(again.find("<qemu:device alias='pci.2'>"), std::string::npos);
    EXPECT_EQ(std::count(again.begin(), again.end(), '\n') - std::count(out.begin(), out.end(), '\n'), 5);
    EXPECT_TRUE(validates(again));
}

TEST(DomainFix, HardLimitGetsItsOwnMemtune) {
    DomainFix fix;
    fix.hard_limit_kib = 17825792;
    const std::string out = apply_domain_fix(kDomain, "vm.xml", fix);
    EXPECT_NE(out.find("  <currentMemory unit='KiB'>16777216</currentMemory>\n  <memtune>\n"
                       "    <hard_limit unit='KiB'>17825792</hard_limit>\n  </memtune>\n  <vcpu"),
              std::string::npos)
        << out;
    EXPECT_EQ(changed_lines(kDomain, out), 0u);
    EXPECT_TRUE(validates(out));
}

TEST(DomainFix, Pcihole64OnTheRootController) {
    DomainFix fix;
    fix.pcihole64_kib = 67108864;
    const std::string out = apply_domain_fix(kDomain, "vm.xml", fix);
    EXPECT_NE(out.find("    <controller type='pci' index='0' model='pcie-root'>\n      <pcihole64 unit='KiB'>67108864</pcihole64>\n"
                       "    </controller>\n"),
              std::string::npos)
        << out;
    EXPECT_TRUE(validates(out));
}

TEST(DomainFix, DoubleQuotesAndTabsAreFollowed) {
    const std::string xml = "<domain type=\"kvm\">\n\t<name>t</name>\n\t<memory>1048576</memory>\n\t<os>\n\t\t<type>hvm</type>\n\t</os>\n</domain>\n";
    DomainFix fix;
    fix.hard_limit_kib = 2097152;
    EXPECT_EQ(apply_domain_fix(xml, "t.xml", fix),
              "<domain type=\"kvm\">\n\t<name>t</name>\n\t<memory>1048576</memory>\n\t<memtune>\n"
              "\t\t<hard_limit unit=\"KiB\">2097152</hard_limit>\n\t</memtune>\n\t<os>\n\t\t<type>hvm</type>\n\t</os>\n</domain>\n");
}

TEST(DomainFix, BrokenXmlNamesTheLine) {
    try {
        apply_domain_fix("<domain>\n  <name>x</name>\n  <memory>\n</domain>\n", "bad.xml", {});
        FAIL() << "expected an InputError";
    } catch (const InputError& e) {
        EXPECT_TRUE(std::string(e.what()).starts_with("bad.xml:4: not well-formed XML")) << e.what();
    }
    EXPECT_THROW(apply_domain_fix("<network/>", "net.xml", {}), InputError);
}

}  // namespace
}  // namespace aperture
