// The one place aperture decides which platform models a VM.
#include "app/platform.hpp"

#include <gtest/gtest.h>

namespace aperture::app {
namespace {

VmRequest command_line(std::vector<std::string> args, std::string arch = "") {
    VmRequest vm;
    vm.source.qemu_args = std::move(args);
    vm.arch = std::move(arch);
    return vm;
}

TEST(Platform, XlCfgIsXen) {
    VmRequest vm;
    vm.source.xl_cfg = "guest.cfg";
    EXPECT_EQ(platform_of(vm), Platform::XenHvm);
}

TEST(Platform, PlainCommandLineIsQemuX86) { EXPECT_EQ(platform_of(command_line({"-machine", "q35"})), Platform::QemuX86); }

TEST(Platform, Ppc64BinaryIsPseries) { EXPECT_EQ(platform_of(command_line({"qemu-system-ppc64", "-m", "4G"})), Platform::QemuPseries); }

TEST(Platform, PseriesMachineIsPseries) { EXPECT_EQ(platform_of(command_line({"-M", "pseries-8.1"})), Platform::QemuPseries); }

TEST(Platform, ArchPpc64NeedsNoBinaryName) { EXPECT_EQ(platform_of(command_line({"-m", "4G"}, "ppc64")), Platform::QemuPseries); }

TEST(Platform, ArchX86OverridesAPseriesMachine) { EXPECT_EQ(platform_of(command_line({"-M", "pseries"}, "x86_64")), Platform::QemuX86); }

TEST(Platform, LibvirtDomainIsQemuX86) {
    VmRequest vm;
    vm.source.libvirt_xml = "vm.xml";
    EXPECT_EQ(platform_of(vm), Platform::QemuX86);
}

}  // namespace
}  // namespace aperture::app
