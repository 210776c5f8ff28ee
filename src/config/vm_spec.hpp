#pragma once
// What the user asked for, independent of how it was written (QEMU command line today, libvirt domain
// XML later). Readers fill this in and check syntax; the machine model checks meaning.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/address.hpp"

namespace aperture {

// Where a value came from, so an error can point at it ("argument 7 (-device ...)", "domain.xml:42").
struct SourceLocation {
    std::string text;  // human-readable: "argument 7: -device pci-testdev,membar=3G"
};

// An option's key=value list in the order written ("pcie-root-port,id=rp1,chassis=1").
struct PropertyList {
    std::vector<std::pair<std::string, std::string>> entries;

    const std::string* find(const std::string& key) const;
    bool has(const std::string& key) const { return find(key) != nullptr; }
};

struct MachineSpec {
    std::string type = "pc";  // as written: "q35", "pc", "pc-q35-7.2", ...; "pc" is QEMU's default
    std::optional<u64> max_ram_below_4g;
    std::string accel = "tcg";  // "tcg" | "kvm"
    PropertyList other;         // properties not listed above, checked by the machine model
    SourceLocation where;
    std::optional<SourceLocation> type_where;  // where the type was named; nullopt: QEMU's default
};

struct MemorySpec {
    u64 size = 128 * MiB;  // QEMU's default -m
    unsigned slots = 0;
    std::optional<u64> maxmem;
    SourceLocation where;
};

struct CpuSpec {
    std::string model;  // empty: the machine's default (qemu64 on x86_64)
    std::optional<unsigned> phys_bits;
    std::optional<bool> host_phys_bits;
    std::optional<unsigned> host_phys_bits_limit;
    std::optional<unsigned> guest_phys_bits;  // guest-phys-bits= (QEMU 9.1+)
    std::optional<std::string> vendor;  // vendor=GenuineIntel
    std::map<std::string, bool> flags;  // +pdpe1gb / pdpe1gb=on / -lm ...
    PropertyList other;                 // non-boolean properties not listed above: level=13, model-id=...
    SourceLocation where;
};

// -smp as QEMU 7.2 resolves it (hw/core/machine-smp.c machine_parse_smp_config); VmSpec::cpus is smp.cpus.
struct SmpSpec {
    unsigned max_cpus = 1;
    unsigned sockets = 1;
    unsigned dies = 1;
    unsigned cores = 1;
    unsigned threads = 1;
    SourceLocation where;
};

struct DeviceSpec {
    std::string driver;  // "pcie-root-port", "vfio-pci", ...
    std::string id;      // empty when not given
    std::optional<std::string> bus;
    std::optional<std::string> addr;  // "03.0", "0x3", "3"
    bool multifunction = false;
    PropertyList properties;  // everything else, in order
    SourceLocation where;
    // The -device argument exactly as written, for QEMU's messages ("-device X: ..."); empty for
    // devices QEMU creates itself or from other options.
    std::string written;
};

struct GlobalSpec {
    std::string driver;
    std::string property;
    std::string value;
    SourceLocation where;
    // A compat property QEMU marks optional (GlobalProperty.optional): skipped where the device lacks it.
    bool optional = false;
};

struct FwCfgSpec {
    std::string name;
    std::optional<std::string> string_value;  // string=...
    std::optional<std::string> file;          // file=...
    std::optional<std::string> gen_id;        // gen_id=... (content made by a -object, e.g. vmgenid)
    SourceLocation where;
};

struct MemoryBackendSpec {
    std::string type;  // memory-backend-ram, -file, -memfd
    std::string id;
    u64 size = 0;
    SourceLocation where;
};

enum class FirmwareKind { Default, SeaBios, Ovmf };

struct FirmwareSpec {
    FirmwareKind kind = FirmwareKind::Default;
    std::string image;       // the -bios, pflash unit 0 or <loader> file as given; empty when none is named
    std::string vars_image;  // pflash unit 1 (the UEFI variable store) as given; empty when none
    SourceLocation where;
};

// -vga and the default devices QEMU adds unless -nodefaults.
struct DefaultsSpec {
    bool nodefaults = false;
    std::optional<std::string> vga;  // -vga TYPE
    bool default_vga = true;         // QEMU's default_vga: cleared by -nodefaults, any -vga, and a -device or
                                     // -global naming a driver in vl.c's default_list (VGA, cirrus-vga, ...)
    bool default_nic = true;         // QEMU's default_net: cleared by -nodefaults, -nic, -net and -netdev
    std::vector<std::string> nic_models;  // -nic MODEL / -net nic,model=MODEL (empty string: default model)
};

// Something the reader accepted but wants the user to know: an option ignored although it can matter,
// or a warning QEMU itself prints.
struct InputNote {
    std::string text;
    SourceLocation where;
};

// A drive on the machine's own disk controller (-cdrom, -hda..-hdd, -drive if=ide): on q35 an AHCI port
// (00:1f.2), on pc the PIIX IDE. It creates no PCI function, but SeaBIOS's drivers allocate for it.
struct LegacyDrive {
    bool cdrom = false;
    unsigned index = 0;  // QEMU's drive index: -hda 0 ... -hdd 3, -cdrom 2
    SourceLocation where;
};

// Which description a VmSpec was read from, so a report can say where a choice came from.
enum class SpecOrigin { QemuCommandLine, LibvirtDomain };

struct VmSpec {
    SpecOrigin origin = SpecOrigin::QemuCommandLine;
    MachineSpec machine;
    MemorySpec memory;
    CpuSpec cpu;
    unsigned cpus = 1;
    SmpSpec smp;
    std::vector<DeviceSpec> devices;  // in command-line order: QEMU realizes them in that order
    std::vector<GlobalSpec> globals;
    std::vector<FwCfgSpec> fw_cfg;
    std::vector<MemoryBackendSpec> memory_backends;
    // -numa node entries (libvirt: <numa> cells): QEMU's numa_state->num_nodes, which bounds a pxb's numa_node= and
    // sizes SeaBIOS's own SRAT; RAM is laid out as one block.
    unsigned numa_nodes = 0;
    FirmwareSpec firmware;
    DefaultsSpec defaults;
    std::vector<LegacyDrive> legacy_drives;
    // -boot strict=on (libvirt always passes it): with a bootindex anywhere, QEMU's bootorder ends in HALT.
    bool boot_strict = false;
    std::vector<InputNote> notes;
};

}  // namespace aperture
