#include "input/qemu_command_line.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <limits>
#include <map>
#include <set>
#include <string_view>

#include "core/error.hpp"
#include "core/qemu_refusal.hpp"
#include "core/size_parse.hpp"
#include "devices/qdev_alias.hpp"
#include "input/args_file.hpp"
#include "input/qemu_option_syntax.hpp"

namespace aperture {

namespace {

using qemu_syntax::parse_bool;
using qemu_syntax::parse_number;

// ---------------------------------------------------------------------------------------------------------
// The option table: every option qemu-system-x86_64 7.2 knows (qemu-options.hx), checked against the
// installed 7.2 binary: an option with Argument::Required makes QEMU say "requires an argument" when it
// is last, an unknown one makes it say "invalid option".

enum class Argument { None, Required };

enum class Use {
    Read,              // shapes the address map: read into the VmSpec
    Ignored,           // does not change the guest-physical map: accepted, argument consumed
    NotModelled,       // would change the map in a way aperture does not model: refused
    NotForThisTarget,  // QEMU knows it but refuses it on x86_64 ("Option not supported for this target")
    Query,             // prints information and exits: describes no VM
};

struct OptionInfo {
    std::string_view name;
    Argument argument;
    Use use;
};

constexpr auto R = Argument::Required;
constexpr auto N = Argument::None;

constexpr std::array kOptions{
    OptionInfo{"D", R, Use::Ignored},
    OptionInfo{"L", R, Use::Ignored},
    OptionInfo{"M", R, Use::Read},
    OptionInfo{"S", N, Use::Ignored},
    OptionInfo{"accel", R, Use::Read},
    OptionInfo{"acpitable", R, Use::Ignored},
    OptionInfo{"action", R, Use::Ignored},
    OptionInfo{"add-fd", R, Use::Ignored},
    OptionInfo{"append", R, Use::Ignored},
    OptionInfo{"async-teardown", N, Use::Ignored},
    OptionInfo{"audio", R, Use::Read},
    OptionInfo{"audio-help", N, Use::Query},
    OptionInfo{"audiodev", R, Use::Ignored},
    OptionInfo{"bios", R, Use::Read},
    OptionInfo{"blockdev", R, Use::Read},
    OptionInfo{"boot", R, Use::Read},
    OptionInfo{"cdrom", R, Use::Read},
    OptionInfo{"chardev", R, Use::Ignored},
    OptionInfo{"chroot", R, Use::Ignored},
    OptionInfo{"compat", R, Use::Ignored},
    OptionInfo{"cpu", R, Use::Read},
    OptionInfo{"d", R, Use::Ignored},
    OptionInfo{"daemonize", N, Use::Ignored},
    OptionInfo{"debugcon", R, Use::Ignored},  // an ISA I/O-port device: no guest-physical memory
    OptionInfo{"device", R, Use::Read},
    OptionInfo{"dfilter", R, Use::Ignored},
    OptionInfo{"display", R, Use::Ignored},
    OptionInfo{"drive", R, Use::Read},
    OptionInfo{"dtb", R, Use::Ignored},
    OptionInfo{"dump-vmstate", R, Use::Ignored},
    OptionInfo{"echr", R, Use::Ignored},
    OptionInfo{"enable-kvm", N, Use::Read},
    OptionInfo{"enable-sync-profile", N, Use::Ignored},
    OptionInfo{"fda", R, Use::Ignored},
    OptionInfo{"fdb", R, Use::Ignored},
    OptionInfo{"fsdev", R, Use::Ignored},
    OptionInfo{"full-screen", N, Use::Ignored},
    OptionInfo{"fw_cfg", R, Use::Read},
    OptionInfo{"g", R, Use::NotForThisTarget},
    OptionInfo{"gdb", R, Use::Ignored},
    OptionInfo{"global", R, Use::Read},
    OptionInfo{"h", N, Use::Query},
    OptionInfo{"hda", R, Use::Read},
    OptionInfo{"hdb", R, Use::Read},
    OptionInfo{"hdc", R, Use::Read},
    OptionInfo{"hdd", R, Use::Read},
    OptionInfo{"help", N, Use::Query},
    OptionInfo{"icount", R, Use::Ignored},
    OptionInfo{"incoming", R, Use::Ignored},
    OptionInfo{"initrd", R, Use::Ignored},
    OptionInfo{"iscsi", R, Use::Ignored},
    OptionInfo{"k", R, Use::Ignored},
    OptionInfo{"kernel", R, Use::Ignored},
    OptionInfo{"loadvm", R, Use::Ignored},
    OptionInfo{"m", R, Use::Read},
    OptionInfo{"machine", R, Use::Read},
    OptionInfo{"mem-path", R, Use::Ignored},
    OptionInfo{"mem-prealloc", N, Use::Ignored},
    OptionInfo{"mon", R, Use::Ignored},
    OptionInfo{"monitor", R, Use::Ignored},
    OptionInfo{"msg", R, Use::Ignored},
    OptionInfo{"mtdblock", R, Use::Read},
    OptionInfo{"name", R, Use::Ignored},
    OptionInfo{"net", R, Use::Read},
    OptionInfo{"netdev", R, Use::Read},
    OptionInfo{"nic", R, Use::Read},
    OptionInfo{"no-acpi", N, Use::Read},
    OptionInfo{"no-fd-bootchk", N, Use::Ignored},
    OptionInfo{"no-hpet", N, Use::Read},
    OptionInfo{"no-reboot", N, Use::Ignored},
    OptionInfo{"no-shutdown", N, Use::Ignored},
    OptionInfo{"no-user-config", N, Use::Ignored},
    OptionInfo{"nodefaults", N, Use::Read},
    OptionInfo{"nographic", N, Use::Ignored},
    OptionInfo{"numa", R, Use::Read},
    OptionInfo{"object", R, Use::Read},
    OptionInfo{"old-param", N, Use::NotForThisTarget},
    OptionInfo{"only-migratable", N, Use::Ignored},
    OptionInfo{"option-rom", R, Use::Read},
    OptionInfo{"overcommit", R, Use::Ignored},
    OptionInfo{"parallel", R, Use::Ignored},
    OptionInfo{"pflash", R, Use::Read},
    OptionInfo{"pidfile", R, Use::Ignored},
    OptionInfo{"plugin", R, Use::Ignored},
    OptionInfo{"portrait", N, Use::Ignored},
    OptionInfo{"preconfig", N, Use::Ignored},
    OptionInfo{"prom-env", R, Use::NotForThisTarget},
    OptionInfo{"qmp", R, Use::Ignored},
    OptionInfo{"qmp-pretty", R, Use::Ignored},
    OptionInfo{"qtest", R, Use::Ignored},
    OptionInfo{"qtest-log", R, Use::Ignored},
    OptionInfo{"readconfig", R, Use::NotModelled},
    OptionInfo{"rotate", R, Use::Ignored},
    OptionInfo{"rtc", R, Use::Ignored},
    OptionInfo{"runas", R, Use::Ignored},
    OptionInfo{"s", N, Use::Ignored},
    OptionInfo{"sandbox", R, Use::Ignored},
    OptionInfo{"sd", R, Use::Read},
    OptionInfo{"seed", R, Use::Ignored},
    OptionInfo{"semihosting", N, Use::NotForThisTarget},
    OptionInfo{"semihosting-config", R, Use::NotForThisTarget},
    OptionInfo{"serial", R, Use::Ignored},
    OptionInfo{"set", R, Use::NotModelled},
    OptionInfo{"singlestep", N, Use::Ignored},
    OptionInfo{"smbios", R, Use::Ignored},
    OptionInfo{"smp", R, Use::Read},
    OptionInfo{"snapshot", N, Use::Ignored},
    OptionInfo{"spice", R, Use::Ignored},
    OptionInfo{"tpmdev", R, Use::Ignored},  // the TPM device itself is a -device
    OptionInfo{"trace", R, Use::Ignored},
    OptionInfo{"usb", N, Use::Read},
    OptionInfo{"usbdevice", R, Use::Read},
    OptionInfo{"uuid", R, Use::Ignored},
    OptionInfo{"version", N, Use::Query},
    OptionInfo{"vga", R, Use::Read},
    OptionInfo{"virtfs", R, Use::Read},
    OptionInfo{"vnc", R, Use::Ignored},
    OptionInfo{"watchdog-action", R, Use::Ignored},
    OptionInfo{"win2k-hack", N, Use::Ignored},
    OptionInfo{"xen-attach", N, Use::NotForThisTarget},
    OptionInfo{"xen-domid", R, Use::NotForThisTarget},
    OptionInfo{"xen-domid-restrict", N, Use::NotForThisTarget},
};

const OptionInfo* find_option(std::string_view name) {
    for (const auto& option : kOptions) {
        if (option.name == name) return &option;
    }
    return nullptr;
}

// softmmu/vl.c default_list: a -device or -global naming one of these drivers clears default_vga.
constexpr std::array kDefaultVgaDrivers{"VGA",         "isa-vga",    "cirrus-vga", "isa-cirrus-vga",
                                         "vmware-svga", "qxl-vga",    "virtio-vga", "ati-vga",
                                         "vhost-user-vga", "virtio-vga-gl"};

bool clears_default_vga(std::string_view driver) {
    return std::find(kDefaultVgaDrivers.begin(), kDefaultVgaDrivers.end(), driver) != kDefaultVgaDrivers.end();
}

// Accelerators compiled into Debian's qemu-system-x86_64 7.2 ("-accel help").
bool is_known_accelerator(std::string_view name) { return name == "tcg" || name == "kvm"; }

// include/standard-headers/linux/qemu_fw_cfg.h: FW_CFG_MAX_FILE_PATH is 56, with the NUL.
constexpr std::size_t kFwCfgMaxName = 55;

// hw/core/machine.c machine_set_mem: the RAM size is rounded up to 8 KiB.
constexpr u64 kRamSizeAlignment = 8 * KiB;

// hw/i386/pc.c: default_ram_size of every pc machine.
constexpr u64 kDefaultRamSize = 128 * MiB;

std::string lower(std::string_view text) {
    std::string out(text);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::string basename_of(std::string_view path) {
    const auto slash = path.rfind('/');
    return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

// A firmware image is OVMF when its file name says so; anything else is taken for SeaBIOS.
FirmwareKind firmware_kind_from_file_name(std::string_view path) {
    const std::string name = lower(basename_of(path));
    if (name.find("ovmf") != std::string::npos || name.find("edk2") != std::string::npos) return FirmwareKind::Ovmf;
    return FirmwareKind::SeaBios;
}

// "pc-i440fx-6.1" -> {6, 1}; nullopt for "pc", "q35" (the 7.2 aliases) and anything unversioned.
std::optional<std::pair<int, int>> machine_version(std::string_view type) {
    const auto dash = type.rfind('-');
    if (!type.starts_with("pc-") || dash == std::string_view::npos) return std::nullopt;
    std::string_view version = type.substr(dash + 1);
    const auto dot = version.find('.');
    if (dot == std::string_view::npos) return std::nullopt;
    int major = 0;
    int minor = 0;
    auto [p1, e1] = std::from_chars(version.data(), version.data() + dot, major);
    auto [p2, e2] = std::from_chars(version.data() + dot + 1, version.data() + version.size(), minor);
    if (e1 != std::errc() || e2 != std::errc() || p1 != version.data() + dot || p2 != version.data() + version.size()) {
        return std::nullopt;
    }
    return std::make_pair(major, minor);
}

// One option met on the command line, with the word after it when it takes one.
struct OptionUse {
    const OptionInfo* info = nullptr;
    std::string word;                   // as written: "--device" stays "--device"
    std::optional<std::string> argument;
    SourceLocation where;               // "argument 5 (-device pci-testdev,membar=3G)"
};

// A size property of an option: "Parameter 'size' expects ..." as QEMU's QEMU_OPT_SIZE parser says it.
u64 parse_opts_size(const std::string& value, const std::string& key, const SourceLocation& where) {
    auto size = parse_size(value);
    if (size) return *size;
    if (qemu_syntax::looks_like_size(value)) {
        throw InputError(where.text + ": Value '" + value + "' is out of range for parameter '" + key + "'");
    }
    throw InputError(where.text + ": Parameter '" + key + "' expects a non-negative number below 2^64");
}

// The -drive "if=" names of blockdev.c if_name[].
constexpr std::array kDriveInterfaces{"none", "ide", "scsi", "floppy", "pflash", "mtd", "sd", "virtio", "xen"};

// net/net.c: the -netdev/-net/-nic backend types of the 7.2 build (NetClientDriver).
constexpr std::array kNetBackends{"user", "tap", "l2tpv3", "socket", "stream", "dgram", "vde",
                                  "bridge", "hubport", "netmap", "vhost-user", "vhost-vdpa"};

bool is_net_backend(std::string_view type) {
    return std::find(kNetBackends.begin(), kNetBackends.end(), type) != kNetBackends.end();
}

// softmmu/vl.c vga_interfaces[], in enum order (select_vgahw matches them as prefixes in that order).
struct VgaInterface {
    std::string_view option_name;
    std::string_view human_name;
    bool available;  // its device class is in the x86_64 build
};
constexpr std::array kVgaInterfaces{
    VgaInterface{"none", "no graphic card", true},     VgaInterface{"std", "standard VGA", true},
    VgaInterface{"cirrus", "Cirrus VGA", true},        VgaInterface{"vmware", "VMWare SVGA", true},
    VgaInterface{"qxl", "QXL VGA", true},              VgaInterface{"tcx", "TCX framebuffer", false},
    VgaInterface{"cg3", "CG3 framebuffer", false},     VgaInterface{"virtio", "Virtio VGA", true},
};

// hw/audio/soundhw.c: the -audio models of the x86_64 build and the devices each creates.
struct SoundCard {
    std::string_view model;
    std::array<std::string_view, 2> drivers;  // "" when unused
};
constexpr std::array kSoundCards{
    SoundCard{"ac97", {"AC97", ""}},          SoundCard{"adlib", {"adlib", ""}},
    SoundCard{"cs4231a", {"cs4231a", ""}},    SoundCard{"es1370", {"ES1370", ""}},
    SoundCard{"gus", {"gus", ""}},            SoundCard{"hda", {"intel-hda", "hda-duplex"}},
    SoundCard{"sb16", {"sb16", ""}},
};

// A -blockdev node, enough to follow -machine pflash0=NODE to a file name.
struct BlockNode {
    std::string filename;  // filename= or file.filename=
    std::string child;     // file=NODE
};

struct PflashDrive {
    std::string file;
    SourceLocation where;
};

// ---------------------------------------------------------------------------------------------------------

class CommandLineReader {
public:
    CommandLineReader(const ArgsFileLoader& load, const QemuRelease& qemu) : load_(load), qemu_(qemu) {}

    VmSpec read(std::vector<LocatedArg> args) {
        expand_leading_args_file(args);
        std::size_t index = skip_binary(args);
        while (index < args.size()) {
            const LocatedArg& arg = args[index];
            if (arg.text.empty() || arg.text[0] != '-') {
                if (arg.text.starts_with("@")) {
                    splice_args_file(args, index);
                } else {
                    ++index;  // a disk image for IDE unit 0: the IDE controller is built in
                }
                continue;
            }
            OptionUse use = lookup(args, index);
            read_option(use);
        }
        finish();
        return std::move(spec_);
    }

private:
    // ---- splitting the words --------------------------------------------------------------------------

    void expand_leading_args_file(std::vector<LocatedArg>& args) {
        if (args.empty() || !args[0].text.starts_with("@")) return;
        const LocatedArg file = args[0];
        splice_args_file(args, 0);
        // An empty command line is QEMU's default VM, but an empty file is far more often a wrong file.
        if (args.empty()) {
            throw InputError(file.origin + " (" + file.text + "): the file holds no QEMU arguments (only blanks or comments); "
                             "to plan QEMU's default VM say so: -- -machine pc");
        }
    }

    void splice_args_file(std::vector<LocatedArg>& args, std::size_t index) {
        if (++args_files_read_ > 64) {
            throw InputError(args[index].origin + " (" + args[index].text + "): too many @files (a file including itself?)");
        }
        const std::string path = args[index].text.substr(1);
        std::vector<LocatedArg> words = split_args_text_located(load_(path), path);
        args.erase(args.begin() + static_cast<std::ptrdiff_t>(index));
        args.insert(args.begin() + static_cast<std::ptrdiff_t>(index), words.begin(), words.end());
    }

    // The first word may name the qemu binary. Returns the index of the first option.
    std::size_t skip_binary(const std::vector<LocatedArg>& args) {
        if (args.empty() || args[0].text.empty() || args[0].text[0] == '-') return 0;
        const std::string name = basename_of(args[0].text);
        if (name == "qemu-system-x86_64") return 1;
        if (name == "qemu-kvm" || name == "kvm") {
            // vl.c configure_accelerators: a program name ending in "kvm" prefers KVM.
            binary_prefers_kvm_ = true;
            return 1;
        }
        if (name.starts_with("qemu-system-") || name.starts_with("qemu-")) {
            throw InputError(args[0].origin + " (" + args[0].text + "): only qemu-system-x86_64 is modelled; '" + name +
                             "' builds a different machine");
        }
        return 0;  // a disk image
    }

    // vl.c lookup_opt: "--foo" is "-foo"; an option that takes an argument takes the next word.
    OptionUse lookup(const std::vector<LocatedArg>& args, std::size_t& index) {
        const LocatedArg& word = args[index];
        std::string_view name = word.text;
        name.remove_prefix(1);
        if (name.starts_with("-")) name.remove_prefix(1);
        OptionUse use;
        use.word = word.text;
        use.info = find_option(name);
        if (use.info == nullptr) {
            // Proxmox VE's pve-qemu-kvm adds -id and -loadstate: its command lines have their own reader.
            const bool proxmox = name == "id" || name == "loadstate";
            throw InputError(word.origin + " (" + word.text + "): invalid option (" + qemu_name() + " has no option '" +
                             word.text + "')" + (proxmox ? "; it is Proxmox VE's: read `qm showcmd` output with --proxmox-cmd FILE" : ""));
        }
        ++index;
        if (use.info->argument == Argument::Required) {
            if (index >= args.size()) throw InputError(word.origin + " (" + word.text + "): requires an argument");
            use.argument = args[index].text;
            ++index;
        }
        use.where.text = word.origin + " (" + word.text + (use.argument ? " " + *use.argument : "") + ")";
        return use;
    }

    // ---- one option -----------------------------------------------------------------------------------

    [[noreturn]] static void fail(const SourceLocation& where, const std::string& message) {
        throw InputError(where.text + ": " + message);
    }
    // QEMU reads the option and refuses it with this message (exit 1, not an input aperture cannot read).
    [[noreturn]] static void refuse(const SourceLocation& where, const std::string& message) {
        throw QemuRefusal(where.text + ": " + message);
    }

    void note(const SourceLocation& where, std::string text) { spec_.notes.push_back({std::move(text), where}); }
    // "QEMU 7.2": how messages name the release the command line is read for.
    std::string qemu_name() const { return std::string(qemu_.display_name); }

    static void refuse_help(const OptionUse& use) {
        fail(use.where, "asks QEMU to print help and exit; it describes no VM");
    }

    void read_option(const OptionUse& use) {
        const std::string_view name = use.info->name;
        switch (use.info->use) {
            case Use::Ignored:
                if (name == "smbios") {
                    note(use.where, "-smbios is not modelled: SeaBIOS keeps the SMBIOS tables in ZoneHigh once they pass 600 "
                                    "bytes, so the reserved e820 entry below 4 GiB may be 4 KiB larger than shown");
                }
                return;
            case Use::Query:
                fail(use.where, "asks QEMU to print information and exit; it describes no VM");
            case Use::NotForThisTarget:
                fail(use.where, "Option not supported for this target");
            case Use::NotModelled:
                if (name == "set") fail(use.where, "-set is not modelled by aperture; write the property into the option it changes");
                if (name == "readconfig" && use.argument && use.argument->starts_with("/usr/share/qemu-server/")) {
                    fail(use.where, "-readconfig is read only for Proxmox VE: read `qm showcmd` output with --proxmox-cmd FILE");
                }
                fail(use.where, "-" + std::string(name) + " is not modelled by aperture; give the options on the command line");
            case Use::Read:
                break;
        }
        const std::string& arg = use.argument ? *use.argument : empty_;
        if (name == "machine" || name == "M") return read_machine(use, arg);
        if (name == "accel") return read_accel(use, arg);
        if (name == "enable-kvm") return set_machine_property("accel", "kvm", use.where);
        if (name == "m") return read_memory(use, arg);
        if (name == "cpu") return read_cpu(use, arg);
        if (name == "smp") return read_smp(use, arg);
        if (name == "device") return read_device(use, arg);
        if (name == "global") return read_global(use, arg);
        if (name == "fw_cfg") return read_fw_cfg(use, arg);
        if (name == "object") return read_object(use, arg);
        if (name == "bios") return set_firmware_file(arg, use.where);
        if (name == "drive") return read_drive(use, arg);
        // softmmu/vl.c: -hda..-hdd are IDE drives 0-3, -cdrom is drive index 2 with media=cdrom.
        if (name == "cdrom") return add_legacy_drive(true, 2, use.where);
        if (name.size() == 3 && name.starts_with("hd")) return add_legacy_drive(false, static_cast<unsigned>(name[2] - 'a'), use.where);
        if (name == "pflash") return add_pflash_drive(std::nullopt, arg, use.where);
        if (name == "sd") fail(use.where, "machine type does not support if=sd,bus=0,unit=0");
        if (name == "mtdblock") fail(use.where, "machine type does not support if=mtd,bus=0,unit=0");
        if (name == "blockdev") return read_blockdev(use, arg);
        if (name == "nodefaults") {
            spec_.defaults.nodefaults = true;
            return;
        }
        if (name == "vga") return read_vga(use, arg);
        if (name == "nic") return read_nic(use, arg);
        if (name == "net") return read_net(use, arg);
        if (name == "netdev") return read_netdev(use, arg);
        if (name == "virtfs") return read_virtfs(use, arg);
        if (name == "audio") return read_audio(use, arg);
        if (name == "usb" || name == "usbdevice") return set_machine_property("usb", "on", use.where);
        if (name == "no-acpi") return set_machine_property("acpi", "off", use.where);
        if (name == "no-hpet") {
            note(use.where, qemu_name() + " warns: -no-hpet is deprecated, use '-machine hpet=off' instead");
            return set_machine_property("hpet", "off", use.where);
        }
        if (name == "numa") return read_numa(use, arg);
        if (name == "boot") return read_boot(use, arg);
        if (name == "option-rom") {
            note(use.where, "-option-rom is accepted but not modelled: the firmware copies the ROM into the "
                            "legacy option ROM area (0xc0000-0xeffff)");
            return;
        }
        fail(use.where, "internal error: option table and reader disagree");
    }

    // A QemuOpts list that keeps one set of options per id (all but -m).
    static qemu_syntax::QemuOpts parse_opts(const std::string& arg, const char* implied_key, const OptionUse& use) {
        auto parsed = qemu_syntax::parse_qemu_opts(arg, implied_key);
        if (parsed.help) refuse_help(use);
        qemu_syntax::check_id(parsed, use.where.text);
        return parsed;
    }

    // ---- -boot -------------------------------------------------------------------------------------------

    // softmmu/vl.c boot-opts (merged across -boot options), handed to the machine's "boot" property
    // (qapi BootConfiguration); only strict= changes the map, through SeaBIOS (machine/boot_order.hpp).
    void read_boot(const OptionUse& use, const std::string& arg) {
        static constexpr std::array keys{"order", "once", "menu", "splash", "splash-time", "reboot-timeout", "strict"};
        auto parsed = qemu_syntax::parse_qemu_opts(arg, "order");
        if (parsed.help) refuse_help(use);
        for (const auto& [key, value] : parsed.entries.entries) {
            if (std::find(keys.begin(), keys.end(), key) == keys.end()) refuse(use.where, "Parameter 'boot." + key + "' is unexpected");
            if (key != "strict" && key != "menu") continue;
            const std::optional<bool> on = parse_bool(value);
            if (!on) refuse(use.where, "Parameter 'boot." + key + "' expects 'on' or 'off'");
            if (key == "strict") spec_.boot_strict = *on;
        }
    }

    // ---- -machine, -accel -------------------------------------------------------------------------------

    void set_machine_property(const std::string& key, const std::string& value, const SourceLocation& where) {
        machine_properties_.entries.emplace_back(key, value);
        machine_where_[key] = where;
    }

    void read_machine(const OptionUse& use, const std::string& arg) {
        auto parsed = qemu_syntax::parse_keyval(arg, "type", use.where.text);
        if (parsed.help) refuse_help(use);
        for (auto& [key, value] : parsed.entries.entries) {
            if (key == "type" && (value == "help" || value == "?")) refuse_help(use);
            if (key.starts_with("smp.")) {
                add_smp_value(key.substr(4), value, use.where);
                continue;
            }
            if (key == "memory" || key.starts_with("memory.")) {
                fail(use.where, "-machine " + key + " is not modelled by aperture; use -m");
            }
            set_machine_property(key, value, use.where);
        }
        last_machine_where_ = use.where;
    }

    void read_accel(const OptionUse& use, const std::string& arg) {
        auto parsed = qemu_syntax::parse_qemu_opts(arg, "accel");
        qemu_syntax::check_id(parsed, use.where.text);
        const std::string* accel = parsed.entries.find("accel");
        if (parsed.help || accel == nullptr || *accel == "help" || *accel == "?") {
            fail(use.where, "asks QEMU to list its accelerators and exit; it describes no VM");
        }
        accel_options_.push_back({*accel, use.where});
    }

    // ---- -m -----------------------------------------------------------------------------------------------

    void read_memory(const OptionUse& use, const std::string& arg) {
        auto parsed = qemu_syntax::parse_qemu_opts(arg, "size");
        if (parsed.help) refuse_help(use);
        if (parsed.id) fail(use.where, "Invalid parameter 'id'");  // the list merges: it has no ids
        for (const auto& [key, value] : parsed.entries.entries) {
            if (key == "size" || key == "maxmem") {
                parse_opts_size(value, key, use.where);
            } else if (key == "slots") {
                if (!parse_number(value)) fail(use.where, "Parameter 'slots' expects a number");
            } else {
                fail(use.where, "Invalid parameter '" + key + "'");
            }
            memory_options_[key] = value;  // -m options merge; a later key wins
        }
        memory_where_ = use.where;
    }

    // ---- -cpu ---------------------------------------------------------------------------------------------

    void read_cpu(const OptionUse& use, const std::string& arg) {
        // vl.c keeps the last -cpu; target/i386/cpu.c x86_cpu_parse_featurestr splits the rest on ','.
        if (arg.empty()) fail(use.where, "-cpu option cannot be empty");
        CpuSpec cpu;
        cpu.where = use.where;
        const auto comma = arg.find(',');
        cpu.model = arg.substr(0, comma);
        if (cpu.model == "help" || cpu.model == "?") refuse_help(use);
        std::vector<std::string> plus;
        std::vector<std::string> minus;
        std::string features = comma == std::string::npos ? "" : arg.substr(comma + 1);
        std::size_t pos = 0;
        while (pos <= features.size()) {
            const auto end = std::min(features.find(',', pos), features.size());
            std::string feature = features.substr(pos, end - pos);
            pos = end + 1;
            if (feature.empty()) continue;
            if (feature[0] == '+') {
                plus.push_back(feature_property_name(feature.substr(1)));
            } else if (feature[0] == '-') {
                minus.push_back(feature_property_name(feature.substr(1)));
            } else {
                const auto eq = feature.find('=');
                const std::string name = feature_property_name(feature.substr(0, eq));
                const std::string value = eq == std::string::npos ? "on" : feature.substr(eq + 1);
                if (std::find(plus.begin(), plus.end(), name) != plus.end() ||
                    std::find(minus.begin(), minus.end(), name) != minus.end()) {
                    note(use.where, qemu_name() + " warns: Ambiguous CPU model string. Don't mix both \"+" + name +
                                        "\" and \"" + name + "=" + value + "\"");
                }
                set_cpu_property(cpu, name, value);
            }
        }
        // x86_cpu_expand_features: "+feature" and "-feature" are applied after feature=value, "-" last.
        for (const auto& name : plus) set_cpu_property(cpu, name, "on");
        for (const auto& name : minus) set_cpu_property(cpu, name, "off");
        spec_.cpu = std::move(cpu);
    }

    // feat2prop: "phys_bits" is the property "phys-bits".
    static std::string feature_property_name(std::string name) {
        std::replace(name.begin(), name.end(), '_', '-');
        return name;
    }

    static void set_cpu_property(CpuSpec& cpu, const std::string& name, const std::string& value) {
        auto bad_value = [&](const std::string& expected) {
            fail(cpu.where, "can't apply global " + cpu.model + "-x86_64-cpu." + name + "=" + value + ": Parameter '" +
                                name + "' expects " + expected);
        };
        if (name == "phys-bits" || name == "guest-phys-bits" || name == "host-phys-bits-limit") {
            auto bits = parse_number(value);
            if (!bits) bad_value("uint64");
            if (name != "host-phys-bits-limit") {
                if (*bits > std::numeric_limits<u32>::max()) bad_value("uint32_t");
                (name == "phys-bits" ? cpu.phys_bits : cpu.guest_phys_bits) = static_cast<unsigned>(*bits);
            } else {
                if (*bits > 0xff) bad_value("uint8_t");
                cpu.host_phys_bits_limit = static_cast<unsigned>(*bits);
            }
        } else if (name == "host-phys-bits") {
            auto on = parse_bool(value);
            if (!on) bad_value("'on' or 'off'");
            cpu.host_phys_bits = *on;
        } else if (name == "vendor") {
            cpu.vendor = value;
        } else if (auto on = parse_bool(value)) {
            cpu.flags[name] = *on;
        } else {
            cpu.other.entries.emplace_back(name, value);
        }
    }

    // ---- -smp ---------------------------------------------------------------------------------------------

    void read_smp(const OptionUse& use, const std::string& arg) {
        auto parsed = qemu_syntax::parse_keyval(arg, "cpus", use.where.text);
        if (parsed.help) refuse_help(use);
        for (const auto& [key, value] : parsed.entries.entries) add_smp_value(key, value, use.where);
    }

    void add_smp_value(const std::string& key, const std::string& value, const SourceLocation& where) {
        static constexpr std::array keys{"cpus", "sockets", "dies", "clusters", "cores", "threads", "maxcpus"};
        if (std::find(keys.begin(), keys.end(), key) == keys.end()) {
            fail(where, "Parameter 'smp." + key + "' is unexpected");
        }
        auto number = parse_uint(value);
        if (!number) fail(where, "Parameter 'smp." + key + "' expects integer");
        if (*number > std::numeric_limits<u32>::max()) {
            fail(where, "Parameter 'smp." + key + "' is " + value + ", more than aperture models (2^32 - 1)");
        }
        smp_values_[key] = static_cast<unsigned>(*number);
        smp_where_ = where;
    }

    // ---- -device, -global ---------------------------------------------------------------------------------

    void read_device(const OptionUse& use, const std::string& arg) {
        DeviceSpec device;
        device.where = use.where;
        device.written = arg;
        PropertyList properties;
        const bool from_json = arg.starts_with("{");
        if (from_json) {
            properties = qemu_syntax::parse_json_object(arg, use.where.text);
            // QEMU 7.2 does not check the form of a JSON device's id.
            if (const std::string* id = properties.find("id")) {
                device.id = *id;
                std::erase_if(properties.entries, [](const auto& entry) { return entry.first == "id"; });
            }
        } else {
            auto parsed = parse_opts(arg, "driver", use);
            properties = std::move(parsed.entries);
            if (parsed.id) device.id = *parsed.id;
        }
        for (auto& [key, value] : properties.entries) {
            if (key == "driver") {
                device.driver = value;
            } else if (key == "bus") {
                device.bus = value;
            } else if (key == "addr") {
                device.addr = value;
            } else if (key == "multifunction") {
                auto on = parse_bool(value);
                if (!on) fail(use.where, "Parameter 'multifunction' expects 'on' or 'off'");
                device.multifunction = *on;
            } else {
                device.properties.entries.emplace_back(key, value);
            }
        }
        if (!properties.has("driver")) fail(use.where, "Parameter 'driver' is missing");
        if (device.driver.empty()) fail(use.where, "'' is not a valid device model name");
        if (device.driver == "help" || device.driver == "?") refuse_help(use);
        if (const std::string* value = device.properties.find("help"); value && *value == "on") refuse_help(use);
        // qdev_device_add creates the aliased type: every later rule (-global, firmware drivers) sees that name.
        device.driver = canonical_device_driver(device.driver);
        // The QemuOpts list refuses a duplicate id while reading; a JSON device meets the others when it is
        // created, after all of them (finish_devices).
        if (!from_json && !device.id.empty() && !device_ids_.insert(device.id).second) {
            refuse(use.where, "Duplicate ID '" + device.id + "' for device");
        }
        if (clears_default_vga(device.driver)) default_vga_cleared_ = true;
        if (device.driver == "vmgenid") {
            // hw/acpi/vmgenid.c: no PCI function; the firmware allocates the GUID's page from RAM below 4 GiB.
            note(use.where, "-device vmgenid is not a PCI device: its 4 KiB GUID page is allocated by the firmware from RAM "
                            "below 4 GiB (SeaBIOS: in ZoneHigh, so the reserved e820 entry below 4 GiB may be 4 KiB larger "
                            "than shown)");
            return;
        }
        (from_json ? json_devices_ : qemu_opts_devices_).push_back(std::move(device));
    }

    void read_global(const OptionUse& use, const std::string& arg) {
        GlobalSpec global;
        global.where = use.where;
        if (!split_dotted_global(arg, global)) {
            // qdev-monitor.c qemu_global_option: else the QemuOpts form, without an implied key.
            auto parsed = parse_opts(arg, nullptr, use);
            for (const auto& [key, value] : parsed.entries.entries) {
                if (key != "driver" && key != "property" && key != "value") fail(use.where, "Invalid parameter '" + key + "'");
            }
            const std::string* driver = parsed.entries.find("driver");
            const std::string* property = parsed.entries.find("property");
            const std::string* value = parsed.entries.find("value");
            if (driver == nullptr || property == nullptr || value == nullptr) {
                fail(use.where, "options 'driver', 'property', and 'value' are required");
            }
            global.driver = *driver;
            global.property = *property;
            global.value = *value;
        }
        if (clears_default_vga(global.driver)) default_vga_cleared_ = true;
        spec_.globals.push_back(std::move(global));
    }

    // sscanf(str, "%63[^.=].%63[^=]%n") followed by '=': "driver.property=value", the value taken whole.
    static bool split_dotted_global(const std::string& arg, GlobalSpec& global) {
        constexpr std::size_t limit = 63;
        std::size_t dot = 0;
        while (dot < arg.size() && dot < limit && arg[dot] != '.' && arg[dot] != '=') ++dot;
        if (dot == 0 || dot >= arg.size() || arg[dot] != '.') return false;
        const std::size_t property_start = dot + 1;
        std::size_t eq = property_start;
        while (eq < arg.size() && eq - property_start < limit && arg[eq] != '=') ++eq;
        if (eq == property_start || eq >= arg.size() || arg[eq] != '=') return false;
        global.driver = arg.substr(0, dot);
        global.property = arg.substr(property_start, eq - property_start);
        global.value = arg.substr(eq + 1);
        return true;
    }

    // ---- -fw_cfg, -object ---------------------------------------------------------------------------------

    void read_fw_cfg(const OptionUse& use, const std::string& arg) {
        auto parsed = parse_opts(arg, "name", use);
        FwCfgSpec item;
        item.where = use.where;
        for (const auto& [key, value] : parsed.entries.entries) {
            if (key == "name") item.name = value;
            else if (key == "file") item.file = value;
            else if (key == "string") item.string_value = value;
            else if (key == "gen_id") item.gen_id = value;
            else fail(use.where, "Invalid parameter '" + key + "'");
        }
        // vl.c parse_fw_cfg: an empty value counts as absent.
        auto given = [](const std::optional<std::string>& v) { return v && !v->empty(); };
        if (item.name.empty() || given(item.file) + given(item.string_value) + given(item.gen_id) != 1) {
            fail(use.where, "name, plus exactly one of file, string and gen_id, are needed");
        }
        if (!given(item.file)) item.file.reset();
        if (!given(item.string_value)) item.string_value.reset();
        if (!given(item.gen_id)) item.gen_id.reset();
        if (item.name.size() > kFwCfgMaxName) fail(use.where, "name too long (max. 55 char)");
        if (!item.gen_id && !item.name.starts_with("opt/")) {
            note(use.where, qemu_name() + " warns: externally provided fw_cfg item names should be prefixed with \"opt/\"");
        }
        for (const auto& earlier : spec_.fw_cfg) {
            if (earlier.name == item.name) fail(use.where, "duplicate fw_cfg file name: " + item.name);
        }
        spec_.fw_cfg.push_back(std::move(item));
    }

    void read_object(const OptionUse& use, const std::string& arg) {
        PropertyList properties;
        std::optional<std::string> id;
        if (arg.starts_with("{")) {
            properties = qemu_syntax::parse_json_object(arg, use.where.text);
            if (const std::string* value = properties.find("id")) id = *value;
        } else {
            auto parsed = parse_opts(arg, "qom-type", use);
            properties = std::move(parsed.entries);
            id = parsed.id;
        }
        const std::string* type = properties.find("qom-type");
        if (type == nullptr) fail(use.where, "Parameter 'qom-type' is missing");
        if (*type == "help" || *type == "?") refuse_help(use);
        if (!id) fail(use.where, "Parameter 'id' is missing");
        if (!qemu_syntax::is_well_formed_id(*id)) {
            fail(use.where, "Parameter 'id' expects an identifier (letters, digits, '-', '.', '_', starting with a letter)");
        }
        if (!object_ids_.insert(*id).second) refuse(use.where, "Duplicate ID '" + *id + "' for object");

        if (*type == "memory-backend-ram" || *type == "memory-backend-file" || *type == "memory-backend-memfd") {
            MemoryBackendSpec backend;
            backend.type = *type;
            backend.id = *id;
            backend.where = use.where;
            const std::string* size = properties.find("size");
            if (size == nullptr) fail(use.where, "Parameter 'size' is missing");
            auto bytes = parse_size(*size);
            if (!bytes) fail(use.where, "Parameter 'size' expects a size value");
            if (*bytes == 0) fail(use.where, "property 'size' of " + *type + " doesn't take value '0'");
            backend.size = *bytes;
            spec_.memory_backends.push_back(std::move(backend));
        } else if (*type == "memory-backend-epc") {
            fail(use.where, "SGX EPC memory (memory-backend-epc) is not modelled by aperture");
        } else if (type->starts_with("memory-backend-")) {
            fail(use.where, "Parameter 'qom-type' does not accept value '" + *type + "'");
        } else if (*type == "sev-guest" || *type == "sev-snp-guest" || *type == "tdx-guest") {
            fail(use.where, *type + " is not modelled by aperture: confidential guests lose guest-physical address bits");
        }
    }

    // ---- firmware: -bios, -drive if=pflash, -pflash, -blockdev --------------------------------------------

    void set_firmware_file(const std::string& file, const SourceLocation& where) {
        firmware_file_ = file;
        firmware_file_where_ = where;
    }

    void read_drive(const OptionUse& use, const std::string& arg) {
        auto parsed = parse_opts(arg, nullptr, use);
        if (parsed.id && !drive_ids_.insert(*parsed.id).second) refuse(use.where, "Duplicate ID '" + *parsed.id + "' for drive");
        const PropertyList& opts = parsed.entries;
        const std::string interface = opts.find("if") ? *opts.find("if") : "ide";
        if (std::find(kDriveInterfaces.begin(), kDriveInterfaces.end(), interface) == kDriveInterfaces.end()) {
            fail(use.where, "unsupported bus type '" + interface + "'");
        }
        if (opts.has("addr")) {
            fail(use.where, qemu_name() + " -drive has no option 'addr'; give the address to a -device instead");
        }
        std::optional<u64> unit;
        for (const char* key : {"unit", "index"}) {
            if (const std::string* value = opts.find(key)) {
                unit = parse_number(*value);
                if (!unit) fail(use.where, std::string("invalid ") + key + " '" + *value + "'");
            }
        }
        if (interface == "pflash") {
            return add_pflash_drive(unit, opts.find("file") ? *opts.find("file") : "", use.where);
        }
        if (interface == "virtio") return add_virtio_drive(unit, parsed.id, use.where);
        if (interface == "ide") {
            const std::string* media = opts.find("media");
            const bool cdrom = media && *media == "cdrom";
            unsigned index = 0;
            if (unit) {
                index = static_cast<unsigned>(*unit);
            } else {
                while (legacy_indexes_.contains(index)) ++index;  // blockdev.c drive_new: the first free index
            }
            return add_legacy_drive(cdrom, index, use.where);
        }
        if (interface == "scsi" || interface == "mtd" || interface == "sd" || interface == "xen") {
            fail(use.where, "machine type does not support if=" + interface + ",bus=0,unit=" + std::to_string(unit.value_or(0)));
        }
    }

    void add_legacy_drive(bool cdrom, unsigned index, const SourceLocation& where) {
        if (!legacy_indexes_.insert(index).second) {
            fail(where, "drive with bus=" + std::to_string(index / 2) + ", unit=" + std::to_string(index % 2) + " (index=" +
                            std::to_string(index) + ") exists");
        }
        spec_.legacy_drives.push_back({cdrom, index, where});
    }

    // blockdev.c drive_new: a pflash drive without unit= or index= takes the first free unit.
    void add_pflash_drive(std::optional<u64> unit, const std::string& file, const SourceLocation& where) {
        u64 chosen = 0;
        if (unit) {
            chosen = *unit;
            if (pflash_drives_.contains(chosen)) {
                fail(where, "drive with bus=0, unit=" + std::to_string(chosen) + " (index=-1) exists");
            }
        } else {
            while (pflash_drives_.contains(chosen)) ++chosen;
        }
        // hw/i386/pc_sysfw.c: two flash devices; a third drive is left without a device.
        if (chosen >= 2) fail(where, "machine type does not support if=pflash,bus=0,unit=" + std::to_string(chosen));
        pflash_drives_[chosen] = {file, where};
    }

    // blockdev.c drive_new: if=virtio adds "-device virtio-blk-pci,drive=ID" after the -device options.
    void add_virtio_drive(std::optional<u64> unit, const std::optional<std::string>& id, const SourceLocation& where) {
        u64 chosen = unit.value_or(0);
        if (!unit) {
            while (virtio_drive_units_.contains(chosen)) ++chosen;
        } else if (virtio_drive_units_.contains(chosen)) {
            fail(where, "drive with bus=0, unit=" + std::to_string(chosen) + " (index=-1) exists");
        }
        virtio_drive_units_.insert(chosen);
        DeviceSpec device;
        device.driver = "virtio-blk-pci";
        device.properties.entries.emplace_back("drive", id.value_or("virtio" + std::to_string(chosen)));
        device.where = where;
        drive_devices_.push_back(std::move(device));
    }

    void read_blockdev(const OptionUse& use, const std::string& arg) {
        PropertyList properties;
        if (arg.starts_with("{")) {
            properties = qemu_syntax::parse_json_object(arg, use.where.text);
        } else {
            auto parsed = qemu_syntax::parse_keyval(arg, "driver", use.where.text);
            if (parsed.help) refuse_help(use);
            properties = std::move(parsed.entries);
        }
        const std::string* node_name = properties.find("node-name");
        if (node_name == nullptr) return;
        BlockNode node;
        if (const std::string* filename = properties.find("filename")) node.filename = *filename;
        else if (const std::string* nested = properties.find("file.filename")) node.filename = *nested;
        if (const std::string* child = properties.find("file")) node.child = *child;
        block_nodes_[*node_name] = node;
    }

    // Follows "pflash0=NODE" through file=NODE links to a file name.
    std::string resolve_block_node(const std::string& node_name, const SourceLocation& where) const {
        std::string name = node_name;
        for (int depth = 0; depth < 16; ++depth) {
            auto it = block_nodes_.find(name);
            if (it == block_nodes_.end()) {
                fail(where, "Property 'cfi.pflash01.drive' can't find value '" + name + "'");
            }
            if (!it->second.filename.empty()) return it->second.filename;
            if (it->second.child.empty()) return "";
            name = it->second.child;
        }
        fail(where, "the -blockdev nodes under '" + node_name + "' form a loop");
    }

    // ---- default devices: -vga, -nic, -net, -netdev --------------------------------------------------------

    void read_vga(const OptionUse& use, const std::string& arg) {
        if (arg == "help") refuse_help(use);
        const VgaInterface* match = nullptr;
        std::string_view rest;
        for (const auto& vga : kVgaInterfaces) {
            if (std::string_view(arg).starts_with(vga.option_name)) {
                match = &vga;
                rest = std::string_view(arg).substr(vga.option_name.size());
                break;
            }
        }
        if (match == nullptr) fail(use.where, "unknown vga type: " + arg);
        if (!match->available) fail(use.where, std::string(match->human_name) + " not available");
        // select_vgahw: only ",retrace=dumb" and ",retrace=precise" may follow.
        while (!rest.empty()) {
            constexpr std::string_view retrace = ",retrace=";
            if (!rest.starts_with(retrace)) fail(use.where, "unknown vga type: " + arg);
            rest.remove_prefix(retrace.size());
            if (rest.starts_with("dumb")) rest.remove_prefix(4);
            else if (rest.starts_with("precise")) rest.remove_prefix(7);
            else fail(use.where, "unknown vga type: " + arg);
        }
        spec_.defaults.vga = std::string(match->option_name);
        default_vga_cleared_ = true;
    }

    void read_nic(const OptionUse& use, const std::string& arg) {
        auto parsed = parse_opts(arg, "type", use);
        default_net_cleared_ = true;
        const std::string* type = parsed.entries.find("type");
        if (type && *type == "none") return;
        if (type && *type == "help") refuse_help(use);
        if (type && !is_net_backend(*type)) fail(use.where, "Parameter 'type' does not accept value '" + *type + "'");
        const std::string* model = parsed.entries.find("model");
        if (model && (*model == "help" || *model == "?")) refuse_help(use);
        spec_.defaults.nic_models.push_back(model ? *model : "");
    }

    void read_net(const OptionUse& use, const std::string& arg) {
        auto parsed = parse_opts(arg, "type", use);
        default_net_cleared_ = true;
        const std::string* type = parsed.entries.find("type");
        if (type == nullptr) fail(use.where, "Parameter 'type' is missing");
        if (*type == "help") refuse_help(use);
        if (*type == "none") return;
        if (*type == "nic") {
            const std::string* model = parsed.entries.find("model");
            if (model && (*model == "help" || *model == "?")) refuse_help(use);
            spec_.defaults.nic_models.push_back(model ? *model : "");
            return;
        }
        if (!is_net_backend(*type)) fail(use.where, "Parameter 'type' does not accept value '" + *type + "'");
    }

    void read_netdev(const OptionUse& use, const std::string& arg) {
        default_net_cleared_ = true;
        if (arg.starts_with("{")) return;  // a JSON netdev: a backend, no device
        auto parsed = parse_opts(arg, "type", use);
        const std::string* type = parsed.entries.find("type");
        if (type == nullptr) fail(use.where, "Parameter 'type' is missing");
        if (*type == "help") refuse_help(use);
        if (!is_net_backend(*type)) fail(use.where, "Parameter 'type' does not accept value '" + *type + "'");
        if (!parsed.id) fail(use.where, "Parameter 'id' is missing");
        if (!netdev_ids_.insert(*parsed.id).second) refuse(use.where, "Duplicate ID '" + *parsed.id + "' for netdev");
    }

    // hw/core/numa.c set_numa_options: each `node` entry is one more node (num_nodes++); dist, cpu and
    // hmat entries describe nodes. RAM stays one block in the guest-physical map; the count reaches the
    // firmware through fw_cfg's NUMA data.
    void read_numa(const OptionUse& use, const std::string& arg) {
        auto parsed = parse_opts(arg, "type", use);
        const std::string* type = parsed.entries.find("type");
        if (type == nullptr) fail(use.where, "Parameter 'type' is missing (expected node, dist, cpu, hmat-lb or hmat-cache)");
        if (*type == "node") {
            ++spec_.numa_nodes;
            note(use.where, "-numa node: NUMA nodes split the RAM only in the guest's SRAT table; the guest-physical "
                            "layout of RAM does not change");
        } else if (*type != "dist" && *type != "cpu" && *type != "hmat-lb" && *type != "hmat-cache") {
            fail(use.where, "Invalid parameter value for 'type', expected: node, dist, cpu, hmat-lb, hmat-cache");
        }
    }

    // ---- devices made by other options: -virtfs, -audio ---------------------------------------------------

    void read_virtfs(const OptionUse& use, const std::string& arg) {
        auto parsed = parse_opts(arg, "fsdriver", use);
        const std::string* driver = parsed.entries.find("fsdriver");
        const std::string* tag = parsed.entries.find("mount_tag");
        if (driver == nullptr || tag == nullptr) fail(use.where, "Usage: -virtfs fsdriver,mount_tag=tag");
        // vl.c: the fsdev takes the id, or the mount tag; the device is queued with the -device options.
        DeviceSpec device;
        device.driver = "virtio-9p-pci";
        device.properties.entries.emplace_back("fsdev", parsed.id.value_or(*tag));
        device.properties.entries.emplace_back("mount_tag", *tag);
        device.where = use.where;
        qemu_opts_devices_.push_back(std::move(device));
    }

    void read_audio(const OptionUse& use, const std::string& arg) {
        auto parsed = qemu_syntax::parse_keyval(arg, "driver", use.where.text);
        if (parsed.help) refuse_help(use);
        const std::string* model = parsed.entries.find("model");
        if (model == nullptr) fail(use.where, "Parameter 'model' is missing");
        if (*model == "help" || *model == "?") refuse_help(use);
        for (const auto& card : kSoundCards) {
            if (card.model != *model) continue;
            for (std::string_view driver : card.drivers) {
                if (driver.empty()) continue;
                DeviceSpec device;
                device.driver = std::string(driver);
                device.where = use.where;
                sound_devices_.push_back(std::move(device));
            }
            return;
        }
        fail(use.where, "Unknown sound card name `" + *model + "'");
    }

    // ---- after the last option ----------------------------------------------------------------------------

    void finish() {
        finish_machine();
        finish_accelerator();
        finish_memory();
        finish_smp();
        finish_firmware();
        finish_devices();
    }

    // The -machine properties, merged in order (a later one wins), with the ones read into fields removed.
    void finish_machine() {
        MachineSpec& machine = spec_.machine;
        machine.where = last_machine_where_ ? *last_machine_where_ : SourceLocation{"QEMU's default machine (no -machine)"};
        // vl.c keyval_dashify: "max_ram_below_4g" is "max-ram-below-4g".
        std::vector<std::pair<std::string, std::string>> merged;
        for (auto [key, value] : machine_properties_.entries) {
            const SourceLocation where = machine_where_[key];
            const auto first_dot = key.find('.');
            std::replace(key.begin(), key.begin() + static_cast<std::ptrdiff_t>(std::min(first_dot, key.size())), '_', '-');
            machine_where_[key] = where;
            // Captured by name: Clang 14 cannot capture a structured binding.
            auto it = std::find_if(merged.begin(), merged.end(), [&name = key](const auto& e) { return e.first == name; });
            if (it != merged.end()) it->second = value;
            else merged.emplace_back(key, value);
        }
        for (const auto& [key, value] : merged) {
            const SourceLocation& where = machine_where_[key];
            if (key == "type") {
                machine.type = value;
                machine.type_where = where;
            } else if (key == "accel") {
                machine_accel_ = {value, where};
            } else if (key == "max-ram-below-4g") {
                // The visitor's qemu_strtosz; hw/i386/pc.c checks the 4G limit when it sets the property.
                auto size = parse_size(value);
                if (!size) fail(where, "Parameter 'max-ram-below-4g' expects size");
                machine.max_ram_below_4g = *size;
            } else if (key == "firmware") {
                set_firmware_file(value, where);
            } else if (key == "pflash0" || key == "pflash1") {
                machine_pflash_[key == "pflash0" ? 0 : 1] = {value, where};
            } else {
                machine.other.entries.emplace_back(key, value);
            }
        }
    }

    // vl.c configure_accelerators.
    void finish_accelerator() {
        MachineSpec& machine = spec_.machine;
        if (!accel_options_.empty()) {
            if (machine_accel_) {
                fail(machine_accel_->second, "The -accel and \"-machine accel=\" options are incompatible");
            }
            pick_accelerator({accel_options_.begin(), accel_options_.end()});
            return;
        }
        if (machine_accel_) {
            // "-machine accel=kvm:tcg": tried in order.
            std::vector<std::pair<std::string, SourceLocation>> list;
            const std::string& text = machine_accel_->first;
            std::size_t pos = 0;
            while (pos <= text.size()) {
                const auto end = std::min(text.find(':', pos), text.size());
                list.emplace_back(text.substr(pos, end - pos), machine_accel_->second);
                pos = end + 1;
            }
            pick_accelerator(list);
            return;
        }
        machine.accel = binary_prefers_kvm_ ? "kvm" : "tcg";
    }

    // QEMU tries the accelerators in order; an invalid one is reported and skipped, none valid is fatal.
    void pick_accelerator(const std::vector<std::pair<std::string, SourceLocation>>& list) {
        for (const auto& [name, where] : list) {
            if (is_known_accelerator(name)) {
                spec_.machine.accel = name;
                if (!last_machine_where_) spec_.machine.where = where;
                return;
            }
            note(where, qemu_name() + " says: invalid accelerator " + name + " (and falls back to the next one)");
        }
        fail(list.front().second, "invalid accelerator " + list.front().first);
    }

    // vl.c parse_memory_options and hw/core/machine.c machine_set_mem.
    void finish_memory() {
        MemorySpec& memory = spec_.memory;
        memory.where = memory_where_ ? *memory_where_ : SourceLocation{"QEMU's default RAM size (no -m)"};
        const SourceLocation& where = memory.where;
        bool custom_size = false;
        u64 size = kDefaultRamSize;
        if (auto it = memory_options_.find("size"); it != memory_options_.end()) {
            const std::string& text = it->second;
            const u64 bytes = parse_opts_size(text, "size", where);
            if (bytes != 0) {  // "-m 0" leaves the default
                custom_size = true;
                // A size without a suffix is in MiB: vl.c appends "M" when the last character is a digit.
                if (std::isdigit(static_cast<unsigned char>(text.back()))) {
                    auto mebibytes = parse_size(text, DefaultSuffix::Mebibytes);
                    if (!mebibytes) fail(where, "Parameter 'memory.size' expects size");
                    size = *mebibytes;
                } else {
                    size = bytes;
                }
            }
        }
        auto aligned = align_up(size, kRamSizeAlignment);
        if (!aligned) fail(where, "ram size too large");
        size = *aligned;

        // -machine memory-backend=ID: the backend gives the size unless -m does, and they must agree.
        if (const std::string* backend_id = spec_.machine.other.find("memory-backend")) {
            const SourceLocation& backend_where = machine_where_["memory-backend"];
            auto backend = std::find_if(spec_.memory_backends.begin(), spec_.memory_backends.end(),
                                        [&](const MemoryBackendSpec& b) { return b.id == *backend_id; });
            if (backend == spec_.memory_backends.end()) fail(backend_where, "Memory backend '" + *backend_id + "' not found");
            if (!custom_size) size = backend->size;
            else if (size != backend->size) fail(backend_where, "Machine memory size does not match the size of the memory backend");
        }
        memory.size = size;

        std::optional<u64> slots;
        if (auto it = memory_options_.find("slots"); it != memory_options_.end()) slots = parse_number(it->second);
        if (auto it = memory_options_.find("maxmem"); it != memory_options_.end()) {
            const u64 maxmem = parse_opts_size(it->second, "maxmem", where);
            if (maxmem < size) {
                fail(where, "invalid value of maxmem: maximum memory size (" + hex(maxmem) +
                                ") must be at least the initial memory size (" + hex(size) + ")");
            }
            if (slots && *slots != 0 && maxmem == size) {
                fail(where, "invalid value of maxmem: memory slots were specified but maximum memory size (" + hex(maxmem) +
                                ") is equal to the initial memory size (" + hex(size) + ")");
            }
            memory.maxmem = maxmem;
        } else if (slots) {
            fail(where, "slots specified but no max-size");
        }
        if (slots) {
            // hw/i386/pc.c allows 256 (ACPI_MAX_RAM_SLOTS); the machine model checks that.
            if (*slots > std::numeric_limits<unsigned>::max()) fail(where, "unsupported amount of memory slots: " + std::to_string(*slots));
            memory.slots = static_cast<unsigned>(*slots);
        }
    }

    // hw/core/machine-smp.c machine_parse_smp_config, for an x86 machine (dies yes, clusters no).
    void finish_smp() {
        SmpSpec& smp = spec_.smp;
        smp.where = smp_where_ ? *smp_where_ : SourceLocation{"QEMU's default topology (no -smp)"};
        auto value = [&](const char* key) -> u64 {
            auto it = smp_values_.find(key);
            return it == smp_values_.end() ? 0 : it->second;
        };
        for (const auto& [key, number] : smp_values_) {
            if (number == 0) {
                note(smp.where, qemu_name() + " warns: Deprecated CPU topology (considered invalid): CPU topology parameters "
                                "must be greater than zero");
                break;
            }
        }
        u64 cpus = value("cpus");
        u64 sockets = value("sockets");
        u64 dies = value("dies");
        u64 clusters = value("clusters");
        u64 cores = value("cores");
        u64 threads = value("threads");
        u64 maxcpus = value("maxcpus");
        if (clusters > 1) fail(smp.where, "clusters not supported by this machine's CPU topology");
        dies = dies > 0 ? dies : 1;
        clusters = 1;

        if (cpus == 0 && maxcpus == 0) {
            sockets = sockets > 0 ? sockets : 1;
            cores = cores > 0 ? cores : 1;
            threads = threads > 0 ? threads : 1;
        } else {
            maxcpus = maxcpus > 0 ? maxcpus : cpus;
            if (prefers_sockets()) {
                if (sockets == 0) {
                    cores = cores > 0 ? cores : 1;
                    threads = threads > 0 ? threads : 1;
                    sockets = divide_by_product(maxcpus, {dies, clusters, cores, threads});
                } else if (cores == 0) {
                    threads = threads > 0 ? threads : 1;
                    cores = divide_by_product(maxcpus, {sockets, dies, clusters, threads});
                }
            } else {
                if (cores == 0) {
                    sockets = sockets > 0 ? sockets : 1;
                    threads = threads > 0 ? threads : 1;
                    cores = divide_by_product(maxcpus, {sockets, dies, clusters, threads});
                } else if (sockets == 0) {
                    threads = threads > 0 ? threads : 1;
                    sockets = divide_by_product(maxcpus, {dies, clusters, cores, threads});
                }
            }
            if (threads == 0) threads = divide_by_product(maxcpus, {sockets, dies, clusters, cores});
        }
        // The factors are below 2^32 each, but five of them can pass 2^64.
        std::optional<u64> product = u64{1};
        for (u64 factor : {sockets, dies, clusters, cores, threads}) {
            if (product) product = checked_mul(*product, factor);
        }
        if (!product) fail(smp.where, "Invalid CPU topology: the product of the hierarchy passes 2^64");
        maxcpus = maxcpus > 0 ? maxcpus : *product;
        cpus = cpus > 0 ? cpus : maxcpus;
        const std::string hierarchy = "sockets (" + std::to_string(sockets) + ") * dies (" + std::to_string(dies) +
                                      ") * cores (" + std::to_string(cores) + ") * threads (" + std::to_string(threads) + ")";
        if (*product != maxcpus) {
            fail(smp.where, "Invalid CPU topology: product of the hierarchy must match maxcpus: " + hierarchy +
                                " != maxcpus (" + std::to_string(maxcpus) + ")");
        }
        if (maxcpus < cpus) {
            fail(smp.where, "Invalid CPU topology: maxcpus must be equal to or greater than smp: " + hierarchy +
                                " == maxcpus (" + std::to_string(maxcpus) + ") < smp_cpus (" + std::to_string(cpus) + ")");
        }
        if (maxcpus > std::numeric_limits<unsigned>::max()) {
            fail(smp.where, "Invalid CPU topology: maxcpus (" + std::to_string(maxcpus) + ") is more than aperture models");
        }
        spec_.cpus = static_cast<unsigned>(cpus);
        smp.max_cpus = static_cast<unsigned>(maxcpus);
        smp.sockets = static_cast<unsigned>(sockets);
        smp.dies = static_cast<unsigned>(dies);
        smp.cores = static_cast<unsigned>(cores);
        smp.threads = static_cast<unsigned>(threads);
    }

    // value / (a * b * c * d), where a product past 2^64 gives 0 (QEMU's unsigned arithmetic cannot get
    // there: its inputs are 32-bit; the result fails the hierarchy check either way).
    static u64 divide_by_product(u64 value, std::initializer_list<u64> factors) {
        u64 product = 1;
        for (u64 factor : factors) {
            auto next = checked_mul(product, factor);
            if (!next) return 0;
            product = *next;
        }
        return product == 0 ? 0 : value / product;
    }

    // hw/i386/pc_piix.c, pc_q35.c: machine types before 6.2 set smp_props.prefer_sockets.
    bool prefers_sockets() const {
        auto version = machine_version(spec_.machine.type);
        return version && *version < std::make_pair(6, 2);
    }

    // hw/i386/pc_sysfw.c pc_system_firmware_init: pflash unit 0 is the firmware when present, else -bios.
    void finish_firmware() {
        FirmwareSpec& firmware = spec_.firmware;
        std::array<std::optional<PflashDrive>, 2> flash;
        for (int unit = 0; unit < 2; ++unit) {
            const auto& by_property = machine_pflash_[static_cast<std::size_t>(unit)];
            auto drive = pflash_drives_.find(static_cast<u64>(unit));
            if (by_property && drive != pflash_drives_.end()) fail(drive->second.where, "clashes with -machine");
            if (by_property) {
                flash[static_cast<std::size_t>(unit)] =
                    PflashDrive{resolve_block_node(by_property->first, by_property->second), by_property->second};
            } else if (drive != pflash_drives_.end()) {
                flash[static_cast<std::size_t>(unit)] = drive->second;
            }
        }
        if (flash[1] && !flash[0]) fail(flash[1]->where, "pflash1 requires pflash0");
        if (flash[0]) {
            firmware.image = flash[0]->file;
            firmware.where = flash[0]->where;
            if (flash[1]) firmware.vars_image = flash[1]->file;
        } else if (firmware_file_) {
            firmware.image = *firmware_file_;
            firmware.where = firmware_file_where_;
        } else {
            firmware.where.text = "QEMU's default firmware (no -bios or pflash)";
            return;
        }
        firmware.kind = firmware_kind_from_file_name(firmware.image);
        if (firmware.kind == FirmwareKind::SeaBios && flash[0]) {
            note(firmware.where, "the pflash image '" + firmware.image + "' is taken for SeaBIOS: its name has neither "
                                 "\"OVMF\" nor \"edk2\"");
        }
    }

    // The order QEMU creates them in: -audio cards (soundhw_init), then the QemuOpts -device list (which
    // includes -virtfs devices), then the devices of -drive if=virtio (drive_new appends them to that
    // list later), then JSON -device options (vl.c qemu_create_cli_devices).
    void finish_devices() {
        for (const auto& device : json_devices_) {
            if (!device.id.empty() && !device_ids_.insert(device.id).second) {
                refuse(device.where, "Duplicate device ID '" + device.id + "'");
            }
        }
        for (auto* list : {&sound_devices_, &qemu_opts_devices_, &drive_devices_, &json_devices_}) {
            for (auto& device : *list) spec_.devices.push_back(std::move(device));
        }
        DefaultsSpec& defaults = spec_.defaults;
        defaults.default_vga = !defaults.nodefaults && !default_vga_cleared_;
        defaults.default_nic = !defaults.nodefaults && !default_net_cleared_;
    }

    const ArgsFileLoader& load_;
    const QemuRelease& qemu_;
    VmSpec spec_;
    const std::string empty_;
    int args_files_read_ = 0;
    bool binary_prefers_kvm_ = false;

    PropertyList machine_properties_;
    std::map<std::string, SourceLocation> machine_where_;
    std::optional<SourceLocation> last_machine_where_;
    std::optional<std::pair<std::string, SourceLocation>> machine_accel_;
    std::vector<std::pair<std::string, SourceLocation>> accel_options_;
    std::array<std::optional<std::pair<std::string, SourceLocation>>, 2> machine_pflash_;

    std::map<std::string, std::string> memory_options_;
    std::optional<SourceLocation> memory_where_;

    std::map<std::string, unsigned> smp_values_;
    std::optional<SourceLocation> smp_where_;

    std::vector<DeviceSpec> sound_devices_;
    std::vector<DeviceSpec> qemu_opts_devices_;
    std::vector<DeviceSpec> drive_devices_;
    std::vector<DeviceSpec> json_devices_;
    std::set<std::string> device_ids_;
    std::set<std::string> object_ids_;
    std::set<std::string> drive_ids_;
    std::set<std::string> netdev_ids_;
    std::set<u64> virtio_drive_units_;

    std::optional<std::string> firmware_file_;
    SourceLocation firmware_file_where_;
    std::set<unsigned> legacy_indexes_;
    std::map<u64, PflashDrive> pflash_drives_;
    std::map<std::string, BlockNode> block_nodes_;

    bool default_vga_cleared_ = false;
    bool default_net_cleared_ = false;
};

std::vector<LocatedArg> number_arguments(const std::vector<std::string>& args) {
    std::vector<LocatedArg> located;
    located.reserve(args.size());
    for (std::size_t i = 0; i < args.size(); ++i) located.push_back({args[i], "argument " + std::to_string(i + 1)});
    return located;
}

}  // namespace

std::optional<bool> qemu_option_takes_argument(std::string_view name) {
    const OptionInfo* option = find_option(name);
    if (option == nullptr) return std::nullopt;
    return option->argument == Argument::Required;
}

VmSpec read_qemu_command_line(const std::vector<std::string>& args, const QemuRelease& qemu) {
    return read_qemu_command_line(args, [](const std::string& path) { return read_text_file(path); }, qemu);
}

VmSpec read_qemu_command_line(const std::vector<std::string>& args, const ArgsFileLoader& load_args_file, const QemuRelease& qemu) {
    return CommandLineReader(load_args_file, qemu).read(number_arguments(args));
}

VmSpec read_qemu_command_line_located(std::vector<LocatedArg> args, const QemuRelease& qemu) {
    const ArgsFileLoader load = [](const std::string& path) { return read_text_file(path); };
    return CommandLineReader(load, qemu).read(std::move(args));
}

}  // namespace aperture
