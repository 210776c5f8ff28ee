// The OS memory map under OVMF. Expected entries were read from the real guests' UEFI shell `memmap`
// (QEMU 7.2, Debian's OVMF_CODE_4M.fd, converted by the EFI stub's rules: tests/oracle/uefi_memmap.py),
// e.g. `-machine q35 -m 2G -nodefaults` on 2025.02, not derived from the model.
#include "firmware/ovmf/os_memory_map.hpp"

#include <gtest/gtest.h>

#include "../support/words.hpp"

#include "core/error.hpp"
#include "input/qemu_command_line.hpp"
#include "machine/qemu_release.hpp"
#include "plan/plan.hpp"

namespace aperture {
namespace {

using test::words;

std::vector<E820Entry> os_map(const std::string& args, const char* release) {
    PlanOptions options;
    options.firmware = FirmwareKind::Ovmf;
    options.ovmf = find_ovmf_release(release);
    const Plan plan = make_plan(read_qemu_command_line(words(args)), options);
    return plan.firmware->e820;
}

const E820Entry& entry_at(const std::vector<E820Entry>& map, u64 start) {
    for (const auto& e : map) {
        if (e.start == start) return e;
    }
    throw std::runtime_error("no entry at the address");
}

TEST(OvmfOsMemoryMap, FixedWorkAreasBelowNineMibOn202502) {
    const auto map = os_map("-machine q35 -m 2G -nodefaults", "2025.02");
    EXPECT_EQ(map[0], (E820Entry{0, 0xA'0000, E820Type::Ram, E820Origin::QemuRam}));
    EXPECT_EQ(map[1], (E820Entry{0x10'0000, 0x70'0000, E820Type::Ram, E820Origin::QemuRam}));
    EXPECT_EQ(map[2], (E820Entry{0x80'0000, 0x8000, E820Type::Nvs, E820Origin::FirmwareWorkArea}));
    EXPECT_EQ(map[3], (E820Entry{0x80'8000, 0x3000, E820Type::Ram, E820Origin::QemuRam}));
    EXPECT_EQ(map[4], (E820Entry{0x80'B000, 0x1000, E820Type::Nvs, E820Origin::FirmwareWorkArea}));
    EXPECT_EQ(map[5], (E820Entry{0x80'C000, 0x5000, E820Type::Ram, E820Origin::QemuRam}));
    EXPECT_EQ(map[6], (E820Entry{0x81'1000, 0xEF000, E820Type::Nvs, E820Origin::FirmwareWorkArea}));
}

TEST(OvmfOsMemoryMap, IgvmParameterPageIsReservedOn202608) {
    // observed (`-machine q35 -m 2G`, the shell booted from a vvfat disk): RT_Data 0x812000, one page
    const auto map = os_map("-machine q35 -m 2G -nodefaults", "2026.08");
    EXPECT_EQ(entry_at(map, 0x80'C000), (E820Entry{0x80'C000, 0x6000, E820Type::Ram, E820Origin::QemuRam}));
    EXPECT_EQ(entry_at(map, 0x81'2000), (E820Entry{0x81'2000, 0x1000, E820Type::Reserved, E820Origin::FirmwareIgvmParameters}));
    EXPECT_EQ(entry_at(map, 0x81'3000), (E820Entry{0x81'3000, 0x1000, E820Type::Ram, E820Origin::QemuRam}));
    EXPECT_EQ(entry_at(map, 0x81'4000), (E820Entry{0x81'4000, 0xEC000, E820Type::Nvs, E820Origin::FirmwareWorkArea}));
}

TEST(OvmfOsMemoryMap, SecPeiTempRamStartsAPageLowerOn202211) {
    const auto map = os_map("-machine q35 -m 2G -nodefaults", "2022.11");
    EXPECT_EQ(entry_at(map, 0x81'0000), (E820Entry{0x81'0000, 0xF0000, E820Type::Nvs, E820Origin::FirmwareWorkArea}));
}

TEST(OvmfOsMemoryMap, S3ReservationEndsLowRamAndTheFirmwareAreaHoldsTheObservedAllocations) {
    const auto map = os_map("-machine q35 -m 2G -nodefaults", "2025.02");
    // observed: ACPI NVS 0x7FF78000-0x7FFFFFFF (512 KiB + one AP stack), lowest runtime page 0x7E93F000
    EXPECT_EQ(entry_at(map, 0x7FF7'8000), (E820Entry{0x7FF7'8000, 0x8'8000, E820Type::Nvs, E820Origin::FirmwareWorkArea}));
    const auto area = std::find_if(map.begin(), map.end(), [](const E820Entry& e) { return e.type == E820Type::FirmwareArea; });
    ASSERT_NE(area, map.end());
    EXPECT_LE(area->start, 0x7E93'F000u);
    EXPECT_EQ(area->start + area->size, 0x7FF7'8000u);
}

TEST(OvmfOsMemoryMap, EcamFlashAndQemuReservationAreReserved) {
    const auto map = os_map("-machine q35 -m 2G -nodefaults", "2025.02");
    EXPECT_EQ(entry_at(map, 0xE000'0000), (E820Entry{0xE000'0000, 256 * MiB, E820Type::Reserved, E820Origin::PciExpressEcam}));
    EXPECT_EQ(entry_at(map, 0xFFC0'0000), (E820Entry{0xFFC0'0000, 4 * MiB, E820Type::Reserved, E820Origin::FirmwareFlash}));
    // AMD's HyperTransport hole, which QEMU reserves for a 40-bit qemu64 (edk2 bf65d7ee88 passes it on)
    EXPECT_EQ(entry_at(map, 0xFD'0000'0000), (E820Entry{0xFD'0000'0000, 12 * GiB, E820Type::Reserved, E820Origin::QemuReservation}));
}

TEST(OvmfOsMemoryMap, I440fxHasNoEcamAndKeepsRamAbove4GiB) {
    const auto map = os_map("-machine pc -m 3G -nodefaults -cpu qemu64,phys-bits=36,vendor=GenuineIntel", "2025.02");
    for (const auto& e : map) EXPECT_NE(e.origin, E820Origin::PciExpressEcam);
    EXPECT_EQ(map.back(), (E820Entry{0xFFC0'0000, 4 * MiB, E820Type::Reserved, E820Origin::FirmwareFlash}));
    const auto high = os_map("-machine pc -m 5G -nodefaults", "2025.02");
    EXPECT_EQ(entry_at(high, 4 * GiB), (E820Entry{4 * GiB, 2 * GiB, E820Type::Ram, E820Origin::QemuRam}));
}

TEST(OvmfOsMemoryMap, ReservationBeyondTheGuestPhysBitsWidthNeverReachesTheOs) {
    // QEMU 10.0 + 2025.02 / 2026.08 (memmap oracle seeds 15903 / 15904, case 9 of each): QEMU still lists the
    // HyperTransport hole for a 40-bit AMD CPU, but GuestPhysBits 36 narrows OVMF's width below it.
    PlanOptions options;
    options.firmware = FirmwareKind::Ovmf;
    options.qemu = find_qemu_release("10.0");
    for (const char* release : {"2025.02", "2026.08"}) {
        options.ovmf = find_ovmf_release(release);
        const auto args = words("-machine pc-i440fx-7.2 -nodefaults -m 2047M -cpu qemu64,guest-phys-bits=36");
        const Plan plan = make_plan(read_qemu_command_line(args, *options.qemu), options);
        for (const auto& e : plan.firmware->e820) EXPECT_NE(e.origin, E820Origin::QemuReservation) << release;
        // Without GuestPhysBits the 40-bit width covers it, as on QEMU 7.2.
        const Plan wide = make_plan(read_qemu_command_line(words("-machine pc-i440fx-7.2 -nodefaults -m 2047M"), *options.qemu), options);
        EXPECT_EQ(entry_at(wide.firmware->e820, 0xFD'0000'0000).origin, E820Origin::QemuReservation) << release;
    }
}

TEST(OvmfOsMemoryMap, LowRamTooSmallForTheS3ReservationIsRefusedNotWrapped) {
    // 288 possible CPUs need 9 MiB of AP stacks beside the 512 KiB S3 base and the 9 MiB below the DXE volume.
    EXPECT_THROW(os_map("-machine q35 -m 16M -nodefaults -smp 1,maxcpus=288", "2025.02"), UnsupportedError);
}

TEST(OvmfOsMemoryMap, Release202211DoesNotPassQemuReservationsOn) {
    const auto map = os_map("-machine q35 -m 2G -nodefaults", "2022.11");
    for (const auto& e : map) EXPECT_NE(e.origin, E820Origin::QemuReservation);
}

}  // namespace
}  // namespace aperture
