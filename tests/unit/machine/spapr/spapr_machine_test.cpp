// The pseries machine from a command line (QEMU 8.1.2 hw/ppc/spapr.c spapr_machine_init, spapr_phb_pre_plug;
// hw/ppc/spapr_pci.c spapr_phb_realize; softmmu/qdev-monitor.c qbus_find_recursive).
#include "machine/spapr/spapr_machine.hpp"

#include <gtest/gtest.h>

#include "input/ppc64_command_line.hpp"
#include "plan/spapr_plan.hpp"
#include "../../support/words.hpp"

namespace aperture::spapr {
namespace {

SpaprBuild build(const std::string& line, QemuRelease release = QemuRelease::V7_2) {
    return build_spapr_machine(read_ppc64_command_line(test::words(line)), release, {});
}

TEST(SpaprMachine, DefaultPhbAlwaysExists) {
    const auto b = build("-nodefaults");
    ASSERT_TRUE(b.machine);
    ASSERT_EQ(b.machine->phbs.size(), 1u);
    EXPECT_EQ(b.machine->phbs[0].index, 0u);
    EXPECT_EQ(b.machine->phbs[0].bus_name, "pci.0");
    EXPECT_EQ(b.machine->ram_size, 512 * MiB);
}

// Without -nodefaults: the std VGA then nec-usb-xhci (spapr_vga_init, machine->usb) on PHB 0.
TEST(SpaprMachine, DefaultsAddVgaAndXhci) {
    const auto b = build("-M pseries");
    ASSERT_TRUE(b.machine);
    const auto& f = b.machine->phbs[0].functions;
    ASSERT_EQ(f.size(), 2u);
    EXPECT_EQ(f[0].function.driver, "VGA");
    EXPECT_EQ(f[1].function.driver, "nec-usb-xhci");
    EXPECT_EQ(f[1].devfn.device, 1);
}

TEST(SpaprMachine, SecondPhbIndexZeroIsAlreadyAttached) {
    const auto b = build("-nodefaults -device spapr-pci-host-bridge,index=0");
    ASSERT_FALSE(b.machine);
    EXPECT_EQ(b.refusal, "-device spapr-pci-host-bridge,index=0: PHB 0 already attached");
}

TEST(SpaprMachine, LegacyMachineRefusesDuplicateIndexInRealize) {
    const auto b = build("-M pseries-2.7 -nodefaults -device spapr-pci-host-bridge,index=0");
    ASSERT_FALSE(b.machine);
    EXPECT_NE(b.refusal.find("PCI host bridges must have unique indexes"), std::string::npos);
}

TEST(SpaprMachine, IndexIsMandatory) {
    const auto b = build("-nodefaults -device spapr-pci-host-bridge,id=x");
    EXPECT_EQ(b.refusal, "-device spapr-pci-host-bridge,id=x: \"index\" for PAPR PHB is mandatory");
}

TEST(SpaprMachine, RamNotAMultipleOf256MiBIsRefused) {
    const auto b = build("-m 300M -nodefaults");
    EXPECT_EQ(b.refusal, "Memory size 0x12c00000 is not aligned to 256 MiB");
}

// A PHB without id= gets the automatic bus name pci.1; a device without bus= lands on the newest PHB.
TEST(SpaprMachine, DeviceWithoutBusGoesToTheNewestPhb) {
    const auto b = build("-nodefaults -device spapr-pci-host-bridge,index=5 -device virtio-net-pci");
    ASSERT_TRUE(b.machine);
    ASSERT_EQ(b.machine->phbs.size(), 2u);
    EXPECT_EQ(b.machine->phbs[1].bus_name, "pci.1");
    EXPECT_EQ(b.machine->phbs[1].functions.size(), 1u);
    EXPECT_TRUE(b.machine->phbs[0].functions.empty());
}

TEST(SpaprMachine, UnknownBusIsRefused) {
    const auto b = build("-nodefaults -device virtio-net-pci,bus=pci.7");
    EXPECT_EQ(b.refusal, "-device virtio-net-pci,bus=pci.7: Bus 'pci.7' not found");
}

TEST(SpaprMachine, Qemu82HasNoNvlink2Properties) {
    EXPECT_TRUE(build("-nodefaults -device spapr-pci-host-bridge,index=1,gpa=0", QemuRelease::V8_1).machine);
    const auto b = build("-nodefaults -device spapr-pci-host-bridge,index=1,gpa=0", QemuRelease::V8_2);
    EXPECT_EQ(b.refusal, "-device spapr-pci-host-bridge,index=1,gpa=0: Property 'spapr-pci-host-bridge.gpa' not found");
}

TEST(SpaprMachine, GlobalChangesEveryPhbIncludingTheDefault) {
    const auto b = build("-nodefaults -global spapr-pci-host-bridge.dma_win_size=0x80000000");
    ASSERT_TRUE(b.machine);
    EXPECT_EQ(b.machine->phbs[0].dma.default_table.table_bytes(), 4 * MiB);
}

// Legacy placement reads the end of hotplug memory: 4 GiB RAM + 8 GiB maxmem -> device memory
// [4 GiB, 8 GiB) is below 1 TiB, PHB 0 stays at 1 TiB; 1.5 TiB maxmem moves it to 2 TiB.
TEST(SpaprMachine, LegacyPlacementFollowsHotplugMemory) {
    const auto small = build("-M pseries-2.7 -nodefaults -m 4G,slots=4,maxmem=8G");
    ASSERT_TRUE(small.machine);
    EXPECT_EQ(small.machine->phbs[0].windows.mem32.cpu.first(), 1 * TiB + 0xa000'0000u);
    const auto big = build("-M pseries-2.7 -nodefaults -m 4G,slots=4,maxmem=1536G");
    ASSERT_TRUE(big.machine);
    EXPECT_EQ(big.machine->phbs[0].windows.mem32.cpu.first(), 2 * TiB + 0xa000'0000u);
}

// libvirt's pseries-hostdevs-2 (tests/qemuxmlconfdata, v10.7.0): two PHBs added, so nPHB = 3.
TEST(SpaprPlan, LibvirtHostdevs2CountsThreePhbs) {
    SpaprHost host;
    PciFunctionSpec nic;
    nic.driver = "vfio-pci";
    nic.bars = {BarSpec::memory32(0, 128 * KiB, Prefetchable::No)};
    host.passthrough["0001:01:00.0"] = {nic, std::nullopt};
    host.passthrough["0005:90:01.0"] = {nic, std::nullopt};
    const VmSpec spec = read_ppc64_command_line(test::words(
        "qemu-system-ppc64 -machine pseries,usb=off -m size=524288k -nodefaults "
        "-device {\"driver\":\"spapr-pci-host-bridge\",\"index\":1,\"id\":\"pci.1\"} "
        "-device {\"driver\":\"spapr-pci-host-bridge\",\"index\":2,\"id\":\"pci.2\"} "
        "-device {\"driver\":\"vfio-pci\",\"host\":\"0001:01:00.0\",\"id\":\"hostdev0\",\"bus\":\"pci.1.0\",\"addr\":\"0x2\"} "
        "-device {\"driver\":\"vfio-pci\",\"host\":\"0005:90:01.0\",\"id\":\"hostdev1\",\"bus\":\"pci.2.0\",\"addr\":\"0x1\"}"));
    const SpaprPlan plan = make_spapr_plan(spec, QemuRelease::V7_2, host);
    ASSERT_EQ(plan.outcome, Outcome::Ok);
    EXPECT_EQ(plan.memlock.phb_count, 3u);
    EXPECT_TRUE(plan.memlock.vfio);
    EXPECT_FALSE(plan.memlock.nvlink2);
    EXPECT_EQ(plan.slof[2].functions[0].bars[0].cpu_address, 0x2001'8000'0000u);
}

// libvirt's pseries-hostdevs-1 and -3 (v10.7.0 .args): both also end with PHBs 0, 1 and 2; in -3 both functions of
// host 0001:01:00 share PHB 2 (their IOMMU group), at slots 1 and 2, and PHB 1 stays empty.
TEST(SpaprPlan, LibvirtHostdevs1And3) {
    SpaprHost host;
    PciFunctionSpec nic;
    nic.driver = "vfio-pci";
    nic.bars = {BarSpec::memory64(0, 1 * MiB, Prefetchable::Yes)};
    for (const char* h : {"0001:01:00.0", "0001:01:00.1", "0005:90:01.0"}) host.passthrough[h] = {nic, std::nullopt};
    const std::string phbs = "-machine pseries,usb=off -nodefaults "
                             "-device {\"driver\":\"spapr-pci-host-bridge\",\"index\":1,\"id\":\"pci.1\"} "
                             "-device {\"driver\":\"spapr-pci-host-bridge\",\"index\":2,\"id\":\"pci.2\"} ";
    const VmSpec one = read_ppc64_command_line(test::words(
        phbs + "-device {\"driver\":\"vfio-pci\",\"host\":\"0005:90:01.0\",\"id\":\"hostdev0\",\"bus\":\"pci.1.0\",\"addr\":\"0x1\"} "
               "-device {\"driver\":\"vfio-pci\",\"host\":\"0001:01:00.0\",\"id\":\"hostdev1\",\"bus\":\"pci.2.0\",\"addr\":\"0x1\"} "
               "-device {\"driver\":\"vfio-pci\",\"host\":\"0001:01:00.1\",\"id\":\"hostdev2\",\"bus\":\"pci.2.0\",\"addr\":\"0x2\"}"));
    const SpaprPlan p1 = make_spapr_plan(one, QemuRelease::V7_2, host);
    ASSERT_EQ(p1.outcome, Outcome::Ok);
    EXPECT_EQ(p1.memlock.phb_count, 3u);
    EXPECT_EQ(p1.machine.phbs[1].functions.size(), 1u);
    const VmSpec three = read_ppc64_command_line(test::words(
        phbs + "-device {\"driver\":\"vfio-pci\",\"host\":\"0001:01:00.0\",\"id\":\"hostdev0\",\"bus\":\"pci.2.0\",\"addr\":\"0x1\"} "
               "-device {\"driver\":\"vfio-pci\",\"host\":\"0001:01:00.1\",\"id\":\"hostdev1\",\"bus\":\"pci.2.0\",\"addr\":\"0x2\"}"));
    const SpaprPlan p3 = make_spapr_plan(three, QemuRelease::V7_2, host);
    ASSERT_EQ(p3.outcome, Outcome::Ok);
    EXPECT_EQ(p3.memlock.phb_count, 3u);
    EXPECT_TRUE(p3.machine.phbs[1].functions.empty());
    // SLOF: slot 1's 1 MiB BAR at the 64-bit window's start, slot 2's right after it.
    EXPECT_EQ(p3.slof[2].functions[1].bars[0].cpu_address, 0x2300'0010'0000u);
}

TEST(SpaprPlan, Nvlink2GpuGetsItsRamWindowOnlyWhereQemuHasIt) {
    SpaprHost host;
    PciFunctionSpec gpu;
    gpu.driver = "vfio-pci";
    gpu.bars = {BarSpec::memory32(0, 16 * MiB, Prefetchable::No)};
    host.passthrough["0004:04:00.0"] = {gpu, Nvlink2Identity{Nvlink2Role::Gpu, 1, 16 * GiB}};
    const VmSpec spec = read_ppc64_command_line(test::words("-nodefaults -device vfio-pci,host=0004:04:00.0"));
    const SpaprPlan on72 = make_spapr_plan(spec, QemuRelease::V7_2, host);
    ASSERT_EQ(on72.machine.phbs[0].nvlink2.gpus.size(), 1u);
    EXPECT_EQ(on72.machine.phbs[0].nvlink2.gpus[0].ram.first(), 64 * TiB);
    EXPECT_EQ(on72.machine.memory_top, 64 * TiB + 16 * GiB);
    const SpaprPlan on82 = make_spapr_plan(spec, QemuRelease::V8_2, host);
    EXPECT_TRUE(on82.machine.phbs[0].nvlink2.gpus.empty());
    EXPECT_TRUE(on82.memlock.nvlink2);
}

// Behind a pci-bridge (bus named after its id): slots from 0, bus numbers depth first in ascending devfn
// (hw/ppc/spapr_pci.c spapr_phb_pci_enumerate); the PHB's functions sorted by (bus, devfn).
TEST(SpaprMachine, BridgesGetBusNumbersDepthFirst) {
    const auto b = build("-nodefaults -device pci-bridge,id=b2,chassis_nr=2,addr=3 -device pci-bridge,id=b1,chassis_nr=1,addr=1 "
                         "-device pci-bridge,id=b3,chassis_nr=3,bus=b1 -device e1000,bus=b3 -device e1000,bus=b2 -device e1000,bus=b1");
    ASSERT_TRUE(b.machine) << b.refusal;
    const auto& f = b.machine->phbs[0].functions;
    ASSERT_EQ(f.size(), 6u);
    EXPECT_EQ(f[0].id, "b1");
    EXPECT_EQ(f[0].secondary, 1u);
    EXPECT_EQ(f[0].subordinate, 2u);
    EXPECT_EQ(f[1].id, "b2");
    EXPECT_EQ(f[1].secondary, 3u);
    EXPECT_EQ(f[1].subordinate, 3u);
    EXPECT_EQ(f[2].id, "b3");  // bus 1, slot 0
    EXPECT_EQ(f[2].bus, 1u);
    EXPECT_EQ(f[3].function.driver, "e1000");  // bus 1, slot 1 (b3 took slot 0)
    EXPECT_EQ(f[3].bus, 1u);
    EXPECT_EQ(f[3].devfn.device, 1);
    EXPECT_EQ(f[4].bus, 2u);
    EXPECT_EQ(f[5].bus, 3u);
    EXPECT_EQ(f[5].devfn.device, 0);
}

// spapr_pci_pre_plug: only bridges with a chassis_nr, not 0, not used by another bridge.
TEST(SpaprMachine, BridgeChassisChecks) {
    EXPECT_EQ(build("-nodefaults -device pci-bridge,id=b1").refusal,
              "-device pci-bridge,id=b1: PCI Bridge lacks a \"chassis_nr\" property\nTry -device pci-bridge instead.");
    EXPECT_EQ(build("-nodefaults -device pcie-root-port,id=rp,chassis=1").refusal,
              "-device pcie-root-port,id=rp,chassis=1: PCI Bridge lacks a \"chassis_nr\" property\nTry -device pci-bridge instead.");
    EXPECT_EQ(build("-nodefaults -device pci-bridge,id=b1,chassis_nr=1 -device pci-bridge,id=b2,chassis_nr=1").refusal,
              "-device pci-bridge,id=b2,chassis_nr=1: Bridge chassis 1 already in use");
    const auto two_phbs = build("-nodefaults -device spapr-pci-host-bridge,index=1,id=p1 -device pci-bridge,id=b1,chassis_nr=1 "
                                "-device pci-bridge,id=b2,chassis_nr=1,bus=pci.0");
    EXPECT_EQ(two_phbs.refusal, "-device pci-bridge,id=b2,chassis_nr=1,bus=pci.0: Bridge chassis 1 already in use");
}

}  // namespace
}  // namespace aperture::spapr
