// SeaBIOS 1.16.2 passes on hand-built machines. Expected addresses are the ones real SeaBIOS programs
// for the same devices (../shared/notes/oracle.md and the oracle sweep).
#include "firmware/seabios/seabios.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "core/error.hpp"
#include "machine/qemu_x86_layout.hpp"

namespace aperture {
namespace {

PciFunctionSpec endpoint(std::vector<BarSpec> bars, std::uint16_t class_code = 0x00ff) {
    PciFunctionSpec f;
    f.driver = "test-endpoint";
    f.vendor_id = 0x1b36;
    f.device_id = 0x0005;
    f.class_code = class_code;
    f.bars = std::move(bars);
    return f;
}

BarSpec mem32(int index, u64 size) { return {index, BarKind::Memory, false, false, size}; }
BarSpec pref64(int index, u64 size) { return {index, BarKind::Memory, true, true, size}; }
BarSpec io(int index, u64 size) { return {index, BarKind::Io, false, false, size}; }

PciFunctionSpec root_port() {
    PciFunctionSpec f;
    f.driver = "pcie-root-port";
    f.vendor_id = 0x1b36;
    f.device_id = 0x000c;
    f.class_code = 0x0604;
    f.bars = {mem32(0, 4 * KiB)};
    BridgeSpec b;
    b.kind = BridgeKind::PcieRootPort;
    b.secondary_express = true;
    b.slot_implemented = true;
    b.hotplug_capable = true;
    f.bridge = b;
    return f;
}

class SeaBiosTest : public ::testing::Test {
protected:
    void SetUp() override {
        machine.type = resolve_machine_type("q35");
        machine.cpu.vendor = "AuthenticAMD";
        machine.cpu.phys_bits = 40;
        machine.pci = PciTopology("pcie.0", true);
        PciFunctionSpec mch;
        mch.driver = "mch";
        mch.vendor_id = 0x8086;
        mch.device_id = 0x29c0;
        mch.class_code = 0x0600;
        add(0, mch, 0);
    }

    void add(int bus, PciFunctionSpec f, std::uint8_t slot, std::string id = "") {
        PciNode node;
        node.id = std::move(id);
        node.devfn = {slot, 0};
        node.function = std::move(f);
        machine.pci.add(bus, std::move(node));
    }

    FirmwareResult run(u64 ram = 2 * GiB) { return run_release(default_seabios_release(), ram); }

    FirmwareResult run_release(const SeabiosRelease& release, u64 ram) {
        MemoryLayoutRequest r{machine.type, machine.cpu, {}, std::nullopt, qemu_x86::Q35_PCI_HOLE64_SIZE_DEFAULT};
        r.memory.size = ram;
        std::string refusal;
        machine.memory = compute_memory_layout(r, refusal);
        EXPECT_EQ(refusal, "");
        machine.pci.finish();
        return run_seabios(machine, release);
    }

    static const FunctionResult& at(const FirmwareResult& fw, const std::string& bdf) {
        for (const auto& f : fw.functions) {
            if (f.bdf.to_string() == bdf) return f;
        }
        throw std::runtime_error("no function " + bdf);
    }

    Machine machine;
};

TEST_F(SeaBiosTest, SmallBarsStackTopDownBelowIoApic) {
    add(0, endpoint({mem32(0, 4 * KiB)}), 2);
    const auto fw = run();
    EXPECT_EQ(at(fw, "00:02.0").bars[0].address, 0xFEBF'F000u);
}

TEST_F(SeaBiosTest, EqualBarsKeepDiscoveryOrder) {
    add(0, endpoint({mem32(0, 4 * KiB)}), 2);
    add(0, endpoint({mem32(0, 4 * KiB)}), 3);
    const auto fw = run();
    EXPECT_LT(*at(fw, "00:02.0").bars[0].address, *at(fw, "00:03.0").bars[0].address);
}

TEST_F(SeaBiosTest, LargeBarBehindPortMovesAbove4GWhen32BitOverflows) {
    // oracle.md: q35 -m 2G, a 32 GiB BAR behind a root port and a 1 GiB BAR on the root bus.
    add(0, root_port(), 1, "rp1");
    add(1, endpoint({mem32(0, 4 * KiB), io(1, 256), pref64(2, 32 * GiB)}), 0);
    add(0, endpoint({mem32(0, 4 * KiB), io(1, 256), pref64(2, 1 * GiB)}), 2);
    const auto fw = run();
    EXPECT_EQ(at(fw, "01:00.0").bars[2].address, 0x8'0000'0000u);
    EXPECT_EQ(at(fw, "00:02.0").bars[2].address, 0x10'0000'0000u);
    EXPECT_EQ(at(fw, "00:01.0").bridge->prefetchable.base, 0x8'0000'0000u);
    EXPECT_EQ(at(fw, "00:01.0").bridge->prefetchable.limit, 0xF'FFFF'FFFFu);
}

TEST_F(SeaBiosTest, BusesNumberedDepthFirst) {
    add(0, root_port(), 1, "rp1");
    add(0, root_port(), 2, "rp2");
    const auto fw = run();
    EXPECT_EQ(at(fw, "00:01.0").bridge->secondary_bus, 1u);
    EXPECT_EQ(at(fw, "00:02.0").bridge->secondary_bus, 2u);
}

PciFunctionSpec pci_bridge() {
    PciFunctionSpec f;
    f.driver = "pci-bridge";
    f.vendor_id = 0x1b36;
    f.device_id = 0x0001;
    f.class_code = 0x0604;
    BridgeSpec b;
    b.kind = BridgeKind::PciBridge;
    f.bridge = b;
    return f;
}

TEST_F(SeaBiosTest, SmallBusReserveLetsALaterPortReuseBusNumbers) {
    // SeaBIOS 1.16.2 keeps a bus-reserve that is not above the buses already numbered behind the port, so
    // the next port gets a number in use behind it; QEMU then routes that number to the later port.
    auto port = root_port();
    port.bridge->reserve = ResourceReserveCap{};
    port.bridge->reserve->bus = 1;
    add(0, port, 1, "rp1");
    add(0, root_port(), 2, "rp2");
    add(1, pci_bridge(), 0, "br1");
    add(3, pci_bridge(), 1, "br2");
    const auto fw = run();
    EXPECT_EQ(at(fw, "00:01.0").bridge->subordinate_bus, 1u);
    EXPECT_EQ(at(fw, "00:02.0").bridge->secondary_bus, 2u);
    EXPECT_FALSE(at(fw, "02:01.0").reachable);
}

TEST_F(SeaBiosTest, EmptyHotplugPortGetsMemAndPrefButNoIo) {
    add(0, root_port(), 1, "rp1");
    const auto fw = run();
    const auto& b = *at(fw, "00:01.0").bridge;
    EXPECT_EQ(b.memory.limit - b.memory.base + 1, 2 * MiB);
    EXPECT_EQ(b.prefetchable.limit - b.prefetchable.base + 1, 2 * MiB);
    EXPECT_FALSE(b.io.open());
}

TEST_F(SeaBiosTest, ReserveCapabilitySizesTheWindow) {
    auto port = root_port();
    port.bridge->reserve = ResourceReserveCap{};
    port.bridge->reserve->pref64 = 1 * GiB;
    add(0, port, 1, "rp1");
    const auto fw = run();
    const auto& b = *at(fw, "00:01.0").bridge;
    EXPECT_EQ(b.prefetchable.limit - b.prefetchable.base + 1, 1 * GiB);
}

TEST_F(SeaBiosTest, OutOf32BitSpacePanics) {
    add(0, endpoint({mem32(0, 1 * GiB)}), 2);
    add(0, endpoint({mem32(0, 1 * GiB)}), 3);
    const auto fw = run();
    EXPECT_TRUE(fw.failed);
    EXPECT_EQ(fw.failure, FirmwareFailure::Mem32SpaceExhausted);
    EXPECT_EQ(fw.failure_message, "PCI: out of 32bit address space");
}

TEST_F(SeaBiosTest, GivingUpLeavesEveryBarUnassignedForTheShortWindow) {
    add(0, endpoint({mem32(0, 1 * GiB)}), 2);
    add(0, endpoint({mem32(0, 1 * GiB)}), 3);
    const auto fw = run();
    ASSERT_FALSE(fw.unassigned.empty());
    EXPECT_EQ(fw.unassigned.front().short_window, RootWindowKind::Mem32);
    EXPECT_EQ(fw.unassigned.front().cause, UnassignedCause::FirmwareGaveUp);
}

TEST_F(SeaBiosTest, E820KeepsHighTablesAndEcamReserved) {
    const auto fw = run();
    const std::vector<E820Entry> expected{
        {0x0, 0x9FC00, E820Type::Ram},
        {0x9FC00, 0x400, E820Type::Reserved},
        {0xF0000, 0x10000, E820Type::Reserved},
        {0x100000, 0x7FFE0000 - 0x100000, E820Type::Ram},
        {0x7FFE0000, 0x20000, E820Type::Reserved},
        {0xB0000000, 0x10000000, E820Type::Reserved},
        {0xFED1C000, 0x4000, E820Type::Reserved},
        {0xFFFC0000, 0x40000, E820Type::Reserved},
        {0xFD'0000'0000, 0x3'0000'0000, E820Type::Reserved},
    };
    // No LPC function in this hand-built machine, so the RCBA entry is absent.
    std::vector<E820Entry> without_rcba;
    for (const auto& e : expected) {
        if (e.start != 0xFED1C000) without_rcba.push_back(e);
    }
    EXPECT_EQ(fw.e820, without_rcba);
}

// SeaBIOS 1.16.3 and 1.17.0: the 64-bit window bounded by trusted phys-bits and padded to 1/8 of the
// space (../shared/notes/versions.md section B; each expectation checked against a real boot of Debian's
// builds under QEMU 10.0.2).
const SeabiosRelease& seabios(std::string_view name) { return *find_seabios_release(name); }

class NewerSeaBiosTest : public SeaBiosTest {
protected:
    // A 32 GiB BAR behind a hotplug root port and a 1 GiB one on the root bus (oracle.md's example).
    void gpu_behind_port_and_small_on_root() {
        add(0, root_port(), 1, "rp1");
        add(1, endpoint({mem32(0, 4 * KiB), io(1, 256), pref64(2, 32 * GiB)}), 0);
        add(0, endpoint({mem32(0, 4 * KiB), io(1, 256), pref64(2, 1 * GiB)}), 2);
    }
};

TEST_F(NewerSeaBiosTest, Seabios1163StepsBelowTheAmdHoleAndMisalignsTheHotplugWindow) {
    gpu_behind_port_and_small_on_root();
    const auto fw = run_release(seabios("1.16.3"), 8 * GiB);
    // [896 GiB, 1 TiB) overlaps the HyperTransport hole, so the 128 GiB window moves down to 768 GiB.
    EXPECT_EQ(at(fw, "00:02.0").bars[2].address, 0xC0'0000'0000u);
    // The port's window is aligned to top/2048 = 512 MiB, less than its 32 GiB BAR needs ...
    EXPECT_EQ(at(fw, "00:01.0").bridge->prefetchable.base, 0xC0'4000'0000u);
    // ... so the BAR's read-only low bits round the address SeaBIOS wrote down, outside the window.
    EXPECT_EQ(at(fw, "01:00.0").bars[2].address, 0xC0'0000'0000u);
}

TEST_F(NewerSeaBiosTest, Seabios1170AlignsTheHotplugWindowForItsBar) {
    gpu_behind_port_and_small_on_root();
    const auto fw = run_release(seabios("1.17.0"), 8 * GiB);
    EXPECT_EQ(at(fw, "00:01.0").bridge->prefetchable.base, 0xC0'0000'0000u);
    EXPECT_EQ(at(fw, "01:00.0").bars[2].address, 0xC0'0000'0000u);
    EXPECT_EQ(at(fw, "00:02.0").bars[2].address, 0xC8'0000'0000u);
}

TEST_F(NewerSeaBiosTest, Seabios1162KeepsSmallBarsBelow4G) {
    add(0, endpoint({mem32(0, 4 * KiB), pref64(2, 16 * MiB)}), 2);
    const auto fw = run_release(seabios("1.16.2"), 8 * GiB);
    EXPECT_LT(*at(fw, "00:02.0").bars[1].address, 4 * GiB);
}

TEST_F(NewerSeaBiosTest, UntrustedIntel40BitsPadsOnlyFrom1170JustAboveRam) {
    machine.cpu.vendor = "GenuineIntel";  // Intel with 40 bits: not a width real Intel CPUs have
    add(0, endpoint({mem32(0, 4 * KiB), pref64(2, 16 * MiB)}), 2);
    EXPECT_LT(*at(run_release(seabios("1.16.3"), 8 * GiB), "00:02.0").bars[1].address, 4 * GiB);
    EXPECT_EQ(at(run_release(seabios("1.17.0"), 8 * GiB), "00:02.0").bars[1].address, 10 * GiB);
}

TEST_F(NewerSeaBiosTest, Wide46BitCpuCapsAt46Then44) {
    machine.cpu.phys_bits = 46;
    gpu_behind_port_and_small_on_root();
    const auto old_cap = run_release(seabios("1.16.3"), 8 * GiB);
    EXPECT_EQ(old_cap.windows.mem64->first(), 56 * TiB);  // [56 TiB, 64 TiB)
    EXPECT_EQ(at(old_cap, "00:01.0").bridge->prefetchable.limit - at(old_cap, "00:01.0").bridge->prefetchable.base + 1, 32 * GiB);
    const auto new_cap = run_release(seabios("1.17.0"), 8 * GiB);
    EXPECT_EQ(new_cap.windows.mem64->first(), 14 * TiB);  // [14 TiB, 16 TiB)
}

TEST_F(NewerSeaBiosTest, Seabios1170LiftsThe44BitCapWithATebibyteOfRamAbove4G) {
    machine.cpu.phys_bits = 46;
    add(0, endpoint({mem32(0, 4 * KiB), pref64(2, 1 * GiB)}), 2);
    const auto fw = run_release(seabios("1.17.0"), 1100 * GiB);
    EXPECT_EQ(fw.windows.mem64->first(), 56 * TiB);
}

TEST_F(NewerSeaBiosTest, FwCfgTurnsThePaddingOff) {
    add(0, endpoint({mem32(0, 4 * KiB), pref64(2, 16 * MiB)}), 2);
    machine.fw_cfg.push_back(FwCfgSpec{"opt/org.seabios/pci64", "off", std::nullopt, std::nullopt, {}});
    EXPECT_LT(*at(run_release(seabios("1.17.0"), 8 * GiB), "00:02.0").bars[1].address, 4 * GiB);
    machine.fw_cfg.back().string_value = "maybe";  // romfile_loadbool: unknown, so the default (pad) stays
    const auto fw = run_release(seabios("1.17.0"), 8 * GiB);
    EXPECT_GT(*at(fw, "00:02.0").bars[1].address, 4 * GiB);
    EXPECT_TRUE(std::any_of(fw.notes.begin(), fw.notes.end(), [](const std::string& n) { return n.find("unknown bool string") != std::string::npos; }));
}

TEST_F(NewerSeaBiosTest, WithoutLongModeTheWindowEndsAt64GiB) {
    machine.cpu.long_mode = false;
    machine.cpu.vendor = "GenuineIntel";
    machine.cpu.phys_bits = 36;
    add(0, endpoint({mem32(0, 4 * KiB), pref64(2, 2 * GiB)}), 2);  // overflows the 32-bit window
    const auto fw = run_release(seabios("1.17.0"), 8 * GiB);
    EXPECT_EQ(at(fw, "00:02.0").bars[1].address, 62 * GiB);  // [64 GiB - 2 GiB, 64 GiB), not padded
}

TEST_F(NewerSeaBiosTest, WindowLargerThanTheTrustedSpaceWrapsAsInSeabios) {
    machine.cpu.vendor = "GenuineIntel";
    machine.cpu.phys_bits = 36;
    add(0, endpoint({mem32(0, 4 * KiB), pref64(2, 128 * GiB)}), 2);
    const auto fw = run_release(seabios("1.16.3"), 8 * GiB);
    // size 128 GiB against a 64 GiB top: base = top - size wraps to 2^64 - 64 GiB, and aligning that to the
    // BAR's 128 GiB wraps again, to 0, where QEMU maps nothing.
    const auto& bar = at(fw, "00:02.0").bars[1];
    EXPECT_EQ(bar.address, 0u);
    EXPECT_FALSE(bar.decoding);
    EXPECT_TRUE(std::any_of(fw.notes.begin(), fw.notes.end(), [](const std::string& n) { return n.find("wraps") != std::string::npos; }));
}

}  // namespace
}  // namespace aperture
