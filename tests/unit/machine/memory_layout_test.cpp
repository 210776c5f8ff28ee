// Expected values are QEMU 7.2's own (hw/i386/pc_q35.c, pc_piix.c, pc.c), checked with real QEMU.
#include "machine/memory_layout.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "machine/qemu_x86_layout.hpp"

namespace aperture {
namespace {

GuestCpu amd_cpu(unsigned phys_bits = 40) {
    GuestCpu cpu;
    cpu.vendor = "AuthenticAMD";
    cpu.phys_bits = phys_bits;
    return cpu;
}

GuestCpu intel_cpu(unsigned phys_bits = 40) {
    GuestCpu cpu = amd_cpu(phys_bits);
    cpu.vendor = "GenuineIntel";
    return cpu;
}

MemoryLayoutRequest q35(u64 ram, GuestCpu cpu = amd_cpu()) {
    MemoryLayoutRequest r;
    r.machine = resolve_machine_type("q35");
    r.cpu = cpu;
    r.memory.size = ram;
    r.pci_hole64_size = qemu_x86::Q35_PCI_HOLE64_SIZE_DEFAULT;
    return r;
}

MemoryLayoutRequest pc(u64 ram) {
    MemoryLayoutRequest r = q35(ram);
    r.machine = resolve_machine_type("pc");
    r.pci_hole64_size = qemu_x86::I440FX_PCI_HOLE64_SIZE_DEFAULT;
    return r;
}

MemoryLayout layout(const MemoryLayoutRequest& r) {
    std::string refusal;
    MemoryLayout m = compute_memory_layout(r, refusal);
    EXPECT_EQ(refusal, "");
    return m;
}

std::string refusal_of(const MemoryLayoutRequest& r) {
    std::string refusal;
    compute_memory_layout(r, refusal);
    return refusal;
}

TEST(Q35Split, SmallRamStaysBelow4G) {
    const auto m = layout(q35(2815 * MiB));
    EXPECT_EQ(m.below_4g, 2815 * MiB);
    EXPECT_EQ(m.above_4g, 0u);
}

TEST(Q35Split, RamReachingMmconfigSplitsAt2G) {
    const auto m = layout(q35(2816 * MiB));
    EXPECT_EQ(m.below_4g, 2 * GiB);
    EXPECT_EQ(m.above_4g, 768 * MiB);
}

TEST(Q35Split, Hole64StartsAfterRamAbove4G) {
    EXPECT_EQ(layout(q35(4 * GiB)).pci_hole64_start, 6 * GiB);
}

TEST(I440fxSplit, ThreeGiBStaysLow) {
    const auto m = layout(pc(3 * GiB));
    EXPECT_EQ(m.below_4g, 3 * GiB);
    EXPECT_EQ(m.above_4g, 0u);
}

TEST(I440fxSplit, SplitClampsTo3GiB) {
    const auto m = layout(pc(3584 * MiB));
    EXPECT_EQ(m.below_4g, 3 * GiB);
    EXPECT_EQ(m.above_4g, 512 * MiB);
}

TEST(DeviceMemory, SlotsAndMaxmemMoveHole64) {
    auto r = q35(2 * GiB);
    r.memory.slots = 2;
    r.memory.maxmem = 40 * GiB;
    const auto m = layout(r);
    ASSERT_TRUE(m.device_memory.has_value());
    EXPECT_EQ(m.device_memory->base, 4 * GiB);
    EXPECT_EQ(m.device_memory->size, 40 * GiB);
    EXPECT_EQ(m.reserved_memory_end, 44 * GiB);
    EXPECT_EQ(m.pci_hole64_start, 44 * GiB);
}

TEST(DeviceMemory, NoneWithoutMaxmem) {
    const auto m = layout(q35(2 * GiB));
    EXPECT_FALSE(m.device_memory.has_value());
    EXPECT_FALSE(m.reserved_memory_end.has_value());
}

TEST(PhysBitsCheck, RefusesWithQemusMessage) {
    EXPECT_EQ(refusal_of(q35(2 * GiB, amd_cpu(35))), "Address space limit 0x7ffffffff < 0x8ffffffff phys-bits too low (35)");
}

TEST(AmdHole, AmdGuestReachingHoleIsRelocatedAndRefusedAt40Bits) {
    auto r = q35(1 * GiB);
    r.memory.slots = 1;
    r.memory.maxmem = 1000 * GiB;
    EXPECT_EQ(refusal_of(r), "Address space limit 0xffffffffff < 0x201ffffffff phys-bits too low (40)");
}

TEST(AmdHole, IntelGuestIsNotRelocated) {
    auto r = q35(1 * GiB, intel_cpu());
    r.memory.slots = 1;
    r.memory.maxmem = 1000 * GiB;
    EXPECT_EQ(refusal_of(r), "Address space limit 0xffffffffff < 0x102ffffffff phys-bits too low (40)");
}

TEST(AmdHole, RelocatedDeviceMemoryStartsAt1TiB) {
    auto r = q35(1 * GiB, amd_cpu(42));
    r.memory.slots = 1;
    r.memory.maxmem = 1000 * GiB;
    const auto m = layout(r);
    EXPECT_TRUE(m.relocated_above_1tib);
    EXPECT_EQ(m.reserved_memory_end, 0x1FA'0000'0000u);
}

TEST(AmdHole, ReservedInE820From40Bits) {
    const auto m = layout(q35(2 * GiB));
    ASSERT_FALSE(m.qemu_e820.empty());
    EXPECT_EQ(m.qemu_e820.front().start, qemu_x86::AMD_HT_START);
    EXPECT_EQ(m.qemu_e820.front().size, qemu_x86::AMD_HT_SIZE);
}

TEST(AmdHole, NotInE820Below40Bits) {
    const auto m = layout(q35(2 * GiB, amd_cpu(39)));
    for (const auto& e : m.qemu_e820) EXPECT_NE(e.type, E820Type::Reserved);
}

TEST(AmdHole, Machine70DoesNotRelocate) {
    auto r = q35(1 * GiB, amd_cpu(42));
    r.machine = resolve_machine_type("pc-q35-7.0");
    r.memory.slots = 1;
    r.memory.maxmem = 1000 * GiB;
    EXPECT_FALSE(layout(r).relocated_above_1tib);
}

TEST(Overflow, Hole64SizeNear2To64IsRejected) {
    auto r = q35(2 * GiB, amd_cpu(52));
    r.pci_hole64_size = ~u64{0} - 4 * GiB;
    std::string refusal;
    EXPECT_THROW(compute_memory_layout(r, refusal), ArithmeticError);
}

TEST(MachineType, UnknownTypeNamesTheModelledOnes) {
    try {
        resolve_machine_type("pc-q35-5.2");
        FAIL();
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("pc-q35-7.2"), std::string::npos);
    }
}

// QEMU 8.2 bounds a CPU without long mode by its RAM and device memory, not by the 64-bit hole; machine
// types up to 8.1 keep the old bound of 2^phys-bits (hw/i386/pc.c pc_max_used_gpa).
MemoryLayoutRequest without_long_mode(const QemuRelease& release, const std::string& type, u64 ram) {
    GuestCpu cpu = intel_cpu(36);
    cpu.long_mode = false;
    MemoryLayoutRequest r = q35(ram, cpu);
    r.machine = resolve_machine_type(release, type);
    return r;
}

TEST(MaxUsedGpa, Qemu72BoundsA36BitCpuByTheHole64) {
    const auto m = layout(without_long_mode(default_qemu_release(), "q35", 2 * GiB));
    EXPECT_EQ(m.max_used_gpa, 4 * GiB + qemu_x86::Q35_PCI_HOLE64_SIZE_DEFAULT - 1);
}

TEST(MaxUsedGpa, Qemu10BoundsA36BitCpuByRamOnNewTypes) {
    const auto m = layout(without_long_mode(*find_qemu_release("10.0"), "pc-q35-8.2", 6 * GiB));
    EXPECT_EQ(m.max_used_gpa, 8 * GiB - 1);  // 2 GiB low, 4 GiB from 4 GiB: above-4G end
}

TEST(MaxUsedGpa, Qemu10KeepsTheOldBoundOnOldTypes) {
    const auto m = layout(without_long_mode(*find_qemu_release("10.0"), "pc-q35-8.1", 6 * GiB));
    EXPECT_EQ(m.max_used_gpa, (u64{1} << 36) - 1);
}

TEST(MaxUsedGpa, Qemu10RefusesDeviceMemoryBeyondA36BitCpu) {
    MemoryLayoutRequest r = without_long_mode(*find_qemu_release("10.0"), "q35", 2 * GiB);
    r.memory.maxmem = 80 * GiB;
    r.memory.slots = 1;
    EXPECT_EQ(refusal_of(r), "Address space limit 0xfffffffff < 0x14bfffffff phys-bits too low (36)");
}

TEST(MaxUsedGpa, LongModeIsBoundedByTheHole64InEveryRelease) {
    for (const auto* name : {"7.2", "10.0", "11.1"}) {
        MemoryLayoutRequest r = q35(2 * GiB);
        r.machine = resolve_machine_type(*find_qemu_release(name), "q35");
        EXPECT_EQ(layout(r).max_used_gpa, 4 * GiB + qemu_x86::Q35_PCI_HOLE64_SIZE_DEFAULT - 1) << name;
    }
}

}  // namespace
}  // namespace aperture
