#pragma once
// The SeaBIOS releases aperture models, as data: each one's identity and the facts the model reads that
// a release may change. What every modelled release shares stays in firmware/seabios/seabios_layout.hpp.

#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/address.hpp"
#include "firmware/firmware_release.hpp"
#include "firmware/seabios/builtin_acpi.hpp"

namespace aperture {

// src/fw/paravirt.c physbits(): whether pci_setup learns the CPU's address width (CPUPhysBits).
enum class SeabiosPhysBits {
    Ignored,    // 1.16.2: no such function; the 64-bit window is never bounded
    QemuQuirk,  // 1.16.3 (90eeb0c8): CPUID 0x80000008 trusted when >= 41, Intel 36/39 or AMD 40; 36/32 without long mode
};

// src/fw/pciinit.c pci_setup: when every 64-bit BAR goes above 4 GiB (pci_pad_mem64), whether or not the
// 32-bit window could hold it.
enum class SeabiosMem64Padding {
    OnlyOnOverflow,        // 1.16.2
    TrustedPhysBits,       // 1.16.3 (96a8d130): CPUPhysBits >= 36, long mode and RAM above 4 GiB
    FwCfgElseRamAbove4G,   // 1.17.0 (df9dd418): opt/org.seabios/pci64, else RAM above 4 GiB; never without long mode
};

// src/fw/pciinit.c pci_bios_check_devices: what an empty-ish hotplug bridge window gets.
enum class SeabiosHotplugWindow {
    EmptyGetsAlignment,     // 1.16.2: a window with nothing behind it is one alignment unit
    ShortGetsAlignment,     // 1.16.3: any window smaller than its alignment grows to it; padded 64-bit
                            //   prefetchable windows are aligned to top/2048 even when a BAR needs more
    ShortGetsRaisedAlignment,  // 1.17.0 (e5f2e4c6): as 1.16.3, top/2048 only ever raises the alignment
};

// src/hw/usb-hid.c usb_kbd_setup / usb_mouse_setup: how many USB keyboards and mice get a driver.
enum class SeabiosUsbHid {
    FirstKeyboardAndMouse,  // 1.16: "this enables the first found keyboard (could be random)", the same for mice
    EveryKeyboardAndMouse,  // 1.17.0 (a list of pipes, usb-hid.c add_pipe_node): each gets its interrupt pipe
};

struct SeabiosRelease {
    FirmwareIdentity identity;
    // src/fw/dev-q35.h Q35_HOST_BRIDGE_PCIEXBAR_ADDR: SeaBIOS's own copy of QEMU's default ECAM base, which
    // it programs into the MCH and reserves in e820 (seabios_release.cpp pins it to QEMU's).
    u64 q35_pciexbar_addr;
    // The build's VERSION string, part of the SMBIOS type 0 table SeaBIOS adds (src/fw/biostables.c).
    std::string_view build_version;
    // The same release as Debian's backports build it (the image users of a backported QEMU get): identical
    // but for VERSION, whose 8 more characters lengthen the SMBIOS type 0 table, which the model does not
    // follow (it only matters where the SMBIOS table already spills into ZoneHigh). Empty when there is none.
    std::string_view backport_build_version;
    SeabiosPhysBits phys_bits;
    // pci_setup: the 64-bit window ends at 2^CPUPhysBits capped at 2^cap_bits (a6ed6b70: 46 bits; ec0bc256: 44 bits,
    // lifted while RAM above 4 GiB reaches 1 TiB); 0 where the release never bounds it.
    unsigned mem64_top_cap_bits;
    bool mem64_cap_lifted_by_1tib_ram;
    SeabiosMem64Padding padding;
    SeabiosHotplugWindow hotplug_window;
    // pci_bios_map_devices (1e1da7a9): a window overlapping an e820 entry moves down by its own size.
    bool steps_below_e820_entries;
    // src/fw/acpi.c: the tables the build makes itself when QEMU gives none (acpi=off); nullopt from 1.17.0
    // (35aa9a72), which builds none. AML sizes read from the DSDT/SSDT headers in Debian's bios-256k.bin.
    std::optional<SeabiosBuiltinAcpi> builtin_acpi;
    SeabiosUsbHid usb_hid;
};

// Debian's builds of 1.16.2 and 1.16.3 compile the same AML (4585-byte DSDT, 388-byte ssdt-misc, 162-byte
// ssdt-proc whose Processor() starts at 78, 121-byte ssdt-pcihp whose slot Device() starts at 82).
inline constexpr SeabiosBuiltinAcpi kDebianSeabios116Acpi{4585, 388, 162 - 78, 121 - 82};

inline constexpr std::array kSeabiosReleases{
    SeabiosRelease{{FirmwareKind::SeaBios, "1.16.2", "seabios-1.16.2", "SeaBIOS 1.16.2", "rel-1.16.2", "Debian 1.16.2-1", ReleaseEvidence::RealBinary},
                   0xB000'0000, "1.16.2-debian-1.16.2-1", "", SeabiosPhysBits::Ignored, 0, false,
                   SeabiosMem64Padding::OnlyOnOverflow, SeabiosHotplugWindow::EmptyGetsAlignment, false, kDebianSeabios116Acpi,
                   SeabiosUsbHid::FirstKeyboardAndMouse},
    SeabiosRelease{{FirmwareKind::SeaBios, "1.16.3", "seabios-1.16.3", "SeaBIOS 1.16.3", "rel-1.16.3", "Debian 1.16.3-2", ReleaseEvidence::RealBinary},
                   0xB000'0000, "1.16.3-debian-1.16.3-2", "1.16.3-debian-1.16.3-2~bpo12+1", SeabiosPhysBits::QemuQuirk, 46, false,
                   SeabiosMem64Padding::TrustedPhysBits, SeabiosHotplugWindow::ShortGetsAlignment, true, kDebianSeabios116Acpi,
                   SeabiosUsbHid::FirstKeyboardAndMouse},
    SeabiosRelease{{FirmwareKind::SeaBios, "1.17.0", "seabios-1.17.0", "SeaBIOS 1.17.0", "rel-1.17.0", "Debian 1.17.0-1", ReleaseEvidence::RealBinary},
                   0xB000'0000, "1.17.0-debian-1.17.0-1", "1.17.0-debian-1.17.0-1~bpo13+1", SeabiosPhysBits::QemuQuirk, 44, true,
                   SeabiosMem64Padding::FwCfgElseRamAbove4G, SeabiosHotplugWindow::ShortGetsRaisedAlignment, true, std::nullopt,
                   SeabiosUsbHid::EveryKeyboardAndMouse},
};

// Debian 12's release: what aperture models unless asked for another.
const SeabiosRelease& default_seabios_release();
// "1.16.2"; nullptr for a release aperture does not model.
const SeabiosRelease* find_seabios_release(std::string_view name);
std::vector<std::string> seabios_release_names();

}  // namespace aperture
