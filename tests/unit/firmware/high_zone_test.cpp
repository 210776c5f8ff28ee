// SeaBIOS 1.16.2's ZoneHigh: the allocator and the boot sequence that fixes what malloc_prepboot keeps.
// Expected sizes are what Debian's bios-256k.bin leaves reserved on QEMU 7.2 for the same devices
// ("Returned N bytes of ZoneHigh": kept = 16 MiB - N).
#include "firmware/seabios/high_zone.hpp"

#include <algorithm>
#include <optional>
#include <set>
#include <string_view>

#include <fmt/format.h>

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "firmware/seabios/seabios_layout.hpp"
#include "firmware/seabios/seabios_release.hpp"

namespace aperture::seabios {
namespace {

constexpr u64 ZONE_END = 0x2000'0000;  // -m 512
constexpr u64 ZONE_START = ZONE_END - BUILD_MAX_HIGHTABLE;

// --- the allocator (src/malloc.c) ------------------------------------------------------------------

TEST(HighZoneAllocator, AllocatesFromTheTopWithAlignment) {
    HighZone zone(0x1000'0000, 0x1100'0000);
    EXPECT_EQ(zone.allocate(131072, 64), 0x10fe'0000u);
    EXPECT_EQ(zone.allocate(10784, 4096), 0x10fd'd000u);
}

TEST(HighZoneAllocator, SmallBlockFillsSlackAboveAnAlignedOne) {
    HighZone zone(0x1000'0000, 0x1100'0000);
    zone.allocate(10784, 4096);                    // 0x10ffd000, 1504 bytes of slack above it
    EXPECT_EQ(zone.allocate(1024, 1024), 0x10ff'fc00u);
}

TEST(HighZoneAllocator, FreeingTheLowestBlockReturnsItsSpace) {
    HighZone zone(0x1000'0000, 0x1100'0000);
    zone.allocate(131072, 64);
    const auto vq = zone.allocate(10784, 4096);
    ASSERT_TRUE(vq);
    EXPECT_TRUE(zone.free(*vq));
    EXPECT_EQ(zone.giveback(), 16 * MiB - 128 * KiB);
}

TEST(HighZoneAllocator, FreeingABlockAboveAnotherLeavesAHole) {
    HighZone zone(0x1000'0000, 0x1100'0000);
    const auto top = zone.allocate(4096, 4096);
    zone.allocate(4096, 4096);
    ASSERT_TRUE(top);
    zone.free(*top);
    EXPECT_EQ(zone.giveback(), 16 * MiB - 8 * KiB);
}

TEST(HighZoneAllocator, GivebackRoundsDownToAPage) {
    HighZone zone(0x1000'0000, 0x1100'0000);
    zone.allocate(78, 16);
    EXPECT_EQ(zone.giveback(), 16 * MiB - 4 * KiB);
}

TEST(HighZoneAllocator, FreeOfAnUnknownAddressFails) {
    HighZone zone(0x1000'0000, 0x1100'0000);
    EXPECT_FALSE(zone.free(0x1000'0000));
}

// --- the boot sequence ---------------------------------------------------------------------------------

class HighZonePlanTest : public ::testing::Test {
protected:
    void SetUp() override { use_machine("pc", 512 * MiB); }

    void use_machine(const std::string& type, u64 ram) {
        machine = Machine{};
        machine.type = resolve_machine_type(type);
        machine.pci = PciTopology(machine.type.root_bus_name(), machine.type.family == MachineFamily::Q35);
        machine.memory.ram_size = ram;
        const u64 lowmem = machine.type.family == MachineFamily::Q35 ? 0x8000'0000 : 0xC000'0000;
        machine.memory.qemu_e820 = {{0, std::min(ram, lowmem), E820Type::Ram}};
        if (ram > lowmem) machine.memory.qemu_e820.push_back({4 * GiB, ram - lowmem, E820Type::Ram});
        found.clear();
        pending.clear();
        next_slot = 2;
    }

    // A function SeaBIOS found, its BAR0 (or BAR5 for AHCI, BAR4 for UHCI) at `bar`.
    void add(const std::string& driver, std::uint16_t vendor, std::uint16_t device, std::uint16_t class_code,
             u64 bar = 0xfebf'0000, int bar_index = 0, PropertyList properties = {}, std::string id = "") {
        PciNode node;
        node.id = std::move(id);
        node.devfn = {next_slot++, 0};
        node.function.driver = driver;
        node.function.vendor_id = vendor;
        node.function.device_id = device;
        node.function.class_code = class_code;
        node.properties = std::move(properties);
        node.where = "-device " + driver;
        const int bus = 0;
        machine.pci.add(bus, node);
        FoundFunction fn;
        fn.bars[static_cast<std::size_t>(bar_index)] = bar;
        pending.push_back(fn);
    }
    void virtio_blk() { add("virtio-blk-pci", 0x1af4, 0x1001, 0x0100, 0xc000, 0, {{{"drive", "d1"}}}); }
    void virtio_scsi() { add("virtio-scsi-pci", 0x1af4, 0x1004, 0x0100, 0xc040); }
    void nvme(bool drive, u64 bar = 0xfebf'0000) {
        PropertyList p{{{"serial", "x"}}};
        if (drive) p.entries.emplace_back("drive", "n1");
        add("nvme", 0x1b36, 0x0010, 0x0108, bar, 0, p);
    }
    void xhci(std::string id = "usb") { add("qemu-xhci", 0x1b36, 0x000d, 0x0c03, 0xfebf'0000, 0, {}, std::move(id)); }
    void uhci(std::string id = "usb") { add("piix3-usb-uhci", 0x8086, 0x7020, 0x0c03, 0xc080, 4, {}, std::move(id)); }
    void ich9_ehci_with_companions() {
        add("ich9-usb-ehci1", 0x8086, 0x293a, 0x0c03, 0xfebf'1000, 0, {}, "usb");
        for (int n = 0; n < 3; ++n) {
            PropertyList p{{{"masterbus", "usb.0"}, {"firstport", std::to_string(2 * n)}}};
            add(fmt::format("ich9-usb-uhci{}", n + 1), 0x8086, static_cast<std::uint16_t>(0x2934 + n), 0x0c03,
                static_cast<u64>(0xc0a0 + 0x20 * n), 4, p);
        }
    }
    void scsi_controller(std::string id) { add("virtio-scsi-pci", 0x1af4, 0x1004, 0x0100, 0xc040, 0, {}, std::move(id)); }
    // A -device that creates no PCI function (usb-*, scsi-*), with bus= and port= when given.
    void bus_device(std::string driver, std::optional<std::string> bus = std::nullopt, std::string port = "",
                    PropertyList properties = {}) {
        DeviceSpec d;
        d.driver = std::move(driver);
        d.bus = std::move(bus);
        d.properties = std::move(properties);
        if (!port.empty()) d.properties.entries.emplace_back("port", port);
        machine.bus_devices.push_back(d);
    }
    void use_release(std::string_view name) {
        const SeabiosRelease* found_release = find_seabios_release(name);
        ASSERT_NE(found_release, nullptr);
        release = *found_release;
    }
    std::size_t steps_named(const std::string& what) const {
        return static_cast<std::size_t>(std::count_if(plan.steps.begin(), plan.steps.end(), [&](const HighZoneStep& s) {
            return s.what.find(what) != std::string::npos;
        }));
    }

    // Kept bytes of ZoneHigh after the boot, as malloc_prepboot leaves them.
    u64 kept() {
        machine.pci.finish();
        found.clear();
        std::size_t i = 0;
        for (const auto& node : machine.pci.bus(0).devices) {
            FoundFunction fn = pending.at(i++);
            fn.node = &node;
            found.push_back(fn);
        }
        plan = plan_high_zone(machine, found, release.builtin_acpi, release.usb_hid);
        return BUILD_MAX_HIGHTABLE - high_zone_giveback(plan, ZONE_START, BUILD_MAX_HIGHTABLE);
    }

    Machine machine;
    std::vector<FoundFunction> pending;
    std::vector<FoundFunction> found;
    HighZonePlan plan;
    SeabiosRelease release = default_seabios_release();
    std::uint8_t next_slot = 2;
};

TEST_F(HighZonePlanTest, PlainMachineKeepsTheAcpiTables) { EXPECT_EQ(kept(), 128 * KiB); }

TEST_F(HighZonePlanTest, TwoVirtioScsiControllersRaceIndependently) {
    virtio_scsi();
    virtio_scsi();
    nvme(true);
    kept();
    // first only, second only, both; each ending before any of NVMe's 6 allocations (controller, admin
    // queues, I/O queues, bounce buffer)
    EXPECT_EQ(plan.alternative_steps.size(), 3u * 6u);
}

TEST_F(HighZonePlanTest, NoRaceMeansNoAlternativeOrder) {
    nvme(false);
    kept();
    EXPECT_TRUE(plan.alternative_steps.empty());
}

TEST_F(HighZonePlanTest, VirtioScsiNextToNvmeRacesAndTheOtherOrderKeepsLess) {
    virtio_scsi();
    nvme(true);
    const u64 usual = kept();
    ASSERT_EQ(plan.alternative_steps.size(), 6u);  // the scan may end before any of NVMe's 6 allocations
    std::set<u64> racing;
    for (const auto& steps : plan.alternative_steps) {
        HighZonePlan other;
        other.steps = steps;
        racing.insert(BUILD_MAX_HIGHTABLE - high_zone_giveback(other, ZONE_START, BUILD_MAX_HIGHTABLE));
    }
    EXPECT_LT(*racing.begin(), usual);  // the scan ending first keeps the least
    EXPECT_GT(racing.size(), 1u);       // and ending midway keeps something in between
}

TEST_F(HighZonePlanTest, VirtioBlkKeepsItsQueue) {
    virtio_blk();
    EXPECT_EQ(kept(), 140 * KiB);
}

TEST_F(HighZonePlanTest, VirtioBlkWith4KBlocksFailsBeforeItsQueue) {
    add("virtio-blk-pci", 0x1af4, 0x1001, 0x0100, 0xc000, 0, {{{"drive", "d1"}, {"logical_block_size", "4096"}}});
    EXPECT_EQ(kept(), 128 * KiB);
}

TEST_F(HighZonePlanTest, NvmeWithADriveKeepsQueuesAndBounceBuffer) {
    nvme(true);
    EXPECT_EQ(kept(), 164 * KiB);
}

TEST_F(HighZonePlanTest, NvmeWithoutADriveHasNoBounceBuffer) {
    nvme(false);
    EXPECT_EQ(kept(), 160 * KiB);
}

TEST_F(HighZonePlanTest, NvmeNamespaceDeviceMakesANamespaceActive) {
    PropertyList p{{{"serial", "x"}}};
    add("nvme", 0x1b36, 0x0010, 0x0108, 0xfebf'0000, 0, p, "nv0");
    DeviceSpec ns;
    ns.driver = "nvme-ns";
    ns.bus = "nv0";
    machine.bus_devices.push_back(ns);
    EXPECT_EQ(kept(), 164 * KiB);
}

TEST_F(HighZonePlanTest, TwoNvmeShareOneBounceBuffer) {
    nvme(true);
    nvme(false);
    EXPECT_EQ(kept(), 192 * KiB);
}

// -boot strict=on with a bootindex somewhere: SeaBIOS skips the virtio-blk, virtio-scsi and NVMe controllers
// the bootorder does not name (measured: libvirt's own command lines, bootindex on the first disk only).
TEST_F(HighZonePlanTest, StrictBootSkipsAVirtioBlkWithoutBootindex) {
    add("virtio-blk-pci", 0x1af4, 0x1001, 0x0100, 0xc000, 0, {{{"drive", "d1"}, {"bootindex", "1"}}});
    virtio_blk();
    machine.bootorder_halts = true;
    EXPECT_EQ(kept(), 140 * KiB);  // one queue, not two
}

TEST_F(HighZonePlanTest, WithoutHaltEveryVirtioBlkIsDriven) {
    add("virtio-blk-pci", 0x1af4, 0x1001, 0x0100, 0xc000, 0, {{{"drive", "d1"}, {"bootindex", "1"}}});
    virtio_blk();
    EXPECT_EQ(kept(), 152 * KiB);
}

TEST_F(HighZonePlanTest, StrictBootKeepsANvmeWhoseNamespaceHasABootindex) {
    add("nvme", 0x1b36, 0x0010, 0x0108, 0xfebf'0000, 0, {{{"serial", "x"}}}, "nv0");
    DeviceSpec ns;
    ns.driver = "nvme-ns";
    ns.bus = "nv0";
    ns.properties.entries.emplace_back("bootindex", "0");
    machine.bus_devices.push_back(ns);
    machine.bootorder_halts = true;
    EXPECT_EQ(kept(), 164 * KiB);
}

TEST_F(HighZonePlanTest, StrictBootSkipsAnNvmeAndAVirtioScsiWithoutBootindex) {
    nvme(true);
    virtio_scsi();
    add("virtio-blk-pci", 0x1af4, 0x1001, 0x0100, 0xc000, 0, {{{"drive", "d1"}, {"bootindex", "0x1"}}});
    machine.bootorder_halts = true;
    EXPECT_EQ(kept(), 140 * KiB);
    EXPECT_TRUE(plan.alternative_steps.empty());  // no scan left to race with NVMe
}

TEST_F(HighZonePlanTest, StrictBootSkipsAVirtioScsiWhoseDisksHaveNoBootindex) {
    add("virtio-scsi-pci", 0x1af4, 0x1004, 0x0100, 0xc040, 0, {}, "scsi0");
    DeviceSpec disk;
    disk.driver = "scsi-hd";
    disk.bus = "scsi0.0";
    machine.bus_devices.push_back(disk);
    virtio_blk();
    machine.bootorder_halts = true;  // some other device (a NIC) has the bootindex
    EXPECT_EQ(kept(), 128 * KiB);  // neither controller is driven, so the SCSI disk needs no model
}

TEST_F(HighZonePlanTest, ABootableDiskWithoutBusAmongTwoControllersIsRefused) {
    add("nvme", 0x1b36, 0x0010, 0x0108, 0xfebf'0000, 0, {{{"serial", "x"}}}, "nv0");
    add("nvme", 0x1b36, 0x0010, 0x0108, 0xfebe'0000, 0, {{{"serial", "y"}}}, "nv1");
    DeviceSpec ns;
    ns.driver = "nvme-ns";
    ns.properties.entries.emplace_back("bootindex", "1");
    machine.bus_devices.push_back(ns);
    machine.bootorder_halts = true;
    EXPECT_THROW(kept(), UnsupportedError);
}

TEST_F(HighZonePlanTest, NvmeWithItsBarAbove4GiBIsSkipped) {
    nvme(true, 0x8'0000'0000);
    EXPECT_EQ(kept(), 128 * KiB);
}

TEST_F(HighZonePlanTest, XhciWithoutDevicesFreesEverything) {
    xhci();
    EXPECT_EQ(kept(), 128 * KiB);
}

TEST_F(HighZonePlanTest, XhciFreedAboveAVirtioQueueLeavesAHole) {
    xhci();
    virtio_blk();
    EXPECT_EQ(kept(), 144 * KiB);
}

TEST_F(HighZonePlanTest, XhciNvmeAndThreeVirtioBlk) {
    virtio_blk();
    virtio_blk();
    virtio_blk();
    nvme(false);
    xhci();
    EXPECT_EQ(kept(), 196 * KiB);
}

TEST_F(HighZonePlanTest, VirtioScsiWithoutDisksFreesItsQueue) {
    virtio_scsi();
    EXPECT_EQ(kept(), 128 * KiB);
}

TEST_F(HighZonePlanTest, VirtioScsiFreedAboveNvmeLeavesAHoleAndANote) {
    virtio_scsi();
    nvme(true);
    EXPECT_EQ(kept(), 172 * KiB);
    EXPECT_EQ(plan.notes.size(), 1u);
}

TEST_F(HighZonePlanTest, Q35DefaultCdromKeepsItsAhciPort) {
    use_machine("q35", 512 * MiB);
    add("ich9-ahci", 0x8086, 0x2922, 0x0106, 0xfebf'1000, 5);
    machine.default_cdrom = true;
    EXPECT_EQ(kept(), 132 * KiB);
}

// libvirt's <controller type='sata'> beyond q35's own, and every SATA controller on pc: -device ich9-ahci,id=ID.
// Each port with a drive keeps a 1 KiB command list, a 256 B FIS and a 256 B command table, each aligned to
// its size; what ZoneHigh keeps is rounded up to a page.
TEST_F(HighZonePlanTest, PcAhciKeepsAPortForADriveOnItsBus) {
    add("ich9-ahci", 0x8086, 0x2922, 0x0106, 0xfebf'1000, 5, {}, "sata0");
    DeviceSpec disk;
    disk.driver = "ide-hd";
    disk.bus = "sata0.0";
    machine.bus_devices.push_back(disk);
    EXPECT_EQ(kept(), 132 * KiB);
}

TEST_F(HighZonePlanTest, PcAhciWithoutDrivesKeepsNothing) {
    add("ich9-ahci", 0x8086, 0x2922, 0x0106, 0xfebf'1000, 5, {}, "sata0");
    DeviceSpec disk;
    disk.driver = "ide-hd";  // no bus=: PIIX3's IDE takes it
    machine.bus_devices.push_back(disk);
    EXPECT_EQ(kept(), 128 * KiB);
}

TEST_F(HighZonePlanTest, Q35SecondAhciTakesOnlyTheDrivesNamingItsBuses) {
    use_machine("q35", 512 * MiB);
    add("ich9-ahci", 0x8086, 0x2922, 0x0106, 0xfebf'1000, 5);
    add("ich9-ahci", 0x8086, 0x2922, 0x0106, 0xfebf'2000, 5, {}, "sata1");
    DeviceSpec on_second;
    on_second.driver = "ide-cd";
    on_second.bus = "sata1.2";
    DeviceSpec on_chipset;
    on_chipset.driver = "ide-hd";
    on_chipset.bus = "ide.0";
    machine.bus_devices = {on_second, on_chipset, on_chipset};
    EXPECT_EQ(kept(), 136 * KiB);  // three ports: 5.5 KiB with the 1 KiB alignment of each list
}

TEST_F(HighZonePlanTest, PcDefaultCdromIsOnIdeAndKeepsNothing) {
    machine.default_cdrom = true;
    EXPECT_EQ(kept(), 128 * KiB);
}

TEST_F(HighZonePlanTest, FiveSocketsMoveSmbiosToZoneHigh) {
    machine.cpus = 5;
    machine.smp.max_cpus = 5;
    machine.smp.sockets = 5;
    EXPECT_EQ(kept(), 132 * KiB);
}

TEST_F(HighZonePlanTest, FourSocketsKeepSmbiosInTheFSegment) {
    machine.cpus = 4;
    machine.smp.max_cpus = 4;
    machine.smp.sockets = 4;
    EXPECT_EQ(kept(), 128 * KiB);
}

TEST_F(HighZonePlanTest, UsbTabletKeepsItsPipeAfterTheControllerFrees) {
    xhci();
    virtio_blk();
    DeviceSpec tablet;
    tablet.driver = "usb-tablet";
    machine.bus_devices.push_back(tablet);
    EXPECT_EQ(kept(), 144 * KiB);
}

TEST_F(HighZonePlanTest, UsbKeyboardKeepsTheController) {
    xhci();
    DeviceSpec kbd;
    kbd.driver = "usb-kbd";
    machine.bus_devices.push_back(kbd);
    EXPECT_EQ(kept(), 132 * KiB);
}

// Several USB devices: the kept sizes are those of real boots of the same devices on QEMU 7.2 with
// SeaBIOS 1.16.2 and 1.17.0 (-machine pc -m 512M).
TEST_F(HighZonePlanTest, TabletAndKeyboardOnXhciKeepTheControllerAndBothDevices) {
    xhci();
    bus_device("usb-tablet", "usb.0");
    bus_device("usb-kbd", "usb.0");
    EXPECT_EQ(kept(), 136 * KiB);
    EXPECT_EQ(steps_named("control pipe"), 2u);
    EXPECT_EQ(steps_named("free"), 0u);
}

TEST_F(HighZonePlanTest, TwoTabletsFreeTheXhciButKeepTheirPipesAndSlots) {
    xhci();
    bus_device("usb-tablet", "usb.0");
    bus_device("usb-tablet", "usb.0");
    EXPECT_EQ(kept(), 136 * KiB);
    EXPECT_EQ(steps_named("free 02.0 qemu-xhci"), 5u);  // no driver takes a tablet: "XHCI no devices found"
    EXPECT_EQ(steps_named("slot context"), 2u);         // never freed
}

TEST_F(HighZonePlanTest, SecondKeyboardGetsNoInterruptBufferOn116) {
    xhci();
    bus_device("usb-kbd", "usb.0");
    bus_device("usb-kbd", "usb.0");
    EXPECT_EQ(kept(), 136 * KiB);
    EXPECT_EQ(steps_named("interrupt buffer"), 1u);
}

TEST_F(HighZonePlanTest, EveryKeyboardGetsAnInterruptBufferOn117) {
    use_release("1.17.0");
    xhci();
    bus_device("usb-kbd", "usb.0");
    bus_device("usb-kbd", "usb.0");
    EXPECT_EQ(kept(), 136 * KiB);
    EXPECT_EQ(steps_named("interrupt buffer"), 2u);
}

TEST_F(HighZonePlanTest, DeviceOrderOnXhciDoesNotChangeWhatIsKept) {
    virtio_blk();
    xhci();
    bus_device("usb-kbd", "usb.0");
    bus_device("usb-tablet", "usb.0");
    bus_device("usb-mouse", "usb.0");
    const u64 keyboard_first = kept();
    machine.bus_devices.front().driver = "usb-tablet";
    machine.bus_devices[1].driver = "usb-mouse";
    machine.bus_devices[2].driver = "usb-kbd";
    EXPECT_EQ(kept(), keyboard_first);
}

TEST_F(HighZonePlanTest, HubWithAKeyboardBehindItIsTakenAndKeepsTheXhci) {
    xhci();
    bus_device("usb-tablet", "usb.0");
    bus_device("usb-hub", "usb.0", "2");
    bus_device("usb-kbd", "usb.0", "2.1");
    bus_device("usb-mouse", "usb.0", "2.2");
    EXPECT_EQ(kept(), 136 * KiB);
    EXPECT_EQ(steps_named("control pipe"), 4u);  // the hub is enumerated like any device
    EXPECT_EQ(steps_named("free"), 0u);
}

TEST_F(HighZonePlanTest, UhciWithOnlyATabletFreesItsSchedule) {
    uhci();
    bus_device("usb-tablet", "usb.0");
    EXPECT_EQ(kept(), 128 * KiB);
}

TEST_F(HighZonePlanTest, UhciWithAKeyboardKeepsItsSchedule) {
    uhci();
    bus_device("usb-kbd", "usb.0");
    EXPECT_EQ(kept(), 136 * KiB);
    EXPECT_EQ(steps_named("control pipe"), 0u);  // UHCI pipes are in ZoneTmpHigh and ZoneLow
}

TEST_F(HighZonePlanTest, HubOnAnIch9EhciPortGoesToThatPortsCompanion) {
    ich9_ehci_with_companions();
    bus_device("usb-hub", "usb.0", "3");
    bus_device("usb-kbd", "usb.0", "3.1");
    EXPECT_EQ(kept(), 144 * KiB);
    // The EHCI and the companions of ports 1-2 and 5-6 free their schedules; the one of ports 3-4 keeps its own.
    EXPECT_EQ(steps_named("free 04.0 ich9-usb-uhci2"), 0u);
    EXPECT_EQ(steps_named("free 02.0 ich9-usb-ehci1"), 3u);
    EXPECT_EQ(steps_named("free 03.0 ich9-usb-uhci1"), 4u);
}

TEST_F(HighZonePlanTest, IdleUhciRacesTheDevicesOfAnXhci) {
    uhci("uhci");
    xhci("xhci");
    bus_device("usb-kbd", "xhci.0");
    EXPECT_EQ(kept(), 132 * KiB);
    // the UHCI's frees before the keyboard's control pipe, slot context or interrupt buffer
    EXPECT_EQ(plan.alternative_steps.size(), 3u);
    EXPECT_EQ(plan.notes.size(), 1u);
}

TEST_F(HighZonePlanTest, FullSpeedHubOnAnEhciWithoutCompanionsIsUnsupported) {
    add("usb-ehci", 0x8086, 0x24cd, 0x0c03, 0xfebf'1000, 0, {}, "usb");
    bus_device("usb-hub", "usb.0");
    EXPECT_THROW(kept(), UnsupportedError);
}

TEST_F(HighZonePlanTest, UsbDeviceWithoutBusNextToTwoControllersIsUnsupported) {
    xhci("usb1");
    xhci("usb2");
    bus_device("usb-kbd");
    EXPECT_THROW(kept(), UnsupportedError);
}

TEST_F(HighZonePlanTest, KeyboardsOnTwoControllersRaceOn116AndAreUnsupported) {
    xhci("usb1");
    uhci("usb2");
    bus_device("usb-kbd", "usb1.0");
    bus_device("usb-kbd", "usb2.0");
    EXPECT_THROW(kept(), UnsupportedError);
}

TEST_F(HighZonePlanTest, KeyboardsOnTwoControllersAreBothTakenOn117) {
    use_release("1.17.0");
    xhci("usb1");
    uhci("usb2");
    bus_device("usb-kbd", "usb1.0");
    bus_device("usb-kbd", "usb2.0");
    kept();
    EXPECT_EQ(steps_named("free"), 0u);
}

TEST_F(HighZonePlanTest, PassedThroughUsbDeviceIsUnsupported) {
    xhci();
    bus_device("usb-host", "usb.0");
    EXPECT_THROW(kept(), UnsupportedError);
}

// virtio-scsi with SCSI devices: a registered LUN keeps the queue, and nothing is left to race with NVMe.
TEST_F(HighZonePlanTest, VirtioScsiWithADiskKeepsItsQueueAndDoesNotRace) {
    scsi_controller("scsi0");
    bus_device("scsi-hd", "scsi0.0");
    nvme(true);
    EXPECT_EQ(kept(), 172 * KiB);
    EXPECT_TRUE(plan.alternative_steps.empty());
    EXPECT_TRUE(plan.notes.empty());
}

TEST_F(HighZonePlanTest, VirtioScsiWithAnEmptyCdromKeepsItsQueue) {
    scsi_controller("scsi0");
    bus_device("scsi-cd", "scsi0.0");
    EXPECT_EQ(kept(), 140 * KiB);  // as a real pc with virtio-scsi and one disk
}

TEST_F(HighZonePlanTest, VirtioScsiWithOnly4KiBDisksFreesItsQueue) {
    scsi_controller("scsi0");
    bus_device("scsi-hd", "scsi0.0", "", {{{"logical_block_size", "4096"}}});
    EXPECT_EQ(kept(), 128 * KiB);
}

TEST_F(HighZonePlanTest, OnlyTheDisklessVirtioScsiControllerRacesNvme) {
    scsi_controller("scsi0");
    scsi_controller("scsi1");
    bus_device("scsi-hd", "scsi1.0");
    nvme(true);
    kept();
    EXPECT_EQ(plan.alternative_steps.size(), 6u);  // one controller, before any of NVMe's 6 allocations
}

// Real boots (QEMU 7.2 + 1.16.2, 10.0 + 1.17.0): the 4 KiB disk with the bootindex drives the controller and is
// rejected, the other disk is skipped under strict=on (kept 128 KiB) and registers without it (140 KiB).
TEST_F(HighZonePlanTest, StrictBootSkipsTheLunsWithoutBootindexOfADrivenVirtioScsi) {
    scsi_controller("scsi0");
    bus_device("scsi-hd", "scsi0.0", "", {{{"logical_block_size", "4096"}, {"bootindex", "1"}}});
    bus_device("scsi-hd", "scsi0.0");
    machine.bootorder_halts = true;
    EXPECT_EQ(kept(), 128 * KiB);
}

TEST_F(HighZonePlanTest, WithoutHaltEveryLunOfAVirtioScsiIsProbed) {
    scsi_controller("scsi0");
    bus_device("scsi-hd", "scsi0.0", "", {{{"logical_block_size", "4096"}, {"bootindex", "1"}}});
    bus_device("scsi-hd", "scsi0.0");
    EXPECT_EQ(kept(), 140 * KiB);
}

TEST_F(HighZonePlanTest, ScsiDiskWithoutBusNextToTwoControllersIsUnsupported) {
    scsi_controller("scsi0");
    scsi_controller("scsi1");
    bus_device("scsi-hd");
    EXPECT_THROW(kept(), UnsupportedError);
}

TEST_F(HighZonePlanTest, PassedThroughScsiDeviceIsUnsupported) {
    scsi_controller("scsi0");
    bus_device("scsi-generic", "scsi0.0");
    EXPECT_THROW(kept(), UnsupportedError);
}

TEST_F(HighZonePlanTest, TpmIsUnsupported) {
    DeviceSpec tpm;
    tpm.driver = "tpm-tis";
    machine.bus_devices.push_back(tpm);
    EXPECT_THROW(kept(), UnsupportedError);
}

// ACPI off: SeaBIOS 1.16's own tables. Real QEMU 7.2 + Debian's 1.16.2 keep 8 KiB for q35 with 1 or 8 CPUs
// and 16 KiB with maxcpus=64 and no HPET; pc (no PIIX4 PM without ACPI) keeps nothing.
TEST_F(HighZonePlanTest, AcpiOffQ35KeepsSeabiosOwnTables) {
    use_machine("q35", 1 * GiB);
    machine.acpi = false;
    EXPECT_EQ(kept(), 8 * KiB);
    // FADT, FACS, SSDT, MADT, HPET, MCFG, DSDT, RSDT: what acpi_setup allocates, in its order.
    std::vector<std::string> names;
    for (const auto& step : plan.steps) names.push_back(step.what);
    EXPECT_EQ(names, (std::vector<std::string>{"SeaBIOS's own ACPI FADT", "SeaBIOS's own ACPI FACS", "SeaBIOS's own ACPI SSDT",
                                               "SeaBIOS's own ACPI MADT", "SeaBIOS's own ACPI HPET", "SeaBIOS's own ACPI MCFG",
                                               "SeaBIOS's own ACPI DSDT", "SeaBIOS's own ACPI RSDT"}));
    machine.smp.max_cpus = 8;
    EXPECT_EQ(kept(), 8 * KiB);
}

TEST_F(HighZonePlanTest, AcpiOffTablesGrowWithThePossibleCpus) {
    use_machine("q35", 1 * GiB);
    machine.acpi = false;
    machine.hpet = false;
    machine.smp.max_cpus = 64;
    EXPECT_EQ(kept(), 16 * KiB);
}

TEST_F(HighZonePlanTest, AcpiOffPcBuildsNoTables) {
    machine.acpi = false;
    EXPECT_EQ(kept(), 0u);
}

TEST_F(HighZonePlanTest, AcpiOffOnARelease117BuildsNoTables) {
    use_machine("q35", 1 * GiB);
    machine.acpi = false;
    machine.pci.finish();
    plan = plan_high_zone(machine, {}, std::nullopt, SeabiosUsbHid::EveryKeyboardAndMouse);
    EXPECT_TRUE(plan.steps.empty());
}

TEST_F(HighZonePlanTest, AcpiTablesThatMayPassHalfThePaddingAreUnsupported) {
    machine.smp.max_cpus = 288;
    machine.memory_slots = 256;
    EXPECT_THROW(kept(), UnsupportedError);
}

// --- SMBIOS (QEMU 7.2 smbios_get_tables + SeaBIOS's type 0) --------------------------------------------

TEST_F(HighZonePlanTest, SmbiosLengthOfAPcWith512MiB) {
    // QEMU's etc/smbios/smbios-tables is 321 bytes; SeaBIOS adds its 67-byte type 0.
    EXPECT_EQ(smbios_table_length(machine), 321u + 67u);
}

TEST_F(HighZonePlanTest, SmbiosLengthOfAQ35With12GiB) {
    use_machine("q35", 12 * GiB);
    EXPECT_EQ(smbios_table_length(machine), 342u + 67u);
}

TEST_F(HighZonePlanTest, SmbiosLengthGrowsByATypeSeventeenPer16GiB) {
    use_machine("pc", 96 * GiB);
    EXPECT_EQ(smbios_table_length(machine), 619u + 67u);
}

}  // namespace
}  // namespace aperture::seabios

namespace aperture::seabios {
namespace {

Machine machine_with_bridges(BridgeKind kind, int count) {
    Machine machine;
    machine.type = resolve_machine_type("q35");
    machine.pci = PciTopology("pcie.0", true);
    for (int i = 0; i < count; ++i) {
        PciNode node;
        node.id = "b" + std::to_string(i);
        node.devfn = {static_cast<std::uint8_t>(i + 1), 0};
        node.function.class_code = 0x0604;
        BridgeSpec bridge;
        bridge.kind = kind;
        node.function.bridge = bridge;
        machine.pci.add(0, node);
    }
    return machine;
}

TEST(AcpiTablesBound, PciePortsCostLessThanConventionalBridges) {
    EXPECT_LT(acpi_tables_bound(machine_with_bridges(BridgeKind::PcieRootPort, 14)),
              acpi_tables_bound(machine_with_bridges(BridgeKind::PciBridge, 14)));
}

TEST(AcpiTablesBound, FourteenRootPortsStayWithinThePaddedBlob) {
    EXPECT_LE(acpi_tables_bound(machine_with_bridges(BridgeKind::PcieRootPort, 14)), 64 * KiB);
}

}  // namespace
}  // namespace aperture::seabios
