#pragma once
// A QEMU release's x86 machine as built from a VmSpec: everything QEMU decides before firmware runs.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "config/vm_spec.hpp"
#include "machine/cpu_model.hpp"
#include "machine/machine_type.hpp"
#include "machine/memory_layout.hpp"
#include "machine/pci_topology.hpp"

namespace aperture {

struct Machine {
    MachineType type;
    Accelerator accel = Accelerator::Tcg;
    GuestCpu cpu;
    MemoryLayout memory;
    PciTopology pci{"pcie.0", true};
    FirmwareKind firmware = FirmwareKind::SeaBios;
    std::vector<FwCfgSpec> fw_cfg;
    // What QEMU's ACPI and SMBIOS tables and SeaBIOS's boot drivers depend on beyond the PCI tree
    // (firmware/seabios/high_zone.cpp).
    unsigned cpus = 1;                    // -smp cpus
    SmpSpec smp;                          // the topology QEMU resolved (SMBIOS type 4 count, CPU AML)
    unsigned memory_slots = 0;            // -m slots= (memory hotplug AML)
    bool acpi = true;                     // false for -machine acpi=off / -no-acpi: QEMU builds no ACPI tables
    bool hpet = true;                     // false for -machine hpet=off / -no-hpet
    unsigned numa_nodes = 0;              // -numa node entries, or the node memory hotplug implies (SeaBIOS SRAT)
    bool default_cdrom = false;           // softmmu/vl.c default_cdrom: an empty CD-ROM at IDE/AHCI index 2
    std::vector<DeviceSpec> bus_devices;  // -device entries that create no PCI function (usb-*, scsi-*, ide-*, ...)
    // QEMU's bootorder ends in HALT (machine/boot_order.hpp): SeaBIOS skips drivers of devices it does not name.
    bool bootorder_halts = false;
    // An Intel IGD passed through, and what QEMU asks the firmware to place for it (devices/vfio_igd.hpp).
    std::optional<IgdAssignment> igd;
    std::vector<std::string> notes;  // things the report should say (ignored options, assumptions)
};

// The machine, or the message QEMU prints when it refuses the command line before any firmware runs.
struct MachineBuild {
    std::optional<Machine> machine;
    std::string refusal;
    // A partially known machine for reports of a refusal (type, CPU and memory as far as computed).
    std::optional<Machine> partial;
};

struct HostContext {
    std::optional<HostCpu> cpu;  // needed only for KVM guests that copy the host
    // The functions vfio-pci devices pass through, by host PCI address ("0000:41:00.0"; a missing
    // domain means 0000). The host probe fills this from sysfs; today the CLI maps names from the
    // passthrough catalog.
    std::map<std::string, PciFunctionSpec> passthrough;
    // The IGD registers of those functions that are Intel IGDs, when the probe could read them (as root).
    std::map<std::string, IgdRegisters> igd_registers;
    // The sizes of romfile= files of the user's own (an IGD's video BIOS), by path as written: QEMU's
    // own ROMs are known by name (devices/option_rom.hpp), a user's file only from here.
    std::map<std::string, u64> rom_files;
};

// "41:00.0" -> "0000:41:00.0": the form HostContext::passthrough is keyed by.
std::string normalize_host_pci_address(const std::string& address);

// The machine `release` builds (its machine types and their compat facts: machine/qemu_release.hpp).
// Throws InputError/UnsupportedError for input aperture cannot accept; a refusal is a prediction.
MachineBuild build_qemu_machine(const VmSpec& spec, const HostContext& host, const QemuRelease& release);

}  // namespace aperture
