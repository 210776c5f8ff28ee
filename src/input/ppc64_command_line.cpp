#include "input/ppc64_command_line.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <set>
#include <string_view>

#include "core/error.hpp"
#include "core/qemu_refusal.hpp"
#include "core/size_parse.hpp"
#include "input/args_file.hpp"
#include "input/qemu_option_syntax.hpp"

namespace aperture {

namespace {

enum class Use { Read, Ignored, NotModelled };

struct OptionInfo {
    std::string_view name;
    bool takes_argument;
    Use use;
};

// qemu-options.hx entries built into qemu-system-ppc64 that a pseries command line uses. Those not read
// leave the guest-physical PCI map alone (chardevs, monitors, displays, kernel loading, block backends).
constexpr std::array kOptions{
    OptionInfo{"M", true, Use::Read},           OptionInfo{"machine", true, Use::Read},
    OptionInfo{"m", true, Use::Read},           OptionInfo{"device", true, Use::Read},
    OptionInfo{"global", true, Use::Read},      OptionInfo{"accel", true, Use::Read},
    OptionInfo{"enable-kvm", false, Use::Read}, OptionInfo{"nodefaults", false, Use::Read},
    OptionInfo{"vga", true, Use::Read},         OptionInfo{"smp", true, Use::Read},
    OptionInfo{"object", true, Use::Read},      OptionInfo{"usb", false, Use::Read},
    OptionInfo{"nic", true, Use::Read},         OptionInfo{"net", true, Use::Read},
    OptionInfo{"drive", true, Use::Read},       OptionInfo{"numa", true, Use::NotModelled},
    OptionInfo{"virtfs", true, Use::NotModelled}, OptionInfo{"readconfig", true, Use::NotModelled},
    OptionInfo{"set", true, Use::NotModelled},  OptionInfo{"S", false, Use::Ignored},
    OptionInfo{"name", true, Use::Ignored},     OptionInfo{"uuid", true, Use::Ignored},
    OptionInfo{"cpu", true, Use::Ignored},      OptionInfo{"display", true, Use::Ignored},
    OptionInfo{"nographic", false, Use::Ignored}, OptionInfo{"no-user-config", false, Use::Ignored},
    OptionInfo{"chardev", true, Use::Ignored},  OptionInfo{"mon", true, Use::Ignored},
    OptionInfo{"monitor", true, Use::Ignored},  OptionInfo{"qmp", true, Use::Ignored},
    OptionInfo{"rtc", true, Use::Ignored},      OptionInfo{"no-shutdown", false, Use::Ignored},
    OptionInfo{"no-reboot", false, Use::Ignored}, OptionInfo{"boot", true, Use::Ignored},
    OptionInfo{"audiodev", true, Use::Ignored}, OptionInfo{"sandbox", true, Use::Ignored},
    OptionInfo{"msg", true, Use::Ignored},      OptionInfo{"serial", true, Use::Ignored},
    OptionInfo{"overcommit", true, Use::Ignored}, OptionInfo{"kernel", true, Use::Ignored},
    OptionInfo{"initrd", true, Use::Ignored},   OptionInfo{"append", true, Use::Ignored},
    OptionInfo{"bios", true, Use::Ignored},     OptionInfo{"prom-env", true, Use::Ignored},
    OptionInfo{"daemonize", false, Use::Ignored}, OptionInfo{"pidfile", true, Use::Ignored},
    OptionInfo{"D", true, Use::Ignored},        OptionInfo{"d", true, Use::Ignored},
    OptionInfo{"L", true, Use::Ignored},        OptionInfo{"trace", true, Use::Ignored},
    OptionInfo{"vnc", true, Use::Ignored},      OptionInfo{"spice", true, Use::Ignored},
    OptionInfo{"incoming", true, Use::Ignored}, OptionInfo{"loadvm", true, Use::Ignored},
    OptionInfo{"snapshot", false, Use::Ignored}, OptionInfo{"blockdev", true, Use::Ignored},
    OptionInfo{"netdev", true, Use::Ignored},   OptionInfo{"fsdev", true, Use::Ignored},
    OptionInfo{"add-fd", true, Use::Ignored},   OptionInfo{"compat", true, Use::Ignored},
    OptionInfo{"action", true, Use::Ignored},   OptionInfo{"k", true, Use::Ignored},
    OptionInfo{"runas", true, Use::Ignored},    OptionInfo{"chroot", true, Use::Ignored},
    OptionInfo{"seed", true, Use::Ignored},     OptionInfo{"icount", true, Use::Ignored},
    OptionInfo{"parallel", true, Use::Ignored}, OptionInfo{"gdb", true, Use::Ignored},
    OptionInfo{"s", false, Use::Ignored},       OptionInfo{"echr", true, Use::Ignored},
    OptionInfo{"only-migratable", false, Use::Ignored}, OptionInfo{"plugin", true, Use::Ignored},
    OptionInfo{"preconfig", false, Use::Ignored}, OptionInfo{"watchdog-action", true, Use::Ignored},
    OptionInfo{"mem-path", true, Use::Ignored}, OptionInfo{"mem-prealloc", false, Use::Ignored},
    OptionInfo{"tpmdev", true, Use::Ignored},   OptionInfo{"dtb", true, Use::Ignored},
    OptionInfo{"g", true, Use::Ignored},        OptionInfo{"async-teardown", false, Use::Ignored},
};

const OptionInfo* find_option(std::string_view name) {
    for (const auto& o : kOptions) {
        if (o.name == name) return &o;
    }
    return nullptr;
}

std::string basename_of(std::string_view path) {
    const auto slash = path.rfind('/');
    return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

// NAME=VALUE before the command, as libvirt's .args files and shells write environment settings.
bool is_environment_assignment(std::string_view word) {
    const auto eq = word.find('=');
    if (eq == std::string_view::npos || eq == 0 || word[0] == '-') return false;
    return std::all_of(word.begin(), word.begin() + static_cast<std::ptrdiff_t>(eq),
                       [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
}

// hw/core/machine.c machine_set_mem / vl.c: -m is rounded up to 8 KiB.
constexpr u64 kRamSizeAlignment = 8 * KiB;
// hw/ppc/spapr.c spapr_machine_class_init: mc->default_ram_size, for the -m checks before the machine exists.
constexpr u64 kPseriesDefaultRam = 512 * MiB;

class Reader {
public:
    explicit Reader(const ArgsFileLoader& load) : load_(load) {}

    VmSpec read(std::vector<LocatedArg> args) {
        std::size_t i = 0;
        if (!args.empty() && args[0].text.starts_with("@")) splice(args, 0);
        while (i < args.size() && is_environment_assignment(args[i].text)) ++i;  // "LC_ALL=C ... qemu-system-ppc64" (libvirt's .args)
        if (i < args.size() && !args[i].text.empty() && args[i].text[0] != '-') {
            const std::string name = basename_of(args[i].text);
            if (name == "qemu-system-ppc64" || name == "qemu-system-ppc64le") {
                ++i;
            } else if (name.starts_with("qemu-")) {
                throw InputError(args[i].origin + " (" + args[i].text + "): only qemu-system-ppc64 builds a pseries machine");
            }
        }
        spec_.machine.type = "pseries";  // qemu-system-ppc64's default machine (spapr.c: mc->is_default)
        spec_.memory.size = 0;           // 0: the machine's default (512 MiB), filled by the machine model
        while (i < args.size()) {
            const LocatedArg& arg = args[i];
            if (arg.text.starts_with("@")) {
                splice(args, i);
                continue;
            }
            if (arg.text.empty() || arg.text[0] != '-') {
                ++i;  // a disk image: spapr-vscsi, on the VIO bus
                continue;
            }
            std::string_view name = arg.text;
            name.remove_prefix(name.starts_with("--") ? 2 : 1);
            const OptionInfo* info = find_option(name);
            if (!info) {
                throw InputError(arg.origin + " (" + arg.text + "): invalid option (qemu-system-ppc64 has no option '" + arg.text +
                                 "', or aperture does not know it)");
            }
            ++i;
            std::string value;
            if (info->takes_argument) {
                if (i >= args.size()) throw InputError(arg.origin + " (" + arg.text + "): requires an argument");
                value = args[i].text;
                ++i;
            }
            SourceLocation where{arg.origin + " (" + arg.text + (info->takes_argument ? " " + value : "") + ")"};
            option(*info, value, where);
        }
        check_memory();
        // vl.c qemu_create_cli_devices: QemuOpts -device options first, then the JSON ones.
        for (auto& d : opts_devices_) spec_.devices.push_back(std::move(d));
        for (auto& d : json_devices_) spec_.devices.push_back(std::move(d));
        return std::move(spec_);
    }

private:
    void splice(std::vector<LocatedArg>& args, std::size_t index) {
        if (++files_ > 64) throw InputError(args[index].origin + ": too many @files (a file including itself?)");
        const std::string path = args[index].text.substr(1);
        auto words = split_args_text_located(load_(path), path);
        args.erase(args.begin() + static_cast<std::ptrdiff_t>(index));
        args.insert(args.begin() + static_cast<std::ptrdiff_t>(index), words.begin(), words.end());
    }

    [[noreturn]] static void fail(const SourceLocation& where, const std::string& message) {
        throw InputError(where.text + ": " + message);
    }
    // QEMU reads the option and refuses it with this message (exit 1, not an input aperture cannot read).
    [[noreturn]] static void refuse(const SourceLocation& where, const std::string& message) {
        throw QemuRefusal(where.text + ": " + message);
    }

    void option(const OptionInfo& info, const std::string& value, const SourceLocation& where) {
        const std::string_view name = info.name;
        if (info.use == Use::Ignored) return;
        if (info.use == Use::NotModelled) {
            fail(where, "-" + std::string(name) + " is not modelled by aperture for pseries");
        }
        if (name == "machine" || name == "M") return machine(value, where);
        if (name == "m") return memory(value, where);
        if (name == "device") return device(value, where);
        if (name == "global") return global(value, where);
        if (name == "accel") {
            auto opts = qemu_syntax::parse_qemu_opts(value, "accel");
            if (const auto* a = opts.entries.find("accel")) spec_.machine.accel = *a;
            if (spec_.machine.accel != "tcg" && spec_.machine.accel != "kvm") fail(where, "invalid accelerator " + spec_.machine.accel);
            return;
        }
        if (name == "enable-kvm") {
            spec_.machine.accel = "kvm";
            return;
        }
        if (name == "nodefaults") {
            spec_.defaults.nodefaults = true;
            spec_.defaults.default_vga = false;
            spec_.defaults.default_nic = false;
            return;
        }
        if (name == "vga") {
            spec_.defaults.vga = value;
            spec_.defaults.default_vga = false;
            return;
        }
        if (name == "usb") {
            spec_.machine.other.entries.emplace_back("usb", "on");
            return;
        }
        if (name == "smp") {
            auto kv = qemu_syntax::parse_keyval(value, "cpus", where.text);
            if (const auto* c = kv.entries.find("cpus")) {
                auto n = parse_uint(*c);
                if (!n || *n == 0 || *n > 0xFFFF'FFFFu) fail(where, "Parameter 'smp.cpus' expects a positive integer");
                spec_.cpus = static_cast<unsigned>(*n);
            }
            return;
        }
        if (name == "object") return object(value, where);
        if (name == "nic" || name == "net") return nic(name, value, where);
        if (name == "drive") {
            auto opts = qemu_syntax::parse_qemu_opts(value, nullptr);
            const auto* iface = opts.entries.find("if");
            if (iface && *iface == "virtio") fail(where, "-drive if=virtio (a virtio-blk-pci QEMU adds) is not modelled for pseries; use -device");
            return;
        }
    }

    void machine(const std::string& value, const SourceLocation& where) {
        auto kv = qemu_syntax::parse_keyval(value, "type", where.text);
        if (kv.help) fail(where, "asks QEMU to print help and exit; it describes no VM");
        for (const auto& [key, v] : kv.entries.entries) {
            if (key == "type") {
                spec_.machine.type = v;
            } else if (key == "accel") {
                spec_.machine.accel = v.substr(0, v.find(':'));
            } else {
                // usb=, memory-backend=, cap-*, ic-mode, ...: none moves a PHB window; kept for the model.
                spec_.machine.other.entries.emplace_back(key, v);
            }
        }
        spec_.machine.where = where;
    }

    void memory(const std::string& value, const SourceLocation& where) {
        auto opts = qemu_syntax::parse_qemu_opts(value, "size");
        for (const auto& [key, v] : opts.entries.entries) {
            if (key == "size" || key == "maxmem") {
                auto size = parse_size(v, key == "size" ? DefaultSuffix::Mebibytes : DefaultSuffix::Bytes);
                if (!size) fail(where, "Parameter '" + key + "' expects a size");
                if (key == "size") {
                    const auto rounded = align_up(*size, kRamSizeAlignment);
                    if (!rounded || *rounded == 0) fail(where, "ram size too large or zero");
                    spec_.memory.size = *rounded;
                } else {
                    spec_.memory.maxmem = *size;
                }
            } else if (key == "slots") {
                auto n = qemu_syntax::parse_number(v);
                if (!n || *n > 0xFFFF'FFFFu) fail(where, "Parameter 'slots' expects a number");
                spec_.memory.slots = static_cast<unsigned>(*n);
                slots_given_ = true;
            } else {
                fail(where, "Invalid parameter '" + key + "'");
            }
        }
        spec_.memory.where = where;
    }

    // hw/core/machine.c machine_set_mem (the same rules as vl.c's in 7.2): maxmem and slots against the size.
    void check_memory() {
        const SourceLocation& where = spec_.memory.where;
        const u64 size = spec_.memory.size == 0 ? kPseriesDefaultRam : spec_.memory.size;
        if (spec_.memory.maxmem) {
            const u64 maxmem = *spec_.memory.maxmem;
            if (maxmem < size) {
                fail(where, "invalid value of maxmem: maximum memory size (" + hex(maxmem) + ") must be at least the initial memory size (" +
                                hex(size) + ")");
            }
            if (slots_given_ && spec_.memory.slots != 0 && maxmem == size) {
                fail(where, "invalid value of maxmem: memory slots were specified but maximum memory size (" + hex(maxmem) +
                                ") is equal to the initial memory size (" + hex(size) + ")");
            }
        } else if (slots_given_) {
            fail(where, "slots specified but no max-size");
        }
    }

    void device(const std::string& arg, const SourceLocation& where) {
        DeviceSpec d;
        d.where = where;
        d.written = arg;
        PropertyList props;
        const bool json = arg.starts_with("{");
        if (json) {
            props = qemu_syntax::parse_json_object(arg, where.text);
            if (const auto* id = props.find("id")) d.id = *id;
            std::erase_if(props.entries, [](const auto& e) { return e.first == "id"; });
        } else {
            auto opts = qemu_syntax::parse_qemu_opts(arg, "driver");
            if (opts.help) fail(where, "asks QEMU to print help and exit; it describes no VM");
            qemu_syntax::check_id(opts, where.text);
            if (opts.id) d.id = *opts.id;
            props = std::move(opts.entries);
        }
        for (auto& [key, value] : props.entries) {
            if (key == "driver") d.driver = value;
            else if (key == "bus") d.bus = value;
            else if (key == "addr") d.addr = value;
            else if (key == "multifunction") {
                auto on = qemu_syntax::parse_bool(value);
                if (!on) fail(where, "Parameter 'multifunction' expects 'on' or 'off'");
                d.multifunction = *on;
            } else {
                d.properties.entries.emplace_back(key, value);
            }
        }
        if (d.driver.empty()) fail(where, "Parameter 'driver' is missing");
        if (!d.id.empty()) {
            if (!ids_.insert(d.id).second) refuse(where, "Duplicate ID '" + d.id + "' for device");
        }
        if (d.driver == "VGA" || d.driver == "virtio-vga" || d.driver == "cirrus-vga" || d.driver == "virtio-vga-gl") {
            spec_.defaults.default_vga = false;  // vl.c default_list
        }
        (json ? json_devices_ : opts_devices_).push_back(std::move(d));
    }

    void global(const std::string& arg, const SourceLocation& where) {
        GlobalSpec g;
        g.where = where;
        const auto eq = arg.find('=');
        const auto dot = arg.find('.');
        if (eq == std::string::npos || dot == std::string::npos || dot > eq) {
            fail(where, "expected DRIVER.PROPERTY=VALUE");
        }
        g.driver = arg.substr(0, dot);
        g.property = arg.substr(dot + 1, eq - dot - 1);
        g.value = arg.substr(eq + 1);
        spec_.globals.push_back(std::move(g));
    }

    void object(const std::string& arg, const SourceLocation& where) {
        PropertyList props = arg.starts_with("{") ? qemu_syntax::parse_json_object(arg, where.text)
                                                  : qemu_syntax::parse_qemu_opts(arg, "qom-type").entries;
        const auto* type = props.find("qom-type");
        if (!type || !type->starts_with("memory-backend-")) return;  // secrets, iothreads, rng backends...
        MemoryBackendSpec b;
        b.type = *type;
        b.where = where;
        if (const auto* id = props.find("id")) b.id = *id;
        if (const auto* size = props.find("size")) {
            auto s = parse_size(*size);
            if (!s) fail(where, "Parameter 'size' expects a size");
            b.size = *s;
        }
        spec_.memory_backends.push_back(std::move(b));
    }

    void nic(std::string_view name, const std::string& arg, const SourceLocation& where) {
        auto opts = qemu_syntax::parse_qemu_opts(arg, "type");
        const auto* type = opts.entries.find("type");
        if (name == "net" && (!type || *type != "nic")) return;  // a -net backend
        const auto* model = opts.entries.find("model");
        // hw/ppc/spapr.c spapr_machine_init: the default NIC model is spapr-vlan, on the VIO bus.
        if (!model || *model == "spapr-vlan" || *model == "ibmveth") return;
        fail(where, "a PCI NIC added by -" + std::string(name) + " (model=" + *model + ") is not modelled for pseries; use -device " +
                        *model + " instead");
    }

    const ArgsFileLoader& load_;
    VmSpec spec_;
    std::vector<DeviceSpec> opts_devices_;
    std::vector<DeviceSpec> json_devices_;
    std::set<std::string> ids_;
    int files_ = 0;
    bool slots_given_ = false;
};

}  // namespace

VmSpec read_ppc64_command_line(const std::vector<std::string>& args) {
    return read_ppc64_command_line(args, [](const std::string& path) { return read_text_file(path); });
}

VmSpec read_ppc64_command_line(const std::vector<std::string>& args, const ArgsFileLoader& load_args_file) {
    std::vector<LocatedArg> located;
    for (std::size_t i = 0; i < args.size(); ++i) located.push_back({args[i], "argument " + std::to_string(i + 1)});
    return Reader(load_args_file).read(std::move(located));
}

bool looks_like_ppc64_command_line(const std::vector<std::string>& args) {
    std::vector<std::string> words;
    for (const auto& a : args) {
        if (a.starts_with("@")) {
            try {
                for (auto& w : split_args_text_located(read_text_file(a.substr(1)), a.substr(1))) words.push_back(w.text);
            } catch (const std::exception&) {
                words.push_back(a);  // the real reader reports it
            }
        } else {
            words.push_back(a);
        }
    }
    std::size_t first = 0;
    while (first < words.size() && is_environment_assignment(words[first])) ++first;
    if (first < words.size() && !words[first].empty() && words[first][0] != '-') {
        const std::string name = basename_of(words[first]);
        if (name.starts_with("qemu-system-ppc64")) return true;
        if (name.starts_with("qemu-")) return false;
    }
    for (std::size_t i = 0; i + 1 < words.size(); ++i) {
        if (words[i] == "-M" || words[i] == "-machine" || words[i] == "--machine") {
            const std::string& v = words[i + 1];
            const std::string type = v.starts_with("type=") ? v.substr(5, v.find(',') - 5) : v.substr(0, v.find(','));
            if (type == "pseries" || type.starts_with("pseries-")) return true;
        }
    }
    return false;
}

}  // namespace aperture
