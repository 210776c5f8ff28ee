#include "input/qemu_command_line.hpp"

#include <gtest/gtest.h>

#include "core/qemu_refusal.hpp"

#include <map>

#include "core/error.hpp"

// Expected error texts after the "argument N (...): " prefix are QEMU 7.2's own, as the installed
// qemu-system-x86_64 7.2 prints them for the same command line.

namespace aperture {
namespace {

using Args = std::vector<std::string>;

// @files come from this map, never from the disk.
VmSpec read_with_files(const Args& args, const std::map<std::string, std::string>& files) {
    return read_qemu_command_line(args, [&files](const std::string& path) {
        auto it = files.find(path);
        if (it == files.end()) throw InputError("cannot read args file '" + path + "'");
        return it->second;
    });
}

VmSpec read(const Args& args) { return read_with_files(args, {}); }

std::string error_of(const Args& args, const std::map<std::string, std::string>& files = {}) {
    try {
        read_with_files(args, files);
    } catch (const InputError& e) {
        return e.what();
    }
    return "no error";
}

bool has_note_containing(const VmSpec& spec, const std::string& text) {
    for (const auto& note : spec.notes) {
        if (note.text.find(text) != std::string::npos) return true;
    }
    return false;
}

// ---- words and options ------------------------------------------------------------------------------------

TEST(QemuCommandLine, EmptyCommandLineGivesQemuDefaults) {
    VmSpec spec = read({});
    EXPECT_EQ(spec.machine.type, "pc");
    EXPECT_EQ(spec.machine.accel, "tcg");
    EXPECT_EQ(spec.memory.size, 128 * MiB);
    EXPECT_EQ(spec.cpus, 1u);
    EXPECT_EQ(spec.firmware.kind, FirmwareKind::Default);
}
TEST(QemuCommandLine, SkipsQemuBinaryPath) { EXPECT_EQ(read({"/usr/bin/qemu-system-x86_64", "-m", "4G"}).memory.size, 4 * GiB); }
TEST(QemuCommandLine, QemuKvmBinaryPrefersKvm) { EXPECT_EQ(read({"/usr/libexec/qemu-kvm"}).machine.accel, "kvm"); }
TEST(QemuCommandLine, OtherQemuBinaryIsRefused) {
    EXPECT_EQ(error_of({"qemu-system-aarch64", "-M", "virt"}),
              "argument 1 (qemu-system-aarch64): only qemu-system-x86_64 is modelled; 'qemu-system-aarch64' builds a "
              "different machine");
}
TEST(QemuCommandLine, DoubleDashIsTheSameOption) { EXPECT_EQ(read({"--m", "2G"}).memory.size, 2 * GiB); }
TEST(QemuCommandLine, OptionEqualsValueIsAnUnknownOption) {
    EXPECT_EQ(error_of({"-m=4G"}), "argument 1 (-m=4G): invalid option (QEMU 7.2 has no option '-m=4G')");
}
TEST(QemuCommandLine, UnknownOptionIsRefused) {
    EXPECT_EQ(error_of({"-m", "1G", "-frobnicate"}),
              "argument 3 (-frobnicate): invalid option (QEMU 7.2 has no option '-frobnicate')");
}
TEST(QemuCommandLine, OptionRemovedBefore72IsUnknown) {
    EXPECT_EQ(error_of({"-soundhw", "ac97"}), "argument 1 (-soundhw): invalid option (QEMU 7.2 has no option '-soundhw')");
}
// Another release than Debian 12's: the reader's messages name the release it reads for.
constexpr QemuRelease kOtherRelease{"9.9", "qemu-9.9", "QEMU 9.9", "v9.9.0", "a test build", ReleaseEvidence::UpstreamSource, true, true, false, true, {}, {}};

TEST(QemuCommandLine, RefusalNamesTheReleaseItIsReadFor) {
    std::string message = "no error";
    try {
        read_qemu_command_line({"-frobnicate"}, kOtherRelease);
    } catch (const InputError& e) {
        message = e.what();
    }
    EXPECT_EQ(message, "argument 1 (-frobnicate): invalid option (QEMU 9.9 has no option '-frobnicate')");
}
TEST(QemuCommandLine, WarningNamesTheReleaseItIsReadFor) {
    const VmSpec spec = read_qemu_command_line({"-no-hpet", "-accel", "xen", "-accel", "tcg"}, kOtherRelease);
    EXPECT_TRUE(has_note_containing(spec, "QEMU 9.9 warns: -no-hpet is deprecated"));
    EXPECT_TRUE(has_note_containing(spec, "QEMU 9.9 says: invalid accelerator xen"));
    EXPECT_FALSE(has_note_containing(spec, "QEMU 7.2"));
}
TEST(QemuCommandLine, DefaultReleaseIsNamedWhenNoneIsGiven) {
    EXPECT_TRUE(has_note_containing(read({"-no-hpet"}), std::string(default_qemu_release().display_name) + " warns: -no-hpet"));
}
TEST(QemuCommandLine, MissingArgumentIsRefused) { EXPECT_EQ(error_of({"-S", "-m"}), "argument 2 (-m): requires an argument"); }
TEST(QemuCommandLine, IgnoredOptionConsumesItsArgument) { EXPECT_EQ(read({"-name", "-m", "-m", "2G"}).memory.size, 2 * GiB); }
TEST(QemuCommandLine, IgnoredOptionWithoutArgumentConsumesNothing) {
    EXPECT_EQ(read({"-nographic", "-m", "2G"}).memory.size, 2 * GiB);
}
TEST(QemuCommandLine, DiskImageWordIsIgnored) { EXPECT_EQ(read({"disk.qcow2", "-m", "2G"}).memory.size, 2 * GiB); }
TEST(QemuCommandLine, SetIsNotModelled) {
    EXPECT_EQ(error_of({"-set", "device.x.y=1"}),
              "argument 1 (-set device.x.y=1): -set is not modelled by aperture; write the property into the option it "
              "changes");
}
TEST(QemuCommandLine, ReadconfigIsNotModelled) {
    EXPECT_EQ(error_of({"-readconfig", "vm.cfg"}),
              "argument 1 (-readconfig vm.cfg): -readconfig is not modelled by aperture; give the options on the "
              "command line");
}
TEST(QemuCommandLine, OptionOfAnotherTargetIsRefused) {
    EXPECT_EQ(error_of({"-prom-env", "x"}), "argument 1 (-prom-env x): Option not supported for this target");
}
TEST(QemuCommandLine, VersionDescribesNoVm) {
    EXPECT_EQ(error_of({"-version"}), "argument 1 (-version): asks QEMU to print information and exit; it describes no VM");
}
TEST(QemuCommandLine, DeviceHelpDescribesNoVm) {
    EXPECT_EQ(error_of({"-device", "help"}), "argument 1 (-device help): asks QEMU to print help and exit; it describes no VM");
}

// ---- -machine, -accel -------------------------------------------------------------------------------------

TEST(QemuCommandLine, MachineImpliedKeyIsType) { EXPECT_EQ(read({"-machine", "q35"}).machine.type, "q35"); }
TEST(QemuCommandLine, MachineShortOption) { EXPECT_EQ(read({"-M", "pc-q35-7.1"}).machine.type, "pc-q35-7.1"); }
TEST(QemuCommandLine, MachinePropertiesFillTheSpec) {
    VmSpec spec = read({"-machine", "q35,accel=kvm,max-ram-below-4g=2G,vmport=off"});
    EXPECT_EQ(spec.machine.accel, "kvm");
    EXPECT_EQ(spec.machine.max_ram_below_4g, 2 * GiB);
    EXPECT_EQ(*spec.machine.other.find("vmport"), "off");
    EXPECT_FALSE(spec.machine.other.has("accel"));
    EXPECT_EQ(spec.machine.where.text, "argument 1 (-machine q35,accel=kvm,max-ram-below-4g=2G,vmport=off)");
}
TEST(QemuCommandLine, MachineUnderscoreKeyIsDashed) {
    EXPECT_EQ(read({"-machine", "pc,max_ram_below_4g=1G"}).machine.max_ram_below_4g, GiB);
}
TEST(QemuCommandLine, LaterMachineOptionWins) {
    EXPECT_EQ(read({"-machine", "pc,vmport=on", "-machine", "q35,vmport=off"}).machine.type, "q35");
}
TEST(QemuCommandLine, MalformedMaxRamBelow4gIsRefused) {
    EXPECT_EQ(error_of({"-machine", "q35,max-ram-below-4g=abc"}),
              "argument 1 (-machine q35,max-ram-below-4g=abc): Parameter 'max-ram-below-4g' expects size");
}
TEST(QemuCommandLine, MachineMemoryPropertyIsNotModelled) {
    EXPECT_EQ(error_of({"-machine", "q35,memory.size=2G"}),
              "argument 1 (-machine q35,memory.size=2G): -machine memory.size is not modelled by aperture; use -m");
}
TEST(QemuCommandLine, EnableKvmSelectsKvm) { EXPECT_EQ(read({"-enable-kvm"}).machine.accel, "kvm"); }
TEST(QemuCommandLine, AccelOptionSelectsAccelerator) { EXPECT_EQ(read({"-accel", "kvm,kernel-irqchip=split"}).machine.accel, "kvm"); }
TEST(QemuCommandLine, FirstAccelOptionIsTried) { EXPECT_EQ(read({"-accel", "kvm", "-accel", "tcg"}).machine.accel, "kvm"); }
TEST(QemuCommandLine, AccelWithMachineAccelIsRefused) {
    EXPECT_EQ(error_of({"-enable-kvm", "-accel", "tcg"}),
              "argument 1 (-enable-kvm): The -accel and \"-machine accel=\" options are incompatible");
}
TEST(QemuCommandLine, MachineAccelListSkipsInvalidAccelerator) {
    VmSpec spec = read({"-machine", "accel=foo:tcg"});
    EXPECT_EQ(spec.machine.accel, "tcg");
    EXPECT_TRUE(has_note_containing(spec, "invalid accelerator foo"));
}
TEST(QemuCommandLine, InvalidAcceleratorIsRefused) {
    EXPECT_EQ(error_of({"-accel", "xen"}), "argument 1 (-accel xen): invalid accelerator xen");
}
TEST(QemuCommandLine, UsbSetsTheMachineProperty) { EXPECT_EQ(*read({"-usb"}).machine.other.find("usb"), "on"); }
TEST(QemuCommandLine, NoAcpiSetsTheMachineProperty) { EXPECT_EQ(*read({"-no-acpi"}).machine.other.find("acpi"), "off"); }

// ---- -m -----------------------------------------------------------------------------------------------------

TEST(QemuCommandLine, MemorySizeWithSuffix) { EXPECT_EQ(read({"-m", "4G"}).memory.size, 4 * GiB); }
TEST(QemuCommandLine, MemorySizeWithoutSuffixIsMebibytes) { EXPECT_EQ(read({"-m", "2048"}).memory.size, 2 * GiB); }
TEST(QemuCommandLine, MemorySizeIsRoundedUpTo8KiB) { EXPECT_EQ(read({"-m", "4097K"}).memory.size, 4104 * KiB); }
TEST(QemuCommandLine, MemoryZeroKeepsTheDefault) { EXPECT_EQ(read({"-m", "0"}).memory.size, 128 * MiB); }
TEST(QemuCommandLine, MemoryKeysFillTheSpec) {
    VmSpec spec = read({"-m", "size=4G,slots=2,maxmem=8G"});
    EXPECT_EQ(spec.memory.size, 4 * GiB);
    EXPECT_EQ(spec.memory.slots, 2u);
    EXPECT_EQ(spec.memory.maxmem, 8 * GiB);
    EXPECT_EQ(spec.memory.where.text, "argument 1 (-m size=4G,slots=2,maxmem=8G)");
}
TEST(QemuCommandLine, MemoryOptionsMerge) {
    VmSpec spec = read({"-m", "1G", "-m", "maxmem=2G,slots=1"});
    EXPECT_EQ(spec.memory.size, GiB);
    EXPECT_EQ(spec.memory.maxmem, 2 * GiB);
}
TEST(QemuCommandLine, MaxmemAboveSizeWithoutSlotsIsAccepted) { EXPECT_EQ(read({"-m", "4G,maxmem=8G"}).memory.slots, 0u); }
TEST(QemuCommandLine, MaxmemBelowSizeIsRefused) {
    EXPECT_EQ(error_of({"-m", "4G,maxmem=2G"}),
              "argument 1 (-m 4G,maxmem=2G): invalid value of maxmem: maximum memory size (0x80000000) must be at least "
              "the initial memory size (0x100000000)");
}
TEST(QemuCommandLine, MaxmemWithoutSuffixIsBytes) {
    EXPECT_EQ(error_of({"-m", "1024,maxmem=2048"}),
              "argument 1 (-m 1024,maxmem=2048): invalid value of maxmem: maximum memory size (0x800) must be at least "
              "the initial memory size (0x40000000)");
}
TEST(QemuCommandLine, SlotsWithMaxmemEqualToSizeAreRefused) {
    EXPECT_EQ(error_of({"-m", "4G,slots=2,maxmem=4G"}),
              "argument 1 (-m 4G,slots=2,maxmem=4G): invalid value of maxmem: memory slots were specified but maximum "
              "memory size (0x100000000) is equal to the initial memory size (0x100000000)");
}
TEST(QemuCommandLine, SlotsWithoutMaxmemAreRefused) {
    EXPECT_EQ(error_of({"-m", "4G,slots=2"}), "argument 1 (-m 4G,slots=2): slots specified but no max-size");
}
TEST(QemuCommandLine, MalformedMemorySizeIsRefused) {
    EXPECT_EQ(error_of({"-m", "abc"}), "argument 1 (-m abc): Parameter 'size' expects a non-negative number below 2^64");
}
TEST(QemuCommandLine, NegativeMemorySizeIsRefused) {
    EXPECT_EQ(error_of({"-m", "-1"}), "argument 1 (-m -1): Parameter 'size' expects a non-negative number below 2^64");
}
TEST(QemuCommandLine, FractionalMemoryWithoutSuffixIsRefused) {
    EXPECT_EQ(error_of({"-m", "1.5"}), "argument 1 (-m 1.5): Parameter 'size' expects a non-negative number below 2^64");
}
TEST(QemuCommandLine, MemorySizeOf16EIsOutOfRange) {
    EXPECT_EQ(error_of({"-m", "16E"}), "argument 1 (-m 16E): Value '16E' is out of range for parameter 'size'");
}
TEST(QemuCommandLine, MemorySizeJustBelow2To64IsOutOfRange) {
    EXPECT_EQ(error_of({"-m", "18446744073709551615"}),
              "argument 1 (-m 18446744073709551615): Value '18446744073709551615' is out of range for parameter 'size'");
}
TEST(QemuCommandLine, MebibyteCountReaching2To64IsRefused) {
    EXPECT_EQ(error_of({"-m", "17592186044416"}), "argument 1 (-m 17592186044416): Parameter 'memory.size' expects size");
}
TEST(QemuCommandLine, MaxmemOf16EIsOutOfRange) {
    EXPECT_EQ(error_of({"-m", "4G,maxmem=16E"}),
              "argument 1 (-m 4G,maxmem=16E): Value '16E' is out of range for parameter 'maxmem'");
}
TEST(QemuCommandLine, UnknownMemoryKeyIsRefused) {
    EXPECT_EQ(error_of({"-m", "foo=1"}), "argument 1 (-m foo=1): Invalid parameter 'foo'");
}
TEST(QemuCommandLine, MemoryWithIdIsRefused) {
    EXPECT_EQ(error_of({"-m", "1G,id=m"}), "argument 1 (-m 1G,id=m): Invalid parameter 'id'");
}
TEST(QemuCommandLine, NonNumericSlotsAreRefused) {
    EXPECT_EQ(error_of({"-m", "4G,slots=x"}), "argument 1 (-m 4G,slots=x): Parameter 'slots' expects a number");
}
TEST(QemuCommandLine, MemoryBackendGivesTheRamSize) {
    VmSpec spec = read({"-object", "memory-backend-ram,id=m0,size=2G", "-machine", "q35,memory-backend=m0"});
    EXPECT_EQ(spec.memory.size, 2 * GiB);
}
TEST(QemuCommandLine, MemoryBackendOfAnotherSizeIsRefused) {
    EXPECT_EQ(error_of({"-object", "memory-backend-ram,id=m0,size=2G", "-machine", "memory-backend=m0", "-m", "1G"}),
              "argument 3 (-machine memory-backend=m0): Machine memory size does not match the size of the memory "
              "backend");
}

// ---- -cpu ---------------------------------------------------------------------------------------------------

TEST(QemuCommandLine, CpuModelAndFeatureSyntax) {
    VmSpec spec = read({"-cpu", "qemu64,+pdpe1gb,-lm,phys-bits=40"});
    EXPECT_EQ(spec.cpu.model, "qemu64");
    EXPECT_TRUE(spec.cpu.flags.at("pdpe1gb"));
    EXPECT_FALSE(spec.cpu.flags.at("lm"));
    EXPECT_EQ(spec.cpu.phys_bits, 40u);
}
TEST(QemuCommandLine, CpuFeatureOnOffSyntax) {
    VmSpec spec = read({"-cpu", "host,pdpe1gb=on,lm=off,x2apic"});
    EXPECT_TRUE(spec.cpu.flags.at("pdpe1gb"));
    EXPECT_FALSE(spec.cpu.flags.at("lm"));
    EXPECT_TRUE(spec.cpu.flags.at("x2apic"));
}
TEST(QemuCommandLine, CpuFeatureUnderscoreIsDash) { EXPECT_EQ(read({"-cpu", "qemu64,phys_bits=39"}).cpu.phys_bits, 39u); }
TEST(QemuCommandLine, CpuMinusFeatureWinsOverKeyValue) {
    VmSpec spec = read({"-cpu", "qemu64,-pdpe1gb,pdpe1gb=on"});
    EXPECT_FALSE(spec.cpu.flags.at("pdpe1gb"));
    EXPECT_TRUE(has_note_containing(spec, "Ambiguous CPU model string"));
}
TEST(QemuCommandLine, CpuHostPhysBits) {
    VmSpec spec = read({"-cpu", "host,host-phys-bits=on,host-phys-bits-limit=39"});
    EXPECT_EQ(spec.cpu.host_phys_bits, true);
    EXPECT_EQ(spec.cpu.host_phys_bits_limit, 39u);
}
TEST(QemuCommandLine, CpuVendorAndOtherProperties) {
    VmSpec spec = read({"-cpu", "qemu64,vendor=GenuineIntel,level=13"});
    EXPECT_EQ(spec.cpu.vendor, "GenuineIntel");
    EXPECT_EQ(*spec.cpu.other.find("level"), "13");
}
TEST(QemuCommandLine, MalformedPhysBitsIsRefused) {
    EXPECT_EQ(error_of({"-cpu", "qemu64,phys-bits=abc"}),
              "argument 1 (-cpu qemu64,phys-bits=abc): can't apply global qemu64-x86_64-cpu.phys-bits=abc: Parameter "
              "'phys-bits' expects uint64");
}
TEST(QemuCommandLine, EmptyCpuIsRefused) { EXPECT_EQ(error_of({"-cpu", ""}), "argument 1 (-cpu ): -cpu option cannot be empty"); }

// ---- -smp ---------------------------------------------------------------------------------------------------

TEST(QemuCommandLine, SmpImpliedKeyIsCpus) {
    VmSpec spec = read({"-smp", "4"});
    EXPECT_EQ(spec.cpus, 4u);
    EXPECT_EQ(spec.smp.cores, 4u);  // 6.2 and later prefer cores
    EXPECT_EQ(spec.smp.sockets, 1u);
}
TEST(QemuCommandLine, SmpCpusFromTopology) { EXPECT_EQ(read({"-smp", "sockets=2,cores=2,threads=2"}).cpus, 8u); }
TEST(QemuCommandLine, SmpMaxcpus) {
    VmSpec spec = read({"-smp", "2,maxcpus=8"});
    EXPECT_EQ(spec.cpus, 2u);
    EXPECT_EQ(spec.smp.max_cpus, 8u);
}
TEST(QemuCommandLine, SmpOldMachinePrefersSockets) { EXPECT_EQ(read({"-M", "pc-i440fx-6.1", "-smp", "4"}).smp.sockets, 4u); }
TEST(QemuCommandLine, SmpHierarchyMismatchIsRefused) {
    EXPECT_EQ(error_of({"-smp", "4,sockets=3"}),
              "argument 1 (-smp 4,sockets=3): Invalid CPU topology: product of the hierarchy must match maxcpus: sockets "
              "(3) * dies (1) * cores (1) * threads (1) != maxcpus (4)");
}
TEST(QemuCommandLine, SmpMaxcpusBelowCpusIsRefused) {
    EXPECT_EQ(error_of({"-smp", "4,maxcpus=2"}),
              "argument 1 (-smp 4,maxcpus=2): Invalid CPU topology: maxcpus must be equal to or greater than smp: sockets "
              "(1) * dies (1) * cores (2) * threads (1) == maxcpus (2) < smp_cpus (4)");
}
TEST(QemuCommandLine, SmpClustersAreRefusedOnX86) {
    EXPECT_EQ(error_of({"-smp", "4,clusters=2"}),
              "argument 1 (-smp 4,clusters=2): clusters not supported by this machine's CPU topology");
}
TEST(QemuCommandLine, SmpUnknownKeyIsRefused) {
    EXPECT_EQ(error_of({"-smp", "foo=2"}), "argument 1 (-smp foo=2): Parameter 'smp.foo' is unexpected");
}
TEST(QemuCommandLine, SmpNonNumericIsRefused) {
    EXPECT_EQ(error_of({"-smp", "x"}), "argument 1 (-smp x): Parameter 'smp.cpus' expects integer");
}

// ---- -device ------------------------------------------------------------------------------------------------

TEST(QemuCommandLine, DeviceFields) {
    VmSpec spec = read({"-device", "virtio-net-pci,id=nic0,bus=pcie.0,addr=03.0,multifunction=on,netdev=n0"});
    ASSERT_EQ(spec.devices.size(), 1u);
    const DeviceSpec& device = spec.devices[0];
    EXPECT_EQ(device.driver, "virtio-net-pci");
    EXPECT_EQ(device.id, "nic0");
    EXPECT_EQ(device.bus, "pcie.0");
    EXPECT_EQ(device.addr, "03.0");
    EXPECT_TRUE(device.multifunction);
    EXPECT_EQ(device.properties.entries, (std::vector<std::pair<std::string, std::string>>{{"netdev", "n0"}}));
    EXPECT_EQ(device.where.text, "argument 1 (-device virtio-net-pci,id=nic0,bus=pcie.0,addr=03.0,multifunction=on,netdev=n0)");
}
// softmmu/qdev-monitor.c qdev_alias_table: QEMU creates the aliased type (libvirt writes lsi and ahci).
TEST(QemuCommandLine, DeviceAliasIsTheTypeQemuCreates) {
    const VmSpec spec = read({"-device", "lsi,id=scsi0", "-device", R"({"driver":"ahci","id":"sata0"})"});
    ASSERT_EQ(spec.devices.size(), 2u);
    EXPECT_EQ(spec.devices[0].driver, "lsi53c895a");
    EXPECT_EQ(spec.devices[1].driver, "ich9-ahci");
}

TEST(QemuCommandLine, DeviceTypeThatIsNoAliasIsKeptAsWritten) {
    EXPECT_EQ(read({"-device", "lsi53c810"}).devices[0].driver, "lsi53c810");
}

TEST(QemuCommandLine, DeviceValueWithDoubledComma) {
    EXPECT_EQ(*read({"-device", "vfio-pci,host=01:00.0,x-name=a,,b"}).devices[0].properties.find("x-name"), "a,b");
}
TEST(QemuCommandLine, DeviceInJson) {
    VmSpec spec = read({"-device", R"({"driver":"pcie-root-port","id":"rp1","bus":"pcie.0","chassis":1,"multifunction":true})"});
    EXPECT_EQ(spec.devices[0].driver, "pcie-root-port");
    EXPECT_EQ(spec.devices[0].id, "rp1");
    EXPECT_TRUE(spec.devices[0].multifunction);
    EXPECT_EQ(*spec.devices[0].properties.find("chassis"), "1");
}
TEST(QemuCommandLine, JsonDevicesComeAfterTheOthers) {
    VmSpec spec = read({"-device", R"({"driver":"e1000"})", "-device", "pci-testdev", "-drive", "if=virtio,driver=null-co",
                        "-device", "rtl8139"});
    ASSERT_EQ(spec.devices.size(), 4u);
    EXPECT_EQ(spec.devices[0].driver, "pci-testdev");
    EXPECT_EQ(spec.devices[1].driver, "rtl8139");
    EXPECT_EQ(spec.devices[2].driver, "virtio-blk-pci");
    EXPECT_EQ(spec.devices[3].driver, "e1000");
}
TEST(QemuCommandLine, DuplicateDeviceIdIsRefused) {
    EXPECT_EQ(error_of({"-device", "pci-testdev,id=a", "-device", "pci-testdev,id=a"}),
              "argument 3 (-device pci-testdev,id=a): Duplicate ID 'a' for device");
}
TEST(QemuCommandLine, JsonDeviceDuplicatingAnIdIsRefused) {
    EXPECT_EQ(error_of({"-device", R"({"driver":"pci-testdev","id":"a"})", "-device", "pci-testdev,id=a"}),
              R"(argument 1 (-device {"driver":"pci-testdev","id":"a"}): Duplicate device ID 'a')");
}
TEST(QemuCommandLine, DeviceWithoutDriverIsRefused) {
    EXPECT_EQ(error_of({"-device", ""}), "argument 1 (-device ): Parameter 'driver' is missing");
}
TEST(QemuCommandLine, DeviceWithEmptyDriverIsRefused) {
    EXPECT_EQ(error_of({"-device", ",id=x"}), "argument 1 (-device ,id=x): '' is not a valid device model name");
}
TEST(QemuCommandLine, DeviceWithMalformedIdIsRefused) {
    EXPECT_EQ(error_of({"-device", "e1000,id=n,,x"}),
              "argument 1 (-device e1000,id=n,,x): Parameter 'id' expects an identifier (letters, digits, '-', '.', '_', "
              "starting with a letter)");
}
TEST(QemuCommandLine, DeviceBadMultifunctionIsRefused) {
    EXPECT_EQ(error_of({"-device", "pci-testdev,multifunction=maybe"}),
              "argument 1 (-device pci-testdev,multifunction=maybe): Parameter 'multifunction' expects 'on' or 'off'");
}
TEST(QemuCommandLine, VirtfsAddsAVirtio9pDevice) {
    VmSpec spec = read({"-virtfs", "local,path=/srv,mount_tag=share,security_model=none"});
    EXPECT_EQ(spec.devices[0].driver, "virtio-9p-pci");
    EXPECT_EQ(*spec.devices[0].properties.find("mount_tag"), "share");
}
TEST(QemuCommandLine, AudioCardsComeFirst) {
    VmSpec spec = read({"-device", "pci-testdev", "-audio", "driver=none,model=hda"});
    ASSERT_EQ(spec.devices.size(), 3u);
    EXPECT_EQ(spec.devices[0].driver, "intel-hda");
    EXPECT_EQ(spec.devices[1].driver, "hda-duplex");
    EXPECT_EQ(spec.devices[2].driver, "pci-testdev");
}
TEST(QemuCommandLine, UnknownSoundCardIsRefused) {
    EXPECT_EQ(error_of({"-audio", "driver=none,model=pcspk"}),
              "argument 1 (-audio driver=none,model=pcspk): Unknown sound card name `pcspk'");
}

// ---- -global ------------------------------------------------------------------------------------------------

TEST(QemuCommandLine, GlobalDottedForm) {
    VmSpec spec = read({"-global", "q35-pcihost.pci-hole64-size=1T"});
    ASSERT_EQ(spec.globals.size(), 1u);
    EXPECT_EQ(spec.globals[0].driver, "q35-pcihost");
    EXPECT_EQ(spec.globals[0].property, "pci-hole64-size");
    EXPECT_EQ(spec.globals[0].value, "1T");
}
TEST(QemuCommandLine, GlobalDottedFormKeepsTheWholeValue) {
    EXPECT_EQ(read({"-global", "isa-fdc.driveA=a,b"}).globals[0].value, "a,b");
}
TEST(QemuCommandLine, GlobalKeyForm) {
    VmSpec spec = read({"-global", "driver=i440FX-pcihost,property=pci-hole64-size,value=2G"});
    EXPECT_EQ(spec.globals[0].driver, "i440FX-pcihost");
    EXPECT_EQ(spec.globals[0].property, "pci-hole64-size");
    EXPECT_EQ(spec.globals[0].value, "2G");
}
TEST(QemuCommandLine, GlobalKeyFormWithoutValueIsRefused) {
    EXPECT_EQ(error_of({"-global", "driver=VGA,property=vgamem_mb"}),
              "argument 1 (-global driver=VGA,property=vgamem_mb): options 'driver', 'property', and 'value' are required");
}
TEST(QemuCommandLine, GlobalBareWordIsRefused) {
    EXPECT_EQ(error_of({"-global", "VGA"}), "argument 1 (-global VGA): Invalid parameter 'VGA'");
}

// ---- -fw_cfg ------------------------------------------------------------------------------------------------

TEST(QemuCommandLine, FwCfgImpliedName) {
    VmSpec spec = read({"-fw_cfg", "opt/org.example/x,string=hello"});
    ASSERT_EQ(spec.fw_cfg.size(), 1u);
    EXPECT_EQ(spec.fw_cfg[0].name, "opt/org.example/x");
    EXPECT_EQ(spec.fw_cfg[0].string_value, "hello");
    EXPECT_FALSE(spec.fw_cfg[0].file.has_value());
}
TEST(QemuCommandLine, FwCfgFile) { EXPECT_EQ(read({"-fw_cfg", "name=opt/x,file=/tmp/blob"}).fw_cfg[0].file, "/tmp/blob"); }
TEST(QemuCommandLine, FwCfgWithFileAndStringIsRefused) {
    EXPECT_EQ(error_of({"-fw_cfg", "opt/x,string=a,file=/etc/hostname"}),
              "argument 1 (-fw_cfg opt/x,string=a,file=/etc/hostname): name, plus exactly one of file, string and gen_id, "
              "are needed");
}
TEST(QemuCommandLine, FwCfgWithoutContentIsRefused) {
    EXPECT_EQ(error_of({"-fw_cfg", "name=opt/x"}),
              "argument 1 (-fw_cfg name=opt/x): name, plus exactly one of file, string and gen_id, are needed");
}
TEST(QemuCommandLine, FwCfgLongNameIsRefused) {
    const std::string name = "opt/" + std::string(52, 'a');
    EXPECT_EQ(error_of({"-fw_cfg", name + ",string=a"}),
              "argument 1 (-fw_cfg " + name + ",string=a): name too long (max. 55 char)");
}
TEST(QemuCommandLine, FwCfgDuplicateNameIsRefused) {
    EXPECT_EQ(error_of({"-fw_cfg", "opt/a,string=1", "-fw_cfg", "opt/a,string=2"}),
              "argument 3 (-fw_cfg opt/a,string=2): duplicate fw_cfg file name: opt/a");
}
TEST(QemuCommandLine, FwCfgNameWithoutOptPrefixIsNoted) {
    EXPECT_TRUE(has_note_containing(read({"-fw_cfg", "x,string=a"}), "should be prefixed with \"opt/\""));
}

// ---- -object ------------------------------------------------------------------------------------------------

TEST(QemuCommandLine, MemoryBackendObject) {
    VmSpec spec = read({"-object", "memory-backend-file,id=mem1,size=4G,mem-path=/dev/hugepages,share=on"});
    ASSERT_EQ(spec.memory_backends.size(), 1u);
    EXPECT_EQ(spec.memory_backends[0].type, "memory-backend-file");
    EXPECT_EQ(spec.memory_backends[0].id, "mem1");
    EXPECT_EQ(spec.memory_backends[0].size, 4 * GiB);
}
TEST(QemuCommandLine, MemoryBackendInJson) {
    VmSpec spec = read({"-object", R"({"qom-type":"memory-backend-ram","id":"m0","size":1073741824})"});
    EXPECT_EQ(spec.memory_backends[0].size, GiB);
}
TEST(QemuCommandLine, ObjectWithoutIdIsRefused) {
    EXPECT_EQ(error_of({"-object", "memory-backend-ram,size=1G"}),
              "argument 1 (-object memory-backend-ram,size=1G): Parameter 'id' is missing");
}
TEST(QemuCommandLine, MemoryBackendWithoutSizeIsRefused) {
    EXPECT_EQ(error_of({"-object", "memory-backend-ram,id=m0"}),
              "argument 1 (-object memory-backend-ram,id=m0): Parameter 'size' is missing");
}
TEST(QemuCommandLine, MemoryBackendMalformedSizeIsRefused) {
    EXPECT_EQ(error_of({"-object", "memory-backend-ram,id=m0,size=16E"}),
              "argument 1 (-object memory-backend-ram,id=m0,size=16E): Parameter 'size' expects a size value");
}
TEST(QemuCommandLine, MemoryBackendOfSizeZeroIsRefused) {
    EXPECT_EQ(error_of({"-object", "memory-backend-ram,id=m0,size=0"}),
              "argument 1 (-object memory-backend-ram,id=m0,size=0): property 'size' of memory-backend-ram doesn't take "
              "value '0'");
}
TEST(QemuCommandLine, UnknownMemoryBackendTypeIsRefused) {
    EXPECT_EQ(error_of({"-object", "memory-backend-foo,id=m0"}),
              "argument 1 (-object memory-backend-foo,id=m0): Parameter 'qom-type' does not accept value "
              "'memory-backend-foo'");
}
TEST(QemuCommandLine, DuplicateObjectIdIsRefused) {
    EXPECT_EQ(error_of({"-object", "iothread,id=io0", "-object", "iothread,id=io0"}),
              "argument 3 (-object iothread,id=io0): Duplicate ID 'io0' for object");
}
TEST(QemuCommandLine, OtherObjectsAreIgnored) { EXPECT_TRUE(read({"-object", "rng-random,id=rng0,filename=/dev/urandom"}).memory_backends.empty()); }
TEST(QemuCommandLine, SevGuestIsNotModelled) {
    EXPECT_EQ(error_of({"-object", "sev-guest,id=sev0,cbitpos=47,reduced-phys-bits=1"}),
              "argument 1 (-object sev-guest,id=sev0,cbitpos=47,reduced-phys-bits=1): sev-guest is not modelled by "
              "aperture: confidential guests lose guest-physical address bits");
}

// ---- firmware -----------------------------------------------------------------------------------------------

TEST(QemuCommandLine, BiosNamedOvmfIsOvmf) {
    VmSpec spec = read({"-bios", "/usr/share/ovmf/OVMF.fd"});
    EXPECT_EQ(spec.firmware.kind, FirmwareKind::Ovmf);
    EXPECT_EQ(spec.firmware.image, "/usr/share/ovmf/OVMF.fd");
}
TEST(QemuCommandLine, BiosNamedEdk2IsOvmfWhateverTheCase) {
    EXPECT_EQ(read({"-bios", "/usr/share/qemu/EDK2-x86_64-code.fd"}).firmware.kind, FirmwareKind::Ovmf);
}
TEST(QemuCommandLine, OtherBiosIsSeaBios) { EXPECT_EQ(read({"-bios", "bios-256k.bin"}).firmware.kind, FirmwareKind::SeaBios); }
TEST(QemuCommandLine, MachineFirmwarePropertyIsLikeBios) {
    EXPECT_EQ(read({"-machine", "q35,firmware=OVMF.fd"}).firmware.kind, FirmwareKind::Ovmf);
}
TEST(QemuCommandLine, PflashDrivesAreTheFirmware) {
    VmSpec spec = read({"-drive", "if=pflash,format=raw,unit=0,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.fd", "-drive",
                        "if=pflash,format=raw,unit=1,file=/var/lib/vm_VARS.fd"});
    EXPECT_EQ(spec.firmware.kind, FirmwareKind::Ovmf);
    EXPECT_EQ(spec.firmware.image, "/usr/share/OVMF/OVMF_CODE_4M.fd");
    EXPECT_EQ(spec.firmware.vars_image, "/var/lib/vm_VARS.fd");
}
TEST(QemuCommandLine, PflashWinsOverBios) {
    EXPECT_EQ(read({"-bios", "bios.bin", "-pflash", "OVMF_CODE.fd"}).firmware.kind, FirmwareKind::Ovmf);
}
TEST(QemuCommandLine, PflashWithoutUnitTakesTheNextUnit) {
    EXPECT_EQ(read({"-pflash", "OVMF_CODE.fd", "-pflash", "vars.fd"}).firmware.vars_image, "vars.fd");
}
TEST(QemuCommandLine, PflashWithUnknownNameIsTakenForSeaBios) {
    VmSpec spec = read({"-pflash", "code.fd"});
    EXPECT_EQ(spec.firmware.kind, FirmwareKind::SeaBios);
    EXPECT_TRUE(has_note_containing(spec, "is taken for SeaBIOS"));
}
TEST(QemuCommandLine, Pflash1WithoutPflash0IsRefused) {
    EXPECT_EQ(error_of({"-drive", "if=pflash,file=vars.fd,unit=1"}),
              "argument 1 (-drive if=pflash,file=vars.fd,unit=1): pflash1 requires pflash0");
}
TEST(QemuCommandLine, ThirdPflashIsRefused) {
    EXPECT_EQ(error_of({"-pflash", "a.fd", "-pflash", "b.fd", "-pflash", "c.fd"}),
              "argument 5 (-pflash c.fd): machine type does not support if=pflash,bus=0,unit=2");
}
TEST(QemuCommandLine, PflashUnitGivenTwiceIsRefused) {
    EXPECT_EQ(error_of({"-drive", "if=pflash,file=a.fd,unit=0", "-drive", "if=pflash,file=b.fd,unit=0"}),
              "argument 3 (-drive if=pflash,file=b.fd,unit=0): drive with bus=0, unit=0 (index=-1) exists");
}
TEST(QemuCommandLine, MachinePflashFollowsBlockdevNodes) {
    VmSpec spec = read(
        {"-blockdev", R"({"driver":"file","filename":"/usr/share/OVMF/OVMF_CODE.fd","node-name":"libvirt-pflash0-storage"})",
         "-blockdev", R"({"node-name":"libvirt-pflash0-format","read-only":true,"driver":"raw","file":"libvirt-pflash0-storage"})",
         "-machine", "pc-q35-7.2,pflash0=libvirt-pflash0-format"});
    EXPECT_EQ(spec.firmware.kind, FirmwareKind::Ovmf);
    EXPECT_EQ(spec.firmware.image, "/usr/share/OVMF/OVMF_CODE.fd");
    EXPECT_FALSE(spec.machine.other.has("pflash0"));
}
TEST(QemuCommandLine, MachinePflashWithPflashDriveClashes) {
    EXPECT_EQ(error_of({"-blockdev", "driver=file,filename=OVMF.fd,node-name=p0", "-machine", "pflash0=p0", "-pflash", "x.fd"}),
              "argument 5 (-pflash x.fd): clashes with -machine");
}

// ---- -drive -------------------------------------------------------------------------------------------------

TEST(QemuCommandLine, IdeDriveIsIgnored) { EXPECT_TRUE(read({"-drive", "file=disk.qcow2,if=ide"}).devices.empty()); }
TEST(QemuCommandLine, UnknownDriveInterfaceIsRefused) {
    EXPECT_EQ(error_of({"-drive", "if=foo,file=a.img"}), "argument 1 (-drive if=foo,file=a.img): unsupported bus type 'foo'");
}
TEST(QemuCommandLine, ScsiDriveIsRefused) {
    EXPECT_EQ(error_of({"-drive", "if=scsi,file=a.img"}),
              "argument 1 (-drive if=scsi,file=a.img): machine type does not support if=scsi,bus=0,unit=0");
}
TEST(QemuCommandLine, SdOptionIsRefused) {
    EXPECT_EQ(error_of({"-sd", "card.img"}), "argument 1 (-sd card.img): machine type does not support if=sd,bus=0,unit=0");
}

// ---- default VGA and NIC ------------------------------------------------------------------------------------

TEST(QemuCommandLine, DefaultsAreOnWithoutOptions) {
    VmSpec spec = read({});
    EXPECT_TRUE(spec.defaults.default_vga);
    EXPECT_TRUE(spec.defaults.default_nic);
}
TEST(QemuCommandLine, NodefaultsClearsDefaultDevices) {
    VmSpec spec = read({"-nodefaults"});
    EXPECT_TRUE(spec.defaults.nodefaults);
    EXPECT_FALSE(spec.defaults.default_vga);
    EXPECT_FALSE(spec.defaults.default_nic);
}
TEST(QemuCommandLine, VgaOptionReplacesDefaultVga) {
    VmSpec spec = read({"-vga", "virtio"});
    EXPECT_EQ(spec.defaults.vga, "virtio");
    EXPECT_FALSE(spec.defaults.default_vga);
}
TEST(QemuCommandLine, VgaRetraceSuffixIsAccepted) { EXPECT_EQ(read({"-vga", "std,retrace=dumb"}).defaults.vga, "std"); }
TEST(QemuCommandLine, VgaAfterNodefaultsIsKept) { EXPECT_EQ(read({"-nodefaults", "-vga", "std"}).defaults.vga, "std"); }
TEST(QemuCommandLine, UnknownVgaIsRefused) { EXPECT_EQ(error_of({"-vga", "foo"}), "argument 1 (-vga foo): unknown vga type: foo"); }
TEST(QemuCommandLine, VgaOfAnotherTargetIsRefused) {
    EXPECT_EQ(error_of({"-vga", "tcx"}), "argument 1 (-vga tcx): TCX framebuffer not available");
}
TEST(QemuCommandLine, VgaClassDeviceClearsDefaultVga) { EXPECT_FALSE(read({"-device", "qxl-vga"}).defaults.default_vga); }
TEST(QemuCommandLine, SecondaryDisplayKeepsDefaultVga) { EXPECT_TRUE(read({"-device", "bochs-display"}).defaults.default_vga); }
TEST(QemuCommandLine, GlobalOfVgaDriverClearsDefaultVga) {
    EXPECT_FALSE(read({"-global", "VGA.vgamem_mb=32"}).defaults.default_vga);
}
TEST(QemuCommandLine, NicNoneRemovesTheDefaultNic) {
    VmSpec spec = read({"-nic", "none"});
    EXPECT_FALSE(spec.defaults.default_nic);
    EXPECT_TRUE(spec.defaults.nic_models.empty());
}
TEST(QemuCommandLine, NicModelIsRecorded) {
    EXPECT_EQ(read({"-nic", "user,model=virtio-net-pci"}).defaults.nic_models, (std::vector<std::string>{"virtio-net-pci"}));
}
TEST(QemuCommandLine, NicWithoutModelUsesTheDefaultModel) {
    EXPECT_EQ(read({"-nic", "tap"}).defaults.nic_models, (std::vector<std::string>{""}));
}
TEST(QemuCommandLine, NetNicAddsANic) {
    VmSpec spec = read({"-net", "nic,model=rtl8139", "-net", "user"});
    EXPECT_EQ(spec.defaults.nic_models, (std::vector<std::string>{"rtl8139"}));
    EXPECT_FALSE(spec.defaults.default_nic);
}
TEST(QemuCommandLine, NetBackendAloneRemovesTheDefaultNic) {
    VmSpec spec = read({"-net", "user"});
    EXPECT_FALSE(spec.defaults.default_nic);
    EXPECT_TRUE(spec.defaults.nic_models.empty());
}
TEST(QemuCommandLine, NetdevRemovesTheDefaultNic) { EXPECT_FALSE(read({"-netdev", "user,id=n0"}).defaults.default_nic); }
TEST(QemuCommandLine, NetdevWithoutIdIsRefused) {
    EXPECT_EQ(error_of({"-netdev", "user"}), "argument 1 (-netdev user): Parameter 'id' is missing");
}
TEST(QemuCommandLine, NetWithoutTypeIsRefused) {
    EXPECT_EQ(error_of({"-net", "model=e1000"}), "argument 1 (-net model=e1000): Parameter 'type' is missing");
}
TEST(QemuCommandLine, UnknownNicTypeIsRefused) {
    EXPECT_EQ(error_of({"-nic", "foo"}), "argument 1 (-nic foo): Parameter 'type' does not accept value 'foo'");
}

// ---- notes --------------------------------------------------------------------------------------------------

TEST(QemuCommandLine, NumaNodesAreCountedWithANote) {
    const VmSpec spec = read({"-numa", "node,memdev=m0", "-numa", "node,memdev=m1", "-numa", "dist,src=0,dst=1,val=20"});
    EXPECT_EQ(spec.numa_nodes, 2u);
    EXPECT_TRUE(has_note_containing(spec, "NUMA nodes split the RAM only in the guest's SRAT table"));
}

TEST(QemuCommandLine, NumaWithAnUnknownTypeIsRefused) {
    EXPECT_EQ(error_of({"-numa", "bogus"}),
              "argument 1 (-numa bogus): Invalid parameter value for 'type', expected: node, dist, cpu, hmat-lb, hmat-cache");
}

// ---- @file --------------------------------------------------------------------------------------------------

TEST(ArgsFile, SplitsOnBlanksAndNewlines) {
    EXPECT_EQ(split_args_text("-m 4G\n-smp  2\n", "vm.args"), (Args{"-m", "4G", "-smp", "2"}));
}
TEST(ArgsFile, BackslashNewlineContinuesTheLine) {
    EXPECT_EQ(split_args_text("-device e1000,\\\nid=n0", "vm.args"), (Args{"-device", "e1000,id=n0"}));
}
TEST(ArgsFile, SingleQuotesAreLiteral) {
    EXPECT_EQ(split_args_text("-append 'console=ttyS0 root=\"/dev/vda\"'", "vm.args"),
              (Args{"-append", "console=ttyS0 root=\"/dev/vda\""}));
}
TEST(ArgsFile, DoubleQuotesAllowEscapes) {
    EXPECT_EQ(split_args_text(R"(-name "my \"vm\" \x")", "vm.args"), (Args{"-name", R"(my "vm" \x)"}));
}
TEST(ArgsFile, QuotedPiecesJoinIntoOneWord) { EXPECT_EQ(split_args_text("a'b c'\"d\"", "vm.args"), (Args{"ab cd"})); }
TEST(ArgsFile, EmptyQuotesMakeAnEmptyWord) { EXPECT_EQ(split_args_text("-cpu ''", "vm.args"), (Args{"-cpu", ""})); }
TEST(ArgsFile, CommentRunsToTheEndOfTheLine) {
    EXPECT_EQ(split_args_text("# a VM\n-m 4G # memory\n", "vm.args"), (Args{"-m", "4G"}));
}
TEST(ArgsFile, HashInsideAWordIsNotAComment) { EXPECT_EQ(split_args_text("a#b", "vm.args"), (Args{"a#b"})); }
TEST(ArgsFile, UnterminatedQuoteNamesFileAndLine) {
    EXPECT_EQ(error_of({"@vm.args"}, {{"vm.args", "-m 4G\n-name 'oops\n"}}), "vm.args:2: unterminated single quote");
}
TEST(ArgsFile, TrailingBackslashNamesFileAndLine) {
    EXPECT_EQ(error_of({"@vm.args"}, {{"vm.args", "-m 4G\n\n-S \\"}}), "vm.args:3: the file ends with a backslash");
}
TEST(ArgsFile, FileWordsAreReadAsTheCommandLine) {
    VmSpec spec = read_with_files({"@vm.args"}, {{"vm.args", "qemu-system-x86_64 \\\n  -machine q35 \\\n  -m 8G\n"}});
    EXPECT_EQ(spec.machine.type, "q35");
    EXPECT_EQ(spec.memory.size, 8 * GiB);
}
TEST(ArgsFile, LocationsNameFileAndLine) {
    EXPECT_EQ(error_of({"@vm.args"}, {{"vm.args", "-machine q35\n-m 4G,maxmem=2G\n"}}),
              "vm.args:2 (-m 4G,maxmem=2G): invalid value of maxmem: maximum memory size (0x80000000) must be at least "
              "the initial memory size (0x100000000)");
}
TEST(ArgsFile, FileMayFollowOtherOptions) {
    EXPECT_EQ(read_with_files({"-machine", "q35", "@mem.args"}, {{"mem.args", "-m 2G"}}).memory.size, 2 * GiB);
}
TEST(ArgsFile, OptionArgumentStartingWithAtIsNotAFile) { EXPECT_EQ(read({"-name", "@home"}).memory.size, 128 * MiB); }
TEST(ArgsFile, AnEmptyFileIsBadInputNotQemusDefaultVm) {
    EXPECT_EQ(error_of({"@vm.args"}, {{"vm.args", "# nothing yet\n\n"}}),
              "argument 1 (@vm.args): the file holds no QEMU arguments (only blanks or comments); to plan QEMU's default VM "
              "say so: -- -machine pc");
    EXPECT_EQ(read_with_files({"@empty.args", "-m", "2G"}, {{"empty.args", ""}}).memory.size, 2 * GiB);
}

// ---- -boot --------------------------------------------------------------------------------------------------

TEST(BootOption, StrictIsReadAndMergedAcrossOptions) {
    EXPECT_FALSE(read({"-boot", "order=c"}).boot_strict);
    EXPECT_TRUE(read({"-boot", "order=c,strict=on"}).boot_strict);
    EXPECT_TRUE(read({"-boot", "strict=yes", "-boot", "menu=on"}).boot_strict);
    EXPECT_FALSE(read({"-boot", "strict=on", "-boot", "strict=off"}).boot_strict);
    EXPECT_TRUE(read({"-boot", "cd,strict=on"}).boot_strict);  // the implied key is order
}

TEST(BootOption, QemuRefusesBadValuesAndUnknownKeys) {
    EXPECT_EQ(error_of({"-boot", "strict=x"}), "argument 1 (-boot strict=x): Parameter 'boot.strict' expects 'on' or 'off'");
    EXPECT_EQ(error_of({"-boot", "foo=1"}), "argument 1 (-boot foo=1): Parameter 'boot.foo' is unexpected");
    try {
        read({"-boot", "strict=x"});
        ADD_FAILURE() << "no refusal";
    } catch (const QemuRefusal&) {
    }
}

TEST(ArgsFile, FileIncludingItselfIsRefused) {
    EXPECT_EQ(error_of({"@loop.args"}, {{"loop.args", "-S @loop.args"}}),
              "loop.args:1 (@loop.args): too many @files (a file including itself?)");
}

}  // namespace
}  // namespace aperture

namespace aperture {
namespace {

TEST(QemuCommandLineLegacyDrives, CdromIsIdeIndexTwo) {
    const VmSpec spec = read_qemu_command_line({"-machine", "q35", "-cdrom", "/tmp/x.iso"});
    ASSERT_EQ(spec.legacy_drives.size(), 1u);
    EXPECT_TRUE(spec.legacy_drives[0].cdrom);
    EXPECT_EQ(spec.legacy_drives[0].index, 2u);
}

TEST(QemuCommandLineLegacyDrives, DriveWithoutInterfaceIsIdeAtFirstFreeIndex) {
    const VmSpec spec = read_qemu_command_line({"-hda", "a.img", "-drive", "file=b.img,format=raw"});
    ASSERT_EQ(spec.legacy_drives.size(), 2u);
    EXPECT_EQ(spec.legacy_drives[1].index, 1u);
    EXPECT_FALSE(spec.legacy_drives[1].cdrom);
}

TEST(QemuCommandLineLegacyDrives, SameIndexTwiceIsRefused) {
    EXPECT_THROW(read_qemu_command_line({"-cdrom", "x.iso", "-drive", "file=y.iso,media=cdrom,index=2"}), InputError);
}

}  // namespace
}  // namespace aperture
