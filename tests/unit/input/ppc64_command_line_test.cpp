// The qemu-system-ppc64 reader: what it reads, ignores and refuses.
#include "input/ppc64_command_line.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "../support/words.hpp"

namespace aperture {
namespace {

TEST(Ppc64CommandLine, DefaultMachineIsPseries) {
    EXPECT_EQ(read_ppc64_command_line(test::words("qemu-system-ppc64 -nodefaults")).machine.type, "pseries");
}

// vl.c qemu_create_cli_devices: QemuOpts -device options are created before JSON ones.
TEST(Ppc64CommandLine, JsonDevicesComeAfterQemuOptsDevices) {
    const VmSpec spec = read_ppc64_command_line(test::words("-device {\"driver\":\"virtio-net-pci\",\"id\":\"a\"} -device virtio-rng-pci,id=b"));
    ASSERT_EQ(spec.devices.size(), 2u);
    EXPECT_EQ(spec.devices[0].id, "b");
    EXPECT_EQ(spec.devices[1].id, "a");
}

TEST(Ppc64CommandLine, MemoryInKiB) {
    EXPECT_EQ(read_ppc64_command_line(test::words("-m size=524288k")).memory.size, 512u << 20);
}

TEST(Ppc64CommandLine, NumaIsRefused) { EXPECT_THROW(read_ppc64_command_line(test::words("-numa node")), InputError); }

TEST(Ppc64CommandLine, UnknownOptionIsRefused) { EXPECT_THROW(read_ppc64_command_line(test::words("-frobnicate")), InputError); }

TEST(Ppc64CommandLine, OtherBinaryIsRefused) {
    EXPECT_THROW(read_ppc64_command_line(test::words("qemu-system-aarch64 -M virt")), InputError);
}

TEST(Ppc64CommandLine, PciNicModelIsRefusedVioIsAccepted) {
    EXPECT_THROW(read_ppc64_command_line(test::words("-nic user,model=e1000")), InputError);
    EXPECT_NO_THROW(read_ppc64_command_line(test::words("-nic user,model=spapr-vlan")));
}

TEST(Ppc64CommandLine, RecognisesPpc64Invocations) {
    EXPECT_TRUE(looks_like_ppc64_command_line(test::words("/usr/bin/qemu-system-ppc64 -m 1G")));
    EXPECT_TRUE(looks_like_ppc64_command_line(test::words("-M pseries-7.2 -m 1G")));
    EXPECT_TRUE(looks_like_ppc64_command_line(test::words("-machine type=pseries,usb=off")));
    EXPECT_FALSE(looks_like_ppc64_command_line(test::words("-machine q35 -m 1G")));
    EXPECT_FALSE(looks_like_ppc64_command_line(test::words("qemu-system-x86_64 -M pseries")));
    EXPECT_TRUE(looks_like_ppc64_command_line(test::words("LC_ALL=C PATH=/bin /usr/bin/qemu-system-ppc64 -S")));
}

}  // namespace
}  // namespace aperture
