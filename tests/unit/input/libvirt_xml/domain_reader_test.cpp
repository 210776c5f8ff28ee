// The libvirt domain XML reader, element by element. Expected QEMU arguments come from libvirt 10.7.0's
// own tests (tests/qemuxmlconfdata/*.args) or from reading src/qemu/qemu_command.c where none covers it.

#include <algorithm>
#include "input/libvirt_xml/domain.hpp"

#include <gtest/gtest.h>

#include <array>

#include "core/error.hpp"

namespace aperture {
namespace {

struct DomainText {
    std::string machine = "q35";
    std::string arch = "x86_64";
    std::string head;     // elements after <os>: <cpu>, <memtune>, ...
    std::string os_extra; // inside <os>
    std::string devices;
    std::string domain_attributes;
    std::string tail;     // after </devices>
};

// Line 1 is <domain>, line 2 <name>, line 3 <memory>: messages about <memory> name line 3.
std::string xml_of(const DomainText& d) {
    return "<domain type='qemu'" + d.domain_attributes + ">\n<name>t</name>\n<memory unit='MiB'>1024</memory>\n<os><type arch='" +
           d.arch + "' machine='" + d.machine + "'>hvm</type>" + d.os_extra + "</os>\n" + d.head + "\n<devices>\n" + d.devices +
           "\n</devices>\n" + d.tail + "</domain>\n";
}

LibvirtDomain read(const DomainText& d) { return read_libvirt_domain(xml_of(d), "vm.xml"); }
// The releases whose reading differs (input/libvirt_xml/libvirt_release.hpp); read() is Debian 12's 9.0.0.
const LibvirtVersion kLibvirt9_0{9, 0, 0};
const LibvirtVersion kLibvirt10_7{10, 7, 0};
LibvirtDomain read_as(const DomainText& d, const LibvirtVersion& version) {
    return read_libvirt_domain(xml_of(d), "vm.xml", {.libvirt = version});
}
LibvirtDomain read_text(const std::string& text) { return read_libvirt_domain(text, "vm.xml"); }

std::string error_of(const std::string& text) {
    try {
        read_text(text);
    } catch (const InputError& e) {
        return std::string("InputError: ") + e.what();
    } catch (const UnsupportedError& e) {
        return std::string("UnsupportedError: ") + e.what();
    }
    return "no error";
}
std::string error_of(const DomainText& d) { return error_of(xml_of(d)); }

const DeviceSpec* find(const VmSpec& spec, const std::string& id) {
    for (const auto& device : spec.devices) {
        if (device.id == id) return &device;
    }
    return nullptr;
}

std::string property(const DeviceSpec& device, const std::string& key) {
    const std::string* value = device.properties.find(key);
    return value ? *value : "<absent>";
}

// --- memory ---------------------------------------------------------------------------------------------

TEST(LibvirtMemory, UnitGiBIsBytesTimesTwoToTheThirty) {
    const auto domain = read_text("<domain type='kvm'><memory unit='GiB'>4</memory><os><type arch='x86_64' machine='pc'>hvm</type></os></domain>");
    EXPECT_EQ(domain.spec.memory.size, 4 * GiB);
}

TEST(LibvirtMemory, NoUnitMeansKiB) {
    const auto domain = read_text("<domain type='kvm'><memory>219136</memory><os><type machine='pc'>hvm</type></os></domain>");
    EXPECT_EQ(domain.spec.memory.size, u64{219136} * KiB);
}

TEST(LibvirtMemory, RoundedUpToOneMiBAsLibvirtAlignsIt) {
    const auto domain = read_text("<domain type='kvm'><memory unit='KiB'>1025</memory><os><type machine='pc'>hvm</type></os></domain>");
    EXPECT_EQ(domain.spec.memory.size, 2 * MiB);
    EXPECT_EQ(domain.memlock.memory_kib, 1025u);
}

TEST(LibvirtMemory, UnknownUnitNamesFileLineAndElement) {
    const std::string text = "<domain type='kvm'>\n<name>x</name>\n<memory unit='XiB'>4</memory>\n"
                             "<os><type machine='pc'>hvm</type></os></domain>";
    EXPECT_EQ(error_of(text), "InputError: vm.xml:3: <memory unit='XiB'>: unknown suffix 'XiB'");
}

TEST(LibvirtMemory, NonNumericSizeIsRefused) {
    const std::string text = "<domain type='kvm'><memory>lots</memory><os><type machine='pc'>hvm</type></os></domain>";
    EXPECT_NE(error_of(text).find("expected an unsigned decimal number, not 'lots'"), std::string::npos);
}

TEST(LibvirtMemory, MissingMemoryIsLibvirtsError) {
    const std::string text = "<domain type='kvm'><os><type machine='pc'>hvm</type></os></domain>";
    EXPECT_NE(error_of(text).find("Memory size must be specified"), std::string::npos);
}

TEST(LibvirtMemory, MaxMemoryGivesSlotsAndMaxmem) {
    DomainText d;
    d.head = "<maxMemory slots='16' unit='GiB'>8</maxMemory>";
    const auto domain = read(d);
    EXPECT_EQ(domain.spec.memory.slots, 16U);
    EXPECT_EQ(domain.spec.memory.maxmem, 8 * GiB);
}

TEST(LibvirtMemory, MemtuneAndLockedAreFacts) {
    DomainText d;
    d.head = "<memtune><hard_limit unit='GiB'>20</hard_limit></memtune><memoryBacking><locked/></memoryBacking>";
    const auto domain = read(d);
    EXPECT_EQ(domain.memlock.hard_limit_kib, 20 * GiB / KiB);
    EXPECT_TRUE(domain.memlock.locked);
}

TEST(LibvirtMemory, NoMemtuneNoHardLimit) {
    const auto domain = read(DomainText{});
    EXPECT_FALSE(domain.memlock.hard_limit_kib);
    EXPECT_FALSE(domain.memlock.locked);
}

// --- CPU ------------------------------------------------------------------------------------------------

TEST(LibvirtCpu, VcpuWithoutTopologyIsThatManySockets) {
    DomainText d;
    d.head = "<vcpu placement='static' current='2'>4</vcpu>";
    const auto domain = read(d);
    EXPECT_EQ(domain.spec.cpus, 2U);
    EXPECT_EQ(domain.spec.smp.max_cpus, 4U);
    EXPECT_EQ(domain.spec.smp.sockets, 4U);
    EXPECT_EQ(domain.spec.smp.cores, 1U);
}

TEST(LibvirtCpu, TopologyMustMatchTheVcpuCount) {
    DomainText d;
    d.head = "<vcpu>4</vcpu><cpu><topology sockets='1' cores='2' threads='1'/></cpu>";
    EXPECT_NE(error_of(d).find("CPU topology doesn't match maximum vcpu count (2 != 4)"), std::string::npos);
}

TEST(LibvirtCpu, NoCpuElementIsQemu64) { EXPECT_EQ(read(DomainText{}).spec.cpu.model, "qemu64"); }

TEST(LibvirtCpu, HostPassthroughIsCpuHost) {
    DomainText d;
    d.head = "<cpu mode='host-passthrough'/>";
    EXPECT_EQ(read(d).spec.cpu.model, "host");
}

TEST(LibvirtCpu, CustomModelAndFeaturePolicies) {
    DomainText d;
    d.head = "<cpu mode='custom'><model>Haswell</model><feature policy='require' name='pdpe1gb'/>"
             "<feature policy='disable' name='vmx'/></cpu>";
    const auto spec = read(d).spec;
    EXPECT_EQ(spec.cpu.model, "Haswell");
    EXPECT_EQ(spec.cpu.flags.at("pdpe1gb"), true);
    EXPECT_EQ(spec.cpu.flags.at("vmx"), false);
}

// cpu-phys-bits-passthrough.x86_64-latest.args: -cpu host,migratable=on,host-phys-bits=on
TEST(LibvirtMaxPhysAddr, PassthroughIsHostPhysBits) {
    DomainText d;
    d.head = "<cpu mode='host-passthrough'><maxphysaddr mode='passthrough'/></cpu>";
    const auto cpu = read(d).spec.cpu;
    EXPECT_EQ(cpu.host_phys_bits, true);
    EXPECT_FALSE(cpu.host_phys_bits_limit);
    EXPECT_FALSE(cpu.phys_bits);
}

// cpu-phys-bits-limit.x86_64-latest.args: host-phys-bits=on,host-phys-bits-limit=39
TEST(LibvirtMaxPhysAddr, PassthroughLimitIsHostPhysBitsLimitIn10_7) {
    DomainText d;
    d.head = "<cpu mode='host-passthrough'><maxphysaddr mode='passthrough' limit='39'/></cpu>";
    EXPECT_EQ(read_as(d, kLibvirt10_7).spec.cpu.host_phys_bits_limit, 39U);
}

// libvirt 9.0.0's domxml-to-native (tests/oracle/libvirt): -cpu max,host-phys-bits=on, the limit dropped.
TEST(LibvirtMaxPhysAddr, PassthroughLimitIsIgnoredWithANoteIn9_0) {
    DomainText d;
    d.head = "<cpu mode='host-passthrough'><maxphysaddr mode='passthrough' limit='39'/></cpu>";
    const auto domain = read_as(d, kLibvirt9_0);
    EXPECT_EQ(domain.spec.cpu.host_phys_bits, true);
    EXPECT_FALSE(domain.spec.cpu.host_phys_bits_limit);
    const auto& notes = domain.spec.notes;
    EXPECT_TRUE(std::any_of(notes.begin(), notes.end(), [](const auto& n) { return n.text.find("ignores it") != std::string::npos; }));
}

// 9.0.0 ignores the attribute altogether, so even a zero is no error there.
TEST(LibvirtMaxPhysAddr, ZeroLimitIsAnErrorOnlyWhereLimitIsRead) {
    DomainText d;
    d.head = "<cpu mode='host-passthrough'><maxphysaddr mode='passthrough' limit='0'/></cpu>";
    EXPECT_NO_THROW(read_as(d, kLibvirt9_0));
    EXPECT_THROW(read_as(d, kLibvirt10_7), InputError);
}

// cpu-phys-bits-emulate.x86_64-latest.args: phys-bits=42
TEST(LibvirtMaxPhysAddr, EmulateBitsIsPhysBits) {
    DomainText d;
    d.head = "<cpu mode='host-passthrough'><maxphysaddr mode='emulate' bits='42'/></cpu>";
    const auto cpu = read(d).spec.cpu;
    EXPECT_EQ(cpu.phys_bits, 42U);
    EXPECT_FALSE(cpu.host_phys_bits);
}

// cpu-phys-bits-emulate-bare.x86_64-latest.args: host-phys-bits=off
TEST(LibvirtMaxPhysAddr, EmulateWithoutBitsTurnsHostPhysBitsOffIn10_7) {
    DomainText d;
    d.head = "<cpu mode='host-passthrough'><maxphysaddr mode='emulate'/></cpu>";
    const auto cpu = read_as(d, kLibvirt10_7).spec.cpu;
    EXPECT_EQ(cpu.host_phys_bits, false);
    EXPECT_FALSE(cpu.phys_bits);
}

// libvirt 9.0.0's domxml-to-native refuses it with this message (tests/oracle/libvirt).
TEST(LibvirtMaxPhysAddr, EmulateWithoutBitsIsRefusedIn9_0) {
    DomainText d;
    d.head = "<cpu mode='host-passthrough'><maxphysaddr mode='emulate'/></cpu>";
    try {
        read_as(d, kLibvirt9_0);
        FAIL() << "read";
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("mode='emulate', bits= must be specified too"), std::string::npos) << e.what();
    }
}

// cpu-phys-bits-passthrough2.x86_64-latest.err
TEST(LibvirtMaxPhysAddr, PassthroughWithBitsIsLibvirtsError) {
    DomainText d;
    d.head = "<cpu mode='host-passthrough'>\n<maxphysaddr mode='passthrough' bits='42'/></cpu>";
    EXPECT_EQ(error_of(d), "InputError: vm.xml:6: <maxphysaddr mode='passthrough' bits='42'>: CPU maximum physical address "
                           "bits number specification cannot be used with mode='passthrough'");
}

TEST(LibvirtMaxPhysAddr, LimitWithEmulateIsLibvirtsErrorIn10_7) {
    DomainText d;
    d.head = "<cpu><maxphysaddr mode='emulate' bits='42' limit='39'/></cpu>";
    try {
        read_as(d, kLibvirt10_7);
        FAIL() << "read";
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("attribute 'limit' is only supported for maxphysaddr mode 'passthrough'"), std::string::npos);
    }
}

// libvirt 9.0.0's domxml-to-native: -cpu max,phys-bits=42 (the attribute it does not know is dropped).
TEST(LibvirtMaxPhysAddr, LimitWithEmulateIsIgnoredIn9_0) {
    DomainText d;
    d.head = "<cpu><maxphysaddr mode='emulate' bits='42' limit='39'/></cpu>";
    EXPECT_EQ(read_as(d, kLibvirt9_0).spec.cpu.phys_bits, 42U);
}

TEST(LibvirtMaxPhysAddr, ModeIsRequired) {
    DomainText d;
    d.head = "<cpu><maxphysaddr bits='40'/></cpu>";
    EXPECT_NE(error_of(d).find("missing required attribute 'mode'"), std::string::npos);
}

// --- machine, arch, firmware ----------------------------------------------------------------------------

TEST(LibvirtOs, MachineTypeAsWrittenAndAccelFromDomainType) {
    DomainText d;
    d.machine = "pc-q35-7.2";
    const auto spec = read(d).spec;
    EXPECT_EQ(spec.machine.type, "pc-q35-7.2");
    EXPECT_EQ(spec.machine.accel, "tcg");
}

TEST(LibvirtOs, AcpiOffUnlessTheFeatureIsThere) {
    EXPECT_EQ(*read(DomainText{}).spec.machine.other.find("acpi"), "off");
    DomainText d;
    d.head = "<features><acpi/></features>";
    EXPECT_EQ(*read(d).spec.machine.other.find("acpi"), "on");
}

TEST(LibvirtOs, OtherArchitectureIsUnsupportedAndNamed) {
    DomainText d;
    d.arch = "ppc64";
    d.machine = "pseries";
    const std::string error = error_of(d);
    EXPECT_EQ(error.rfind("UnsupportedError: vm.xml:4: ", 0), 0U) << error;
    EXPECT_NE(error.find("architecture 'ppc64' is not modelled"), std::string::npos);
}

TEST(LibvirtOs, FirmwareEfiIsOvmf) {
    DomainText d;
    d.domain_attributes = "";
    const std::string text = "<domain type='kvm'><memory>1048576</memory><os firmware='efi'><type machine='q35'>hvm</type></os></domain>";
    EXPECT_EQ(read_text(text).spec.firmware.kind, FirmwareKind::Ovmf);
}

TEST(LibvirtOs, FirmwareAutoselectionNamesNoImage) {
    // libvirt picks the image from QEMU's firmware descriptors when it starts the domain: none is examined.
    const std::string text = "<domain type='kvm'><memory>1048576</memory><os firmware='efi'><type machine='q35'>hvm</type></os></domain>";
    EXPECT_EQ(read_text(text).spec.firmware.image, "");
}

TEST(LibvirtOs, PflashLoaderIsOvmf) {
    DomainText d;
    d.os_extra = "<loader readonly='yes' type='pflash'>/usr/share/OVMF/OVMF_CODE_4M.fd</loader>";
    const auto firmware = read(d).spec.firmware;
    EXPECT_EQ(firmware.kind, FirmwareKind::Ovmf);
    EXPECT_EQ(firmware.image, "/usr/share/OVMF/OVMF_CODE_4M.fd");
}

TEST(LibvirtOs, NoLoaderIsQemusDefaultFirmware) { EXPECT_EQ(read(DomainText{}).spec.firmware.kind, FirmwareKind::Default); }

TEST(LibvirtOs, MalformedXmlNamesTheLine) {
    EXPECT_EQ(error_of("<domain type='kvm'>\n<memory>1</memory>\n<os>\n</domain>").rfind("InputError: vm.xml:4: not well-formed XML", 0), 0U);
}

// --- pcihole64 (pcihole64*.x86_64-latest.args) -------------------------------------------------------------

TEST(LibvirtPciHole64, PciRootSetsTheI440fxHostBridgeInKiB) {
    DomainText d;
    d.machine = "pc";
    d.devices = "<controller type='pci' index='0' model='pci-root'><pcihole64 unit='GiB'>1</pcihole64></controller>";
    const auto globals = read(d).spec.globals;
    ASSERT_EQ(globals.size(), 1U);
    EXPECT_EQ(globals[0].driver, "i440FX-pcihost");
    EXPECT_EQ(globals[0].property, "pci-hole64-size");
    EXPECT_EQ(globals[0].value, "1048576K");
}

TEST(LibvirtPciHole64, PcieRootSetsTheQ35HostBridge) {
    DomainText d;
    d.devices = "<controller type='pci' index='0' model='pcie-root'><pcihole64>1048576</pcihole64></controller>";
    const auto globals = read(d).spec.globals;
    ASSERT_EQ(globals.size(), 1U);
    EXPECT_EQ(globals[0].driver, "q35-pcihost");
    EXPECT_EQ(globals[0].value, "1048576K");
}

TEST(LibvirtPciHole64, OnAnotherControllerIsRefused) {
    DomainText d;
    d.devices = "<controller type='pci' index='1' model='pcie-root-port'><pcihole64>1</pcihole64></controller>";
    EXPECT_NE(error_of(d).find("not supported for this controller"), std::string::npos);
}

// --- controllers and guest addresses --------------------------------------------------------------------

TEST(LibvirtControllers, RootPortTargetAndModelName) {
    DomainText d;
    d.devices = "<controller type='pci' index='2' model='pcie-root-port'><model name='ioh3420'/>"
                "<target chassis='40' port='0x1a'/></controller>";
    const auto spec = read(d).spec;
    const DeviceSpec* port = find(spec, "pci.2");
    ASSERT_NE(port, nullptr);
    EXPECT_EQ(port->driver, "ioh3420");
    EXPECT_EQ(property(*port, "chassis"), "40");
    EXPECT_EQ(property(*port, "port"), "26");
}

TEST(LibvirtControllers, RootPortDefaultsChassisToIndexAndPortToSlotAndFunction) {
    DomainText d;
    d.devices = "<controller type='pci' index='3' model='pcie-root-port'>"
                "<address type='pci' domain='0' bus='0' slot='4' function='2'/></controller>";
    const auto domain = read(d);
    const DeviceSpec* port = find(domain.spec, "pci.3");
    ASSERT_NE(port, nullptr);
    EXPECT_EQ(property(*port, "chassis"), "3");
    EXPECT_EQ(property(*port, "port"), "34");  // (4 << 3) + 2
    EXPECT_EQ(*port->bus, "pcie.0");
    EXPECT_EQ(*port->addr, "0x4.0x2");
}

TEST(LibvirtControllers, IdeOnQ35IsLibvirtsError) {
    DomainText d;
    d.devices = "<controller type='ide' index='0'/>";
    EXPECT_NE(error_of(d).find("IDE controllers are unsupported for this QEMU binary or machine type"), std::string::npos);
}

TEST(LibvirtControllers, RootOfTheWrongModelIsLibvirtsError) {
    DomainText d;
    d.machine = "pc";
    d.devices = "<controller type='pci' index='0' model='pcie-root'/>";
    EXPECT_NE(error_of(d).find("must be model='pci-root' for this machine type, but model='pcie-root' was found instead"),
              std::string::npos);
}

// A PCIe root port on i440fx: libvirt finds no bus that takes it.
TEST(LibvirtControllers, RootPortOnI440fxIsLibvirtsError) {
    DomainText d;
    d.machine = "pc";
    d.devices = "<controller type='pci' index='1' model='pcie-root-port'/>";
    EXPECT_NE(error_of(d).find("a PCI slot is needed to connect a PCI controller model='pcie-root-port', but none is "
                               "available, and it cannot be automatically added"),
              std::string::npos);
}

// libvirt 10.7's tests/qemuxmlconfdata/pcie-expander-bus.x86_64-latest.args: pxb-pcie,bus_nr=254,id=pci.1,numa_node=0
TEST(LibvirtControllers, PcieExpanderBusBecomesPxbPcieWithBusNrAndNode) {
    DomainText d;
    d.head = "<cpu><numa><cell cpus='0' memory='524288' unit='KiB'/><cell cpus='1' memory='524288' unit='KiB'/></numa></cpu>";
    d.devices = "<controller type='pci' index='1' model='pcie-expander-bus'><target busNr='254'><node>1</node></target></controller>";
    const auto domain = read(d);
    const DeviceSpec* pxb = find(domain.spec, "pci.1");
    ASSERT_NE(pxb, nullptr);
    EXPECT_EQ(pxb->driver, "pxb-pcie");
    EXPECT_EQ(property(*pxb, "bus_nr"), "254");
    EXPECT_EQ(property(*pxb, "numa_node"), "1");
    EXPECT_EQ(*pxb->bus, "pcie.0");
    EXPECT_EQ(domain.spec.numa_nodes, 2U);
}

// qemuDomainAddressFindNewBusNr: pci-expander-bus.x86_64-latest.args gives index 2 (no busNr) 252 below index 1's 254.
TEST(LibvirtControllers, ExpanderWithoutBusNrGetsTheLowestLessTwo) {
    DomainText d;
    d.machine = "pc";
    d.devices = "<controller type='pci' index='1' model='pci-expander-bus'><target busNr='254'/></controller>"
                "<controller type='pci' index='2' model='pci-expander-bus'/>";
    const auto domain = read(d);
    const DeviceSpec* second = find(domain.spec, "pci.2");
    ASSERT_NE(second, nullptr);
    EXPECT_EQ(second->driver, "pxb");
    EXPECT_EQ(property(*second, "bus_nr"), "252");
}

TEST(LibvirtControllers, ExpanderWithoutAnyFreeBusNrIsRefused) {
    DomainText d;
    d.machine = "pc";
    d.devices = "<controller type='pci' index='1' model='pci-expander-bus'><target busNr='2'/></controller>"
                "<controller type='pci' index='2' model='pci-expander-bus'/>";
    EXPECT_NE(error_of(d).find("no free busNr below the lowest one already used (2)"), std::string::npos) << error_of(d);
}

// libvirt's pci-expander-bus-bad-node: a node with no <cpu><numa> cells (virDomainControllerDefValidate).
TEST(LibvirtControllers, ExpanderOnAMissingNumaNodeIsLibvirtsError) {
    DomainText d;
    d.machine = "pc";
    d.devices = "<controller type='pci' index='1' model='pci-expander-bus'><target busNr='254'><node>1</node></target></controller>";
    EXPECT_NE(error_of(d).find("pci-expander-bus with index 1 is configured for a NUMA node (1) not present in the domain's "
                               "<cpu><numa> array (0)"),
              std::string::npos)
        << error_of(d);
}

TEST(LibvirtControllers, ExpanderBusNrOutOfRange) {
    DomainText d;
    d.devices = "<controller type='pci' index='1' model='pcie-expander-bus'><target busNr='255'/></controller>";
    EXPECT_NE(error_of(d).find("PCI controller busNr '255' out of range - must be 1-254"), std::string::npos) << error_of(d);
}

TEST(LibvirtHostdev, SourceAndGuestAddressesBecomeHostBusAndAddr) {
    DomainText d;
    d.devices = "<controller type='pci' index='1' model='pcie-root-port'/>"
                "<hostdev mode='subsystem' type='pci' managed='yes'><source><address domain='0x0000' bus='0x41' slot='0x00' "
                "function='0x0'/></source><address type='pci' domain='0x0000' bus='0x01' slot='0x00' function='0x0'/></hostdev>";
    const auto domain = read(d);
    const DeviceSpec* gpu = find(domain.spec, "hostdev0");
    ASSERT_NE(gpu, nullptr);
    EXPECT_EQ(gpu->driver, "vfio-pci");
    EXPECT_EQ(property(*gpu, "host"), "0000:41:00.0");
    EXPECT_EQ(*gpu->bus, "pci.1");
    EXPECT_EQ(*gpu->addr, "0x0");
    EXPECT_EQ(domain.memlock.pci_hostdevs.size(), 1U);
}

TEST(LibvirtHostdev, RomBarOffAndFile) {
    DomainText d;
    d.machine = "pc";
    d.devices = "<hostdev mode='subsystem' type='pci'><source><address bus='6' slot='0x12' function='5'/></source>"
                "<rom bar='off' file='/etc/fake/bootrom.bin'/></hostdev>";
    const auto domain = read(d);
    const DeviceSpec* device = find(domain.spec, "hostdev0");
    ASSERT_NE(device, nullptr);
    EXPECT_EQ(property(*device, "rombar"), "0");
    EXPECT_EQ(property(*device, "romfile"), "/etc/fake/bootrom.bin");
}

// hostdev-pci-duplicate.x86_64-latest.err
TEST(LibvirtHostdev, SameHostDeviceTwiceIsLibvirtsError) {
    DomainText d;
    d.devices = "<hostdev mode='subsystem' type='pci'><source><address bus='6' slot='0x12' function='5'/></source></hostdev>\n"
                "<hostdev mode='subsystem' type='pci'><source><address bus='6' slot='0x12' function='5'/></source></hostdev>";
    EXPECT_EQ(error_of(d), "InputError: vm.xml:8: <hostdev mode='subsystem' type='pci'>: Hostdev already exists in the domain "
                           "configuration");
}

TEST(LibvirtHostdev, UnassignedIsCountedButNotPlugged) {
    DomainText d;
    d.devices = "<hostdev mode='subsystem' type='pci'><source><address bus='6' slot='0x12' function='5'/></source>"
                "<address type='unassigned'/></hostdev>";
    const auto domain = read(d);
    EXPECT_EQ(find(domain.spec, "hostdev0"), nullptr);
    EXPECT_EQ(domain.memlock.pci_hostdevs.size(), 1U);
}

// qemuDomainAssignPCIAddresses on q35: every PCIe device without an address gets its own root port
// (xhci, then the host device, then the balloon, in libvirt's class order), plus one spare for
// hotplug; the ports share slot 1 as functions 0-3.
TEST(LibvirtAddresses, Q35AddsARootPortPerDeviceAndASpare) {
    DomainText d;
    d.devices = "<hostdev mode='subsystem' type='pci'><source><address bus='0x41' slot='0' function='0'/></source></hostdev>";
    const auto spec = read(d).spec;
    for (int index = 1; index <= 4; ++index) {
        const DeviceSpec* port = find(spec, "pci." + std::to_string(index));
        ASSERT_NE(port, nullptr) << index;
        EXPECT_EQ(port->driver, "pcie-root-port");
        EXPECT_EQ(*port->bus, "pcie.0");
        EXPECT_EQ(*port->addr, index == 1 ? "0x1" : "0x1.0x" + std::to_string(index - 1));
        EXPECT_EQ(port->multifunction, index == 1);
    }
    EXPECT_EQ(find(spec, "pci.5"), nullptr);
    EXPECT_EQ(*find(spec, "usb")->bus, "pci.1");
    EXPECT_EQ(*find(spec, "hostdev0")->bus, "pci.2");
    EXPECT_EQ(*find(spec, "balloon0")->bus, "pci.3");
}

// A written <controller type='usb'> without a model on q35: libvirt 9.0.0 makes it piix3-uhci (seen with
// its domxml-to-native, tests/oracle/libvirt), which needs a pcie-to-pci-bridge; 10.7.0 makes it qemu-xhci.
TEST(LibvirtUsb, Q35WrittenUsbControllerWithoutModelIsPiix3UhciIn9_0) {
    DomainText d;
    d.devices = "<controller type='usb' index='0'/>";
    const auto spec = read_as(d, kLibvirt9_0).spec;
    const DeviceSpec* usb = find(spec, "usb");
    ASSERT_NE(usb, nullptr);
    EXPECT_EQ(usb->driver, "piix3-usb-uhci");
    EXPECT_EQ(find(spec, *usb->bus)->driver, "pcie-pci-bridge");
}

TEST(LibvirtUsb, Q35WrittenUsbControllerWithoutModelIsQemuXhciIn10_7) {
    DomainText d;
    d.devices = "<controller type='usb' index='0'/>";
    EXPECT_EQ(find(read_as(d, kLibvirt10_7).spec, "usb")->driver, "qemu-xhci");
}

// The controller libvirt adds itself (no <controller type='usb'>) is qemu-xhci on q35 in both releases.
TEST(LibvirtUsb, Q35ImplicitUsbControllerIsQemuXhciIn9_0) {
    DomainText d;
    EXPECT_EQ(find(read_as(d, kLibvirt9_0).spec, "usb")->driver, "qemu-xhci");
}

// virDomainDiskInsert keeps disks sorted by target name within a bus, so vda is placed before vdb
// whatever the document's order (libvirt 9.0.0 put vda on the first free root port, tests/oracle/libvirt).
TEST(LibvirtDisks, VirtioDisksArePlacedInTargetOrderNotDocumentOrder) {
    DomainText d;
    d.devices = "<disk type='file' device='disk'><source file='/b.img'/><target dev='vdb' bus='virtio'/></disk>"
                "<disk type='file' device='disk'><source file='/a.img'/><target dev='vda' bus='virtio'/></disk>";
    const auto spec = read(d).spec;
    EXPECT_EQ(*find(spec, "virtio-disk0")->bus, "pci.2");
    EXPECT_EQ(*find(spec, "virtio-disk1")->bus, "pci.3");
}

// Disks on another bus keep their own order: a SATA disk between them changes nothing.
TEST(LibvirtDisks, DiskOrderIsKeptPerBus) {
    DomainText d;
    d.devices = "<disk type='file' device='disk'><source file='/c.img'/><target dev='vdc' bus='virtio'/></disk>"
                "<disk type='file' device='disk'><source file='/s.img'/><target dev='sda' bus='sata'/></disk>"
                "<disk type='file' device='disk'><source file='/a.img'/><target dev='vda' bus='virtio'/></disk>";
    const auto spec = read(d).spec;
    EXPECT_EQ(*find(spec, "virtio-disk0")->bus, "pci.2");
    EXPECT_EQ(*find(spec, "virtio-disk2")->bus, "pci.3");
}

std::string bootindex(const VmSpec& spec, const std::string& id) {
    const DeviceSpec* device = find(spec, id);
    if (device == nullptr) return "(no device " + id + ")";
    const std::string* index = device->properties.find("bootindex");
    return index ? *index : "";
}

// libvirt passes -boot strict=on and gives the default <os><boot dev='hd'/> to the first disk only (the
// argv of libvirt 9.0.0's domxml-to-native: bootindex=1 on virtio-disk0, none on virtio-disk1).
TEST(LibvirtBoot, TheFirstDiskGetsTheBootindexUnderStrictBoot) {
    DomainText d;
    d.devices = "<disk type='file' device='disk'><source file='/b.img'/><target dev='vdb' bus='virtio'/></disk>"
                "<disk type='file' device='disk'><source file='/a.img'/><target dev='vda' bus='virtio'/></disk>";
    const auto spec = read(d).spec;
    EXPECT_TRUE(spec.boot_strict);
    EXPECT_EQ(bootindex(spec, "virtio-disk0"), "1");  // vda sorts first in libvirt's list
    EXPECT_EQ(bootindex(spec, "virtio-disk1"), "");
}

// <os><boot> entries number the first device of each kind in their order.
TEST(LibvirtBoot, OsBootOrderNumbersCdromThenDiskThenNetwork) {
    DomainText d;
    d.os_extra = "<boot dev='cdrom'/><boot dev='hd'/><boot dev='network'/>";
    d.devices = "<disk type='file' device='disk'><source file='/a.img'/><target dev='vda' bus='virtio'/></disk>"
                "<disk type='file' device='cdrom'><target dev='sda' bus='sata'/></disk>"
                "<interface type='user'><model type='virtio'/></interface>";
    const auto spec = read(d).spec;
    EXPECT_EQ(bootindex(spec, "sata0-0-0"), "1");
    EXPECT_EQ(bootindex(spec, "virtio-disk0"), "2");
    EXPECT_EQ(bootindex(spec, "net0"), "3");
}

TEST(LibvirtBoot, PerDeviceOrdersAreUsedAsWritten) {
    DomainText d;
    d.devices = "<disk type='file' device='disk'><source file='/a.img'/><target dev='vda' bus='virtio'/></disk>"
                "<disk type='file' device='disk'><source file='/b.img'/><target dev='vdb' bus='virtio'/><boot order='2'/></disk>"
                "<interface type='user'><model type='virtio'/><boot order='1'/></interface>";
    const auto spec = read(d).spec;
    EXPECT_EQ(bootindex(spec, "virtio-disk0"), "");
    EXPECT_EQ(bootindex(spec, "virtio-disk1"), "2");
    EXPECT_EQ(bootindex(spec, "net0"), "1");
}

TEST(LibvirtBoot, LibvirtsOwnRefusalsAreRepeated) {
    DomainText both;
    both.os_extra = "<boot dev='hd'/>";
    both.devices = "<disk type='file' device='disk'><source file='/a.img'/><target dev='vda' bus='virtio'/><boot order='1'/></disk>";
    EXPECT_NE(error_of(both).find("per-device boot elements cannot be used together with os/boot elements"), std::string::npos);
    DomainText twice;
    twice.devices = "<disk type='file' device='disk'><source file='/a.img'/><target dev='vda' bus='virtio'/><boot order='1'/></disk>"
                    "<interface type='user'><model type='virtio'/><boot order='1'/></interface>";
    EXPECT_NE(error_of(twice).find("boot order '1' used for more than one device"), std::string::npos);
    DomainText zero;
    zero.devices = "<disk type='file' device='disk'><source file='/a.img'/><target dev='vda' bus='virtio'/><boot order='0'/></disk>";
    EXPECT_NE(error_of(zero).find("incorrect boot order '0', expecting positive integer"), std::string::npos);
}

// virDomainPCIAddressSetGrow: a conventional PCI device on a pure PCIe q35 gets a pcie-root-port that
// takes only a pcie-to-pci-bridge, and sits in the bridge's first slot.
TEST(LibvirtAddresses, Q35ConventionalDeviceGetsAPcieToPciBridge) {
    DomainText d;
    d.devices = "<interface type='user'><model type='e1000'/></interface>";
    const auto domain = read(d);
    const DeviceSpec* bridge = find(domain.spec, "pci.2");
    ASSERT_NE(bridge, nullptr);
    EXPECT_EQ(bridge->driver, "pcie-pci-bridge");
    EXPECT_EQ(*bridge->bus, "pci.1");
    EXPECT_EQ(*bridge->addr, "0x0");
    const DeviceSpec* nic = find(domain.spec, "net0");
    EXPECT_EQ(*nic->bus, "pci.2");
    EXPECT_EQ(*nic->addr, "0x1");
    EXPECT_EQ(*find(domain.spec, "usb")->bus, "pci.3");
}

// hostdev-vfio.x86_64-latest.args: four host devices at 00:02.0-00:05.0, the balloon at 00:06.0.
TEST(LibvirtAddresses, I440fxTakesSlotsFromTwoUpward) {
    DomainText d;
    d.machine = "pc";
    d.devices = "<hostdev mode='subsystem' type='pci'><source><address bus='6' slot='0x12' function='1'/></source></hostdev>"
                "<hostdev mode='subsystem' type='pci'><source><address bus='6' slot='0x12' function='2'/></source></hostdev>";
    const auto spec = read(d).spec;
    EXPECT_EQ(*find(spec, "usb")->addr, "0x1.0x2");
    EXPECT_EQ(*find(spec, "hostdev0")->addr, "0x2");
    EXPECT_EQ(*find(spec, "hostdev1")->addr, "0x3");
    EXPECT_EQ(*find(spec, "balloon0")->addr, "0x4");
}

TEST(LibvirtAddresses, PrimaryVideoTakesSlotOneOnQ35) {
    DomainText d;
    d.devices = "<video><model type='vga'/></video>";
    const auto domain = read(d);
    const DeviceSpec* video = find(domain.spec, "video0");
    ASSERT_NE(video, nullptr);
    EXPECT_EQ(video->driver, "VGA");
    EXPECT_EQ(*video->bus, "pcie.0");
    EXPECT_EQ(*video->addr, "0x1");
    EXPECT_EQ(property(*video, "vgamem_mb"), "16");
}

TEST(LibvirtAddresses, MissingAddressesAreNoted) {
    DomainText d;
    d.devices = "<memballoon model='virtio'/>";
    bool noted = false;
    for (const auto& note : read(d).spec.notes) noted = noted || note.text.find("without a PCI <address>") != std::string::npos;
    EXPECT_TRUE(noted);
}

TEST(LibvirtAddresses, DoubleUseIsLibvirtsError) {
    DomainText d;
    d.machine = "pc";
    d.devices = "<memballoon model='virtio'><address type='pci' bus='0' slot='5'/></memballoon>"
                "<rng model='virtio'><backend model='random'>/dev/urandom</backend><address type='pci' bus='0' slot='5'/></rng>";
    EXPECT_NE(error_of(d).find("Attempted double use of PCI Address 0000:00:05.0"), std::string::npos);
}

// virDomainPCIAddressSetGrow: an address on a bus no controller makes gets the controllers for it.
TEST(LibvirtAddresses, BusWithoutAControllerGetsRootPortsUpToIt) {
    DomainText d;
    d.devices = "<memballoon model='virtio'><address type='pci' bus='3' slot='0'/></memballoon>";
    const auto domain = read(d);
    const DeviceSpec* port = find(domain.spec, "pci.3");
    ASSERT_NE(port, nullptr);
    EXPECT_EQ(port->driver, "pcie-root-port");
    EXPECT_EQ(*find(domain.spec, "balloon0")->bus, "pci.3");
}

TEST(LibvirtDevices, MemballoonNoneMeansNone) {
    DomainText d;
    d.devices = "<memballoon model='none'/>";
    const auto domain = read(d);
    EXPECT_EQ(find(domain.spec, "balloon0"), nullptr);
}

TEST(LibvirtDevices, VirtioNetQueuesMakeAMultiqueueDevice) {
    DomainText d;
    d.devices = "<interface type='user'><model type='virtio'/><driver queues='4'/></interface>";
    const auto domain = read(d);
    const DeviceSpec* net = find(domain.spec, "net0");
    ASSERT_NE(net, nullptr);
    EXPECT_EQ(net->driver, "virtio-net-pci");
    EXPECT_EQ(property(*net, "mq"), "on");
    EXPECT_EQ(property(*net, "vectors"), "10");
}

TEST(LibvirtDevices, NoNicModelIsRtl8139) {
    DomainText d;
    d.machine = "pc";
    d.devices = "<interface type='user'/>";
    const auto domain = read_libvirt_domain(xml_of(d), "vm.xml", {.refuse_unmodelled_devices = false});
    EXPECT_EQ(find(domain.spec, "net0")->driver, "rtl8139");
}

TEST(LibvirtDevices, DeviceTheCatalogLacksIsUnsupportedAndNamed) {
    DomainText d;
    d.machine = "pc";
    d.devices = "<sound model='es1370'/>";
    EXPECT_EQ(error_of(d), "UnsupportedError: vm.xml:7 (<sound model='es1370'>): libvirt makes this a QEMU 'ES1370', "
                           "which aperture does not model (aperture devices lists the models)");
}

// The devices libvirt 9.0 writes under QEMU's aliases (lsi, ahci) are read as the types QEMU creates.
const DeviceSpec* device_with_id(const std::vector<DeviceSpec>& devices, const std::string& id) {
    const auto found = std::find_if(devices.begin(), devices.end(), [&](const DeviceSpec& dev) { return dev.id == id; });
    return found == devices.end() ? nullptr : &*found;
}

TEST(LibvirtDevices, ScsiControllerWithoutModelIsLsi53c895a) {
    DomainText d;
    d.machine = "pc";
    d.devices = "<controller type='scsi' index='0'/>";
    const auto domain = read(d);
    const DeviceSpec* scsi = device_with_id(domain.spec.devices, "scsi0");
    ASSERT_NE(scsi, nullptr);
    EXPECT_EQ(scsi->driver, "lsi53c895a");
}

TEST(LibvirtDevices, Lsisas1078IsMegasas) {
    DomainText d;
    d.devices = "<controller type='scsi' index='0' model='lsisas1078'/>";
    const auto domain = read(d);
    const DeviceSpec* scsi = device_with_id(domain.spec.devices, "scsi0");
    ASSERT_NE(scsi, nullptr);
    EXPECT_EQ(scsi->driver, "megasas");
}

TEST(LibvirtDevices, SataControllerOnPcIsAnIch9Ahci) {
    DomainText d;
    d.machine = "pc";
    d.devices = "<controller type='sata' index='0'/>";
    const auto domain = read(d);
    const DeviceSpec* sata = device_with_id(domain.spec.devices, "sata0");
    ASSERT_NE(sata, nullptr);
    EXPECT_EQ(sata->driver, "ich9-ahci");
}

TEST(LibvirtDevices, VmvgaIsVmwareSvgaWithItsVram) {
    DomainText d;
    d.devices = "<video><model type='vmvga' vram='32768'/></video>";
    const auto domain = read(d);
    const DeviceSpec* video = device_with_id(domain.spec.devices, "video0");
    ASSERT_NE(video, nullptr);
    EXPECT_EQ(video->driver, "vmware-svga");
    ASSERT_NE(video->properties.find("vgamem_mb"), nullptr);
    EXPECT_EQ(*video->properties.find("vgamem_mb"), "32");
}

TEST(LibvirtDevices, DefaultNicOnPcIsTheModelledRtl8139) {
    DomainText d;
    d.machine = "pc";
    d.devices = "<interface type='user'/>";
    const auto domain = read(d);
    const auto nic = std::find_if(domain.spec.devices.begin(), domain.spec.devices.end(),
                                  [](const DeviceSpec& dev) { return dev.driver == "rtl8139"; });
    EXPECT_NE(nic, domain.spec.devices.end());
}

TEST(LibvirtDevices, VirtioDiskIsNamedByItsTarget) {
    DomainText d;
    d.devices = "<disk type='file' device='disk'><source file='/x.img'/><target dev='vdb' bus='virtio'/></disk>";
    const auto domain = read(d);
    const DeviceSpec* disk = find(domain.spec, "virtio-disk1");
    ASSERT_NE(disk, nullptr);
    EXPECT_EQ(disk->driver, "virtio-blk-pci");
}

TEST(LibvirtDevices, MemlockCountsNvmeDisksVdpaAndIommu) {
    DomainText d;
    d.devices = "<disk type='nvme' device='disk'><source type='pci' managed='yes' namespace='1'><address domain='0' bus='1' "
                "slot='0' function='0'/></source><target dev='vda' bus='virtio'/></disk>"
                "<interface type='vdpa'><source dev='/dev/vhost-vdpa-0'/><model type='virtio'/></interface>"
                "<iommu model='intel'/>";
    const auto memlock = read(d).memlock;
    EXPECT_EQ(memlock.nvme_disks, 1U);
    EXPECT_EQ(memlock.vdpa_interfaces, 1U);
    EXPECT_TRUE(memlock.viommu);
}

TEST(LibvirtDevices, UnknownDeviceElementIsUnsupported) {
    DomainText d;
    d.devices = "<frobnicator/>";
    EXPECT_EQ(error_of(d).rfind("UnsupportedError: vm.xml:", 0), 0U);
}

// --- qemu namespace -------------------------------------------------------------------------------------

TEST(LibvirtQemuNamespace, CommandlineFwCfgAndGlobalAreRead) {
    DomainText d;
    d.domain_attributes = " xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'";
    d.tail = "<qemu:commandline><qemu:arg value='-fw_cfg'/><qemu:arg value='name=opt/ovmf/X-PciMmio64Mb,string=65536'/>"
             "<qemu:arg value='-global'/><qemu:arg value='q35-pcihost.pci-hole64-size=64G'/></qemu:commandline>\n";
    const auto spec = read(d).spec;
    ASSERT_EQ(spec.fw_cfg.size(), 1U);
    EXPECT_EQ(spec.fw_cfg[0].name, "opt/ovmf/X-PciMmio64Mb");
    EXPECT_EQ(spec.fw_cfg[0].string_value, "65536");
    ASSERT_EQ(spec.globals.size(), 1U);
    EXPECT_EQ(spec.globals[0].value, "64G");
}

TEST(LibvirtQemuNamespace, AnyPrefixBoundToTheNamespaceCounts) {
    DomainText d;
    d.tail = "<q:commandline xmlns:q='http://libvirt.org/schemas/domain/qemu/1.0'><q:arg value='-global'/>"
             "<q:arg value='ICH9-LPC.disable_s3=1'/></q:commandline>\n";
    EXPECT_EQ(read(d).spec.globals.size(), 1U);
}

TEST(LibvirtQemuNamespace, SetChangesALibvirtDevice) {
    DomainText d;
    d.domain_attributes = " xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'";
    d.devices = "<interface type='user'><model type='virtio'/></interface>";
    d.tail = "<qemu:commandline><qemu:arg value='-set'/><qemu:arg value='device.net0.romfile='/></qemu:commandline>\n";
    const auto domain = read(d);
    EXPECT_EQ(property(*find(domain.spec, "net0"), "romfile"), "");
}

TEST(LibvirtQemuNamespace, UnknownOptionNamesTheArgLine) {
    DomainText d;
    d.domain_attributes = " xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'";
    d.tail = "<qemu:commandline>\n<qemu:arg value='-unknown'/>\n</qemu:commandline>\n";
    EXPECT_EQ(error_of(d).rfind("InputError: vm.xml:10 (-unknown): invalid option", 0), 0U) << error_of(d);
}

TEST(LibvirtQemuNamespace, OverrideSetsAndRemovesProperties) {
    DomainText d;
    d.domain_attributes = " xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'";
    d.devices = "<interface type='user'><model type='virtio'/><alias name='ua-nic'/><rom bar='off'/></interface>";
    d.tail = "<qemu:override><qemu:device alias='ua-nic'><qemu:frontend>"
             "<qemu:property name='host_mtu' type='unsigned' value='9000'/><qemu:property name='rombar' type='remove'/>"
             "</qemu:frontend></qemu:device></qemu:override>\n";
    const auto domain = read(d);
    const DeviceSpec* net = find(domain.spec, "ua-nic");
    ASSERT_NE(net, nullptr);
    EXPECT_EQ(property(*net, "host_mtu"), "9000");
    EXPECT_EQ(property(*net, "rombar"), "<absent>");
}

// --- the release the domain is read for -----------------------------------------------------------------

constexpr std::array kOtherAliases{MachineTypeAlias{"pc", "pc-i440fx-9.9"}};
constexpr std::array kOtherTypes{MachineTypeFacts{"pc-i440fx-9.9", MachineFamily::I440fx, true, true, true, false, true, true}};
constexpr QemuRelease kOtherRelease{"9.9", "qemu-9.9", "QEMU 9.9", "v9.9.0", "a test build", ReleaseEvidence::UpstreamSource, true, true, false, true, kOtherAliases, kOtherTypes};

LibvirtDomain read_for_other_release(const std::string& text) {
    LibvirtReadOptions options;
    options.qemu = &kOtherRelease;
    return read_libvirt_domain(text, "vm.xml", options);
}

TEST(LibvirtRelease, DefaultMachineTypeIsTheReleasesPcAlias) {
    const auto domain = read_for_other_release("<domain type='kvm'><memory>1048576</memory><os><type>hvm</type></os></domain>");
    bool noted = false;
    for (const auto& note : domain.spec.notes) {
        noted = noted || note.text == "no machine type: libvirt takes the emulator's default, for qemu-system-x86_64 9.9 'pc' "
                                      "(pc-i440fx-9.9)";
    }
    EXPECT_TRUE(noted);
}

TEST(LibvirtRelease, ClusterRefusalNamesTheRelease) {
    std::string message;
    try {
        read_for_other_release("<domain type='kvm'><memory>1048576</memory><vcpu>4</vcpu><os><type machine='pc'>hvm</type></os>"
                               "<cpu><topology sockets='1' dies='1' clusters='2' cores='2' threads='1'/></cpu></domain>");
    } catch (const UnsupportedError& e) {
        message = e.what();
    }
    EXPECT_NE(message.find("CPU clusters are not modelled on x86 (QEMU 9.9 has none there)"), std::string::npos) << message;
}

TEST(LibvirtRelease, MachineTypeTheReleaseLacksIsRefused) {
    EXPECT_THROW(read_for_other_release("<domain type='kvm'><memory>1048576</memory><os><type machine='pc-q35-7.2'>hvm</type></os>"
                                        "</domain>"),
                 InputError);
}

}  // namespace
}  // namespace aperture
