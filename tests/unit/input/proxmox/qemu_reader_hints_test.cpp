// What the plain QEMU command-line reader says of Proxmox VE's words, and of the vmgenid device every
// Proxmox VM has.

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "input/qemu_command_line.hpp"

namespace aperture {
namespace {

std::string error_of(const std::vector<std::string>& args) {
    try {
        read_qemu_command_line(args);
    } catch (const InputError& e) {
        return e.what();
    }
    return "no error";
}

TEST(QemuReaderProxmoxHints, IdOptionPointsToTheProxmoxReader) {
    EXPECT_EQ(error_of({"/usr/bin/kvm", "-id", "100"}),
              "argument 2 (-id): invalid option (QEMU 7.2 has no option '-id'); it is Proxmox VE's: read `qm showcmd` output with "
              "--proxmox-cmd FILE");
}

TEST(QemuReaderProxmoxHints, QemuServersReadconfigPointsToTheProxmoxReader) {
    EXPECT_EQ(error_of({"-readconfig", "/usr/share/qemu-server/pve-q35-4.0.cfg"}),
              "argument 1 (-readconfig /usr/share/qemu-server/pve-q35-4.0.cfg): -readconfig is read only for Proxmox VE: read "
              "`qm showcmd` output with --proxmox-cmd FILE");
}

TEST(QemuReaderProxmoxHints, OtherReadconfigIsNotModelled) {
    EXPECT_NE(error_of({"-readconfig", "/etc/vm.cfg"}).find("-readconfig is not modelled by aperture"), std::string::npos);
}

TEST(QemuReaderProxmoxHints, VmgenidIsNoPciDeviceAndIsNoted) {
    const VmSpec spec = read_qemu_command_line({"-machine", "q35", "-device", "vmgenid,guid=auto,id=vmgen0"});
    EXPECT_TRUE(spec.devices.empty());
    ASSERT_EQ(spec.notes.size(), 1u);
    EXPECT_NE(spec.notes[0].text.find("-device vmgenid is not a PCI device"), std::string::npos);
}

TEST(QemuReaderProxmoxHints, VmgenidKeepsItsIdTaken) {
    EXPECT_NE(error_of({"-device", "vmgenid,id=a", "-device", "VGA,id=a"}).find("Duplicate ID 'a' for device"), std::string::npos);
}

TEST(QemuReaderProxmoxHints, OptionArgumentTableIsQemus) {
    EXPECT_EQ(qemu_option_takes_argument("device"), true);
    EXPECT_EQ(qemu_option_takes_argument("nodefaults"), false);
    EXPECT_EQ(qemu_option_takes_argument("id"), std::nullopt);
}

}  // namespace
}  // namespace aperture
