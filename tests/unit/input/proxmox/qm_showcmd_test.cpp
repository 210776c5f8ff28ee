#include "input/proxmox/qm_showcmd.hpp"

#include <gtest/gtest.h>

#include <map>

#include "core/error.hpp"
#include "input/qemu_command_line.hpp"

namespace aperture {
namespace {

// -readconfig files come from this map, never from the disk; a path not in it is "not on this host".
ProxmoxCommandLine read(std::string_view text, const std::map<std::string, std::string>& files = {}) {
    return read_qm_showcmd(text, "vm100.cmd", [&files](const std::string& path) -> std::optional<std::string> {
        auto it = files.find(path);
        if (it == files.end()) return std::nullopt;
        return it->second;
    });
}

std::string error_of(std::string_view text, const std::map<std::string, std::string>& files = {}) {
    try {
        read(text, files);
    } catch (const InputError& e) {
        return e.what();
    }
    return "no error";
}

std::vector<std::string> words_of(const ProxmoxCommandLine& command) {
    std::vector<std::string> words;
    for (const auto& arg : command.args) words.push_back(arg.text);
    return words;
}

bool has_note_containing(const ProxmoxCommandLine& command, const std::string& text) {
    for (const auto& note : command.notes) {
        if (note.text.find(text) != std::string::npos) return true;
    }
    return false;
}

TEST(QmShowcmd, IdIsDroppedAndRemembered) {
    const auto command = read("/usr/bin/kvm -id 100 -name vm100 -m 512");
    EXPECT_EQ(command.vmid, "100");
    EXPECT_EQ(words_of(command), (std::vector<std::string>{"/usr/bin/kvm", "-name", "vm100", "-m", "512"}));
}

TEST(QmShowcmd, CommandLineWithoutIdIsRefused) {
    EXPECT_EQ(error_of("/usr/bin/kvm -m 512"),
              "vm100.cmd: has no -id VMID; expected the output of `qm showcmd VMID` (for another QEMU command line, use @FILE)");
}

TEST(QmShowcmd, NonNumericIdIsRefusedWithItsLine) {
    EXPECT_EQ(error_of("/usr/bin/kvm \\\n  -id vm100"), "vm100.cmd:2 (-id vm100): expected the VM's number (VMID, 100 to 999999999)");
}

TEST(QmShowcmd, IdWithoutArgumentIsRefused) { EXPECT_EQ(error_of("/usr/bin/kvm -m 512 -id"), "vm100.cmd:1 (-id): requires an argument"); }

TEST(QmShowcmd, EmptyFileIsRefused) {
    EXPECT_EQ(error_of("\n"), "vm100.cmd: holds no command line; expected the output of `qm showcmd VMID`");
}

TEST(QmShowcmd, PrettyOutputKeepsTheLineOfEachOption) {
    const auto command = read("/usr/bin/kvm \\\n  -id 100 \\\n  -device 'VGA,id=vga,bus=pcie.0,addr=0x1' \\\n  -m 512\n");
    ASSERT_EQ(command.args.size(), 5u);
    EXPECT_EQ(command.args[1].origin, "vm100.cmd:3");
    EXPECT_EQ(command.args[2].text, "VGA,id=vga,bus=pcie.0,addr=0x1");
    EXPECT_EQ(command.args[3].origin, "vm100.cmd:4");
}

TEST(QmShowcmd, ProxmoxRevisionIsTakenOffTheMachineType) {
    const auto command = read("/usr/bin/kvm -id 100 -machine 'hpet=off,type=pc-q35-9.2+pve0'");
    EXPECT_EQ(words_of(command).back(), "hpet=off,type=pc-q35-9.2");
    ASSERT_TRUE(command.machine.has_value());
    EXPECT_EQ(command.machine->upstream, "pc-q35-9.2");
    EXPECT_EQ(command.machine_where, "vm100.cmd:1 (-machine hpet=off,type=pc-q35-9.2+pve0)");
    EXPECT_TRUE(has_note_containing(command, "machine type pc-q35-9.2+pve0 is QEMU's pc-q35-9.2"));
}

TEST(QmShowcmd, ImpliedMachineTypeLosesItsRevisionToo) {
    const auto command = read("/usr/bin/kvm -id 100 -M q35+pve1,accel=tcg");
    EXPECT_EQ(words_of(command).back(), "q35,accel=tcg");
    EXPECT_EQ(command.machine->revision, 1u);
}

TEST(QmShowcmd, MachineWithoutRevisionIsLeftAlone) {
    const auto command = read("/usr/bin/kvm -id 100 -machine type=pc-q35-9.2,pflash0=a,,b");
    EXPECT_EQ(words_of(command).back(), "type=pc-q35-9.2,pflash0=a,,b");
    EXPECT_FALSE(command.machine.has_value());
}

TEST(QmShowcmd, MalformedRevisionIsRefusedWithTheOption) {
    EXPECT_NE(error_of("/usr/bin/kvm -id 100 -machine type=q35+pve").find("vm100.cmd:1 (-machine type=q35+pve): machine type 'q35+pve'"),
              std::string::npos);
}

TEST(QmShowcmd, QemuServersQ35FileIsTakenFromAperturesCopyWhenNotOnThisHost) {
    const auto command = read("/usr/bin/kvm -id 100 -readconfig /usr/share/qemu-server/pve-q35-4.0.cfg -m 512");
    // The binary, 18 sections as -device pairs, then -m 512.
    ASSERT_EQ(command.args.size(), 1u + 36u + 2u);
    EXPECT_EQ(command.args[1].text, "-device");
    EXPECT_EQ(command.args[2].text, "driver=ich9-usb-ehci1,multifunction=on,bus=pcie.0,addr=1d.7,id=ehci");
    EXPECT_EQ(command.args[2].origin, "/usr/share/qemu-server/pve-q35-4.0.cfg:1 (aperture's copy)");
    // [device "ich9-pcie-port-1"] is the 10th section, on line 70 of the file.
    EXPECT_EQ(command.args[20].text,
              "driver=pcie-root-port,x-speed=16,x-width=32,multifunction=on,bus=pcie.0,addr=1c.0,port=1,chassis=1,id=ich9-pcie-port-1");
    EXPECT_EQ(command.args[20].origin, "/usr/share/qemu-server/pve-q35-4.0.cfg:70 (aperture's copy)");
    EXPECT_TRUE(has_note_containing(command, "is not on this host: aperture used its copy"));
}

TEST(QmShowcmd, ReadconfigFileOnThisHostIsReadInsteadOfTheCopy) {
    const auto command = read("/usr/bin/kvm -id 100 -readconfig /usr/share/qemu-server/pve-q35-4.0.cfg",
                              {{"/usr/share/qemu-server/pve-q35-4.0.cfg", "# local\n[device \"vga\"]\n  driver = \"VGA\"\n  bus = \"pcie.0\"\n"}});
    EXPECT_EQ(words_of(command), (std::vector<std::string>{"/usr/bin/kvm", "-device", "driver=VGA,bus=pcie.0,id=vga"}));
    EXPECT_EQ(command.args[2].origin, "/usr/share/qemu-server/pve-q35-4.0.cfg:2");
    EXPECT_TRUE(command.notes.empty());
}

TEST(QmShowcmd, MalformedReadconfigFileFailsWithItsFileAndLine) {
    EXPECT_EQ(error_of("/usr/bin/kvm -id 100 -readconfig /etc/vm.cfg", {{"/etc/vm.cfg", "[device \"a\"]\n  driver = VGA\n"}}),
              "/etc/vm.cfg:2: parse error: the value of 'driver' must be in double quotes");
}

TEST(QmShowcmd, UnknownReadconfigFileNotOnThisHostIsRefused) {
    EXPECT_NE(error_of("/usr/bin/kvm -id 100 -readconfig /etc/other.cfg")
                  .find("vm100.cmd:1 (-readconfig /etc/other.cfg): no such file on this host"),
              std::string::npos);
}

TEST(QmShowcmd, ReadconfigCommaInValueIsEscapedForQemuOpts) {
    const auto command = read("/usr/bin/kvm -id 100 -readconfig /etc/vm.cfg", {{"/etc/vm.cfg", "[device \"a\"]\n  driver = \"x\"\n  serial = \"a,b\"\n"}});
    EXPECT_EQ(command.args.at(2).text, "driver=x,serial=a,,b,id=a");
}

TEST(QmShowcmd, ReadconfigMachineSectionBecomesMachineOptionWithoutRevision) {
    const auto command = read("/usr/bin/kvm -id 100 -readconfig /etc/vm.cfg", {{"/etc/vm.cfg", "[machine]\n  type = \"pc-q35-10.0+pve1\"\n"}});
    EXPECT_EQ(words_of(command), (std::vector<std::string>{"/usr/bin/kvm", "-machine", "type=pc-q35-10.0"}));
    EXPECT_EQ(command.machine->upstream, "pc-q35-10.0");
}

TEST(QmShowcmd, ReadconfigGroupAperturDoesNotReadIsRefusedWithItsLine) {
    EXPECT_EQ(error_of("/usr/bin/kvm -id 100 -readconfig /etc/vm.cfg", {{"/etc/vm.cfg", "\n[drive \"d\"]\n  file = \"x\"\n"}}),
              "/etc/vm.cfg:2: [drive] sections are not read by aperture; it reads [device], [machine] and [global], and skips "
              "[chardev] and [mon]");
}

TEST(QmShowcmd, ReadconfigIdPropertyIsRefusedWithItsLine) {
    EXPECT_EQ(error_of("/usr/bin/kvm -id 100 -readconfig /etc/vm.cfg", {{"/etc/vm.cfg", "[device]\n  driver = \"x\"\n  id = \"y\"\n"}}),
              "/etc/vm.cfg:3: 'id' is no property name here: the id goes in the section's line, [device \"ID\"]");
}

TEST(QmShowcmd, ChardevSectionsAreSkipped) {
    const auto command = read("/usr/bin/kvm -id 100 -readconfig /etc/vm.cfg", {{"/etc/vm.cfg", "[chardev \"c\"]\n  backend = \"socket\"\n"}});
    EXPECT_EQ(words_of(command), (std::vector<std::string>{"/usr/bin/kvm"}));
}

TEST(QmShowcmd, ArgumentOfAnOrdinaryOptionIsNeverTakenForAProxmoxOption) {
    // -name's argument is consumed with it, so "-id" here is a VM name, not pve-qemu-kvm's option.
    const auto command = read("/usr/bin/kvm -name -id -id 100");
    EXPECT_EQ(command.vmid, "100");
    EXPECT_EQ(words_of(command), (std::vector<std::string>{"/usr/bin/kvm", "-name", "-id"}));
}

TEST(QmShowcmd, HostpciFunctionsReachTheQemuReaderWithTheirIdsAndBuses) {
    const auto command = read(
        "/usr/bin/kvm -id 100 -readconfig /usr/share/qemu-server/pve-q35-4.0.cfg "
        "-device 'vfio-pci,host=0000:01:00.0,id=hostpci0.0,bus=ich9-pcie-port-1,addr=0x0.0,multifunction=on' "
        "-device 'vfio-pci,host=0000:01:00.1,id=hostpci0.1,bus=ich9-pcie-port-1,addr=0x0.1'");
    const VmSpec spec = read_qemu_command_line_located(command.args);
    ASSERT_GE(spec.devices.size(), 2u);
    const DeviceSpec& gpu = spec.devices[spec.devices.size() - 2];
    EXPECT_EQ(gpu.id, "hostpci0.0");
    EXPECT_EQ(gpu.bus, "ich9-pcie-port-1");
    EXPECT_EQ(gpu.addr, "0x0.0");
    EXPECT_TRUE(gpu.multifunction);
    EXPECT_EQ(spec.devices.back().id, "hostpci0.1");
    EXPECT_EQ(spec.devices.front().id, "ehci");
    EXPECT_EQ(spec.devices.front().where.text.rfind("/usr/share/qemu-server/pve-q35-4.0.cfg:1 (aperture's copy) (-device ", 0), 0u);
}

}  // namespace
}  // namespace aperture
