#include "input/xl_cfg/xl_domain_config.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include "core/error.hpp"
#include "core/input_file.hpp"
#include "core/size_parse.hpp"
#include "machine/machine.hpp"
#include "machine/xen/xen_layout.hpp"

namespace aperture {

namespace {

// tools/libs/light/libxl_create.c libxl__domain_build_info_setdefault: max_memkb defaults to 32 MiB.
constexpr u64 kLibxlDefaultMemoryMiB = 32;
// tools/libs/light/libxl_nic.c libxl__device_nic_setdefault: the emulated NIC qemu-xen gets by default.
constexpr const char* kDefaultNicModel = "rtl8139";

[[noreturn]] void fail_at(const XlConfig& config, int line, const std::string& key, const std::string& what) {
    throw InputError(fmt::format("{}:{}: {}: {}", config.source(), line, key, what));
}

const XlValue* atom(const XlConfig& config, const std::string& key) {
    const XlSetting* s = config.find(key);
    if (!s) return nullptr;
    if (s->value.kind != XlValue::Kind::Atom) fail_at(config, s->line, key, "expected a single value, not a list");
    return &s->value;
}

// xlu_cfg_get_long: strtol with base 0 over the whole atom, quoted or not.
std::optional<long long> integer(const XlConfig& config, const std::string& key) {
    const XlValue* v = atom(config, key);
    if (!v) return std::nullopt;
    const std::string& t = v->atom;
    const bool negative = !t.empty() && t[0] == '-';
    auto parsed = parse_uint_base0(negative ? t.substr(1) : t);
    if (!parsed || *parsed > static_cast<u64>(INT64_MAX)) {
        fail_at(config, v->line, key, fmt::format("'{}' is not a valid number", t));
    }
    return negative ? -static_cast<long long>(*parsed) : static_cast<long long>(*parsed);
}

std::optional<u64> mebibytes(const XlConfig& config, const std::string& key) {
    auto n = integer(config, key);
    if (!n) return std::nullopt;
    if (*n < 0) fail_at(config, config.find(key)->line, key, "expected a size in MiB, not a negative number");
    // MiB -> bytes must fit 64 bits with room for the arithmetic that follows.
    if (static_cast<u64>(*n) > (u64{1} << 40)) fail_at(config, config.find(key)->line, key, "is larger than any guest aperture can plan (2^40 MiB)");
    return static_cast<u64>(*n);
}

std::optional<bool> boolean(const XlConfig& config, const std::string& key) {
    const XlValue* v = atom(config, key);
    if (!v) return std::nullopt;
    // xlu_cfg_get_defbool reads a long: 0 is false, anything else true.
    if (v->atom == "0") return false;
    if (v->atom == "1") return true;
    if (v->atom == "true" || v->atom == "false") fail_at(config, v->line, key, "expected 0 or 1 (xl reads booleans as numbers)");
    auto n = integer(config, key);
    return *n != 0;
}

std::optional<std::string> string(const XlConfig& config, const std::string& key) {
    const XlValue* v = atom(config, key);
    if (!v) return std::nullopt;
    return v->atom;
}

std::vector<std::string> string_list(const XlConfig& config, const std::string& key, int& line) {
    const XlSetting* s = config.find(key);
    if (!s) return {};
    line = s->line;
    if (s->value.kind != XlValue::Kind::List) fail_at(config, s->line, key, "expected a list: [ '...', '...' ]");
    std::vector<std::string> items;
    for (const auto& item : s->value.items) {
        if (item.kind != XlValue::Kind::Atom) fail_at(config, item.line, key, "expected a list of strings, not a nested list");
        items.push_back(item.atom);
    }
    return items;
}

struct Option {
    std::string key;
    std::string value;
    bool has_value = false;  // written as key=value (a bare word is positional)
};

std::vector<Option> split_options(const std::string& text) {
    std::vector<Option> out;
    std::stringstream ss(text);
    std::string part;
    while (std::getline(ss, part, ',')) {
        const auto eq = part.find('=');
        if (eq == std::string::npos) out.push_back({part, {}, false});
        else out.push_back({part.substr(0, eq), part.substr(eq + 1), true});
    }
    return out;
}

std::optional<unsigned> hex_number(const std::string& text, unsigned max) {
    if (text.empty() || text.size() > 8) return std::nullopt;
    unsigned value = 0;
    for (char c : text) {
        unsigned d = 0;
        if (c >= '0' && c <= '9') d = static_cast<unsigned>(c - '0');
        else if (c >= 'a' && c <= 'f') d = static_cast<unsigned>(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F') d = static_cast<unsigned>(c - 'A' + 10);
        else return std::nullopt;
        value = value * 16 + d;
    }
    if (value > max) return std::nullopt;
    return value;
}

XlNic parse_vif(const XlConfig& config, const std::string& spec, int line, bool& emulated) {
    XlNic nic{kDefaultNicModel, line};
    emulated = true;  // xl_parse.c: an HVM vif is "ioemu" (emulated + PV) unless type=vif
    for (const auto& [key, value, has_value] : split_options(spec)) {
        if (key == "model") nic.model = value;
        else if (key == "type") {
            if (value == "vif") emulated = false;
            else if (value != "ioemu") fail_at(config, line, "vif", fmt::format("'{}': type= is ioemu or vif", spec));
        }
    }
    return nic;
}

}  // namespace

const char* to_string(XenDeviceModel model) {
    return model == XenDeviceModel::QemuXen ? "qemu-xen" : "qemu-xen-traditional";
}

const char* to_string(XenVga vga) {
    switch (vga) {
        case XenVga::Cirrus: return "cirrus";
        case XenVga::Std: return "stdvga";
        case XenVga::Qxl: return "qxl";
        case XenVga::None: return "none";
    }
    return "cirrus";
}

// tools/libs/util/libxlu_pci.c xlu_pci_parse_spec_string: a BDF (hex) with an optional @VSLOT, then
// key=value options; each parameter at most once.
XlPciDevice parse_pci_spec(const std::string& spec, const std::string& where) {
    XlPciDevice device;
    device.spec = spec;
    auto fail = [&](const std::string& what) -> void {
        throw InputError(fmt::format("{}: '{}': {}", where, spec, what));
    };
    std::optional<std::string> bdf;
    std::set<std::string> seen;
    int positional = 0;
    for (auto [key, value, has_value] : split_options(spec)) {
        if (key.empty() && !has_value) continue;
        if (!has_value) {
            // A positional parameter: bdf first, then vslot (docs/man/xl-pci-configuration.5.pod).
            value = key;
            key = positional == 0 ? "bdf" : positional == 1 ? "vslot" : "";
            ++positional;
            if (key.empty()) fail("too many positional parameters (expected BDF[@VSLOT] then key=value options)");
        }
        if (!seen.insert(key).second) fail(fmt::format("'{}' is given twice", key));
        if (key == "bdf") {
            const auto at = value.find('@');
            if (at != std::string::npos) {
                if (!seen.insert("vslot").second) fail("'vslot' is given twice");
                auto slot = hex_number(value.substr(at + 1), 31);
                if (!slot) fail("@VSLOT must be a slot number 0-1f (hex)");
                device.vslot = *slot;
                value = value.substr(0, at);
            }
            bdf = value;
        } else if (key == "vslot") {
            auto slot = hex_number(value, 31);
            if (!slot) fail("vslot must be a slot number 0-1f (hex)");
            device.vslot = *slot;
        } else if (key == "name") {
            fail("name= needs xl's list of assignable devices on the host; write the BDF instead");
        } else if (key == "permissive" || key == "msitranslate" || key == "seize" || key == "power_mgmt") {
            if (value != "0" && value != "1") fail(fmt::format("{}= is 0 or 1", key));
        } else if (key == "rdm_policy") {
            if (value != "strict" && value != "relaxed") fail("rdm_policy= is strict or relaxed");
        } else {
            fail(fmt::format("unknown option '{}' (expected bdf, vslot, permissive, msitranslate, seize, power_mgmt, rdm_policy)", key));
        }
    }
    if (!bdf) fail("no BDF: expected [DDDD:]BB:SS.F");
    // [DDDD:]BB:SS.F, all hex; F may be * for every function.
    std::string text = *bdf;
    unsigned domain = 0;
    if (std::count(text.begin(), text.end(), ':') == 2) {
        auto d = hex_number(text.substr(0, text.find(':')), 0xffff);
        if (!d) fail("the domain must be hex 0000-ffff");
        domain = *d;
        text = text.substr(text.find(':') + 1);
    }
    const auto colon = text.find(':');
    const auto dot = text.find('.');
    if (colon == std::string::npos || dot == std::string::npos || dot < colon) fail("expected a BDF [DDDD:]BB:SS.F");
    auto bus = hex_number(text.substr(0, colon), 0xff);
    auto slot = hex_number(text.substr(colon + 1, dot - colon - 1), 0x1f);
    const std::string function_text = text.substr(dot + 1);
    std::optional<unsigned> function = function_text == "*" ? std::optional<unsigned>(0) : hex_number(function_text, 7);
    if (!bus || !slot || !function) fail("expected a BDF [DDDD:]BB:SS.F (bus 00-ff, slot 00-1f, function 0-7 or *)");
    device.all_functions = function_text == "*";
    device.host_address = fmt::format("{:04x}:{:02x}:{:02x}.{:x}", domain, *bus, *slot, *function);
    return device;
}

XlDomainConfig read_xl_domain_config(const XlConfig& config) {
    XlDomainConfig d;
    d.source = config.source();
    d.name = string(config, "name").value_or("");

    // xl_parse.c: type= (hvm/pv/pvh), or the deprecated builder= ("hvm" / "generic").
    std::optional<std::string> type = string(config, "type");
    if (auto builder = string(config, "builder")) {
        const std::string as_type = *builder == "generic" ? "pv" : *builder;
        if (type && *type != as_type) fail_at(config, config.find("builder")->line, "builder", "Contradicting \"builder\" and \"type\" options specified.");
        type = as_type;
    }
    if (!type) throw UnsupportedError(fmt::format("{}: no type= (xl then builds a PV guest); aperture models HVM guests: add type = \"hvm\"", d.source));
    if (*type == "pv" || *type == "pvh") throw UnsupportedError(fmt::format("{}:{}: type \"{}\": aperture models HVM guests (hvmloader) only", d.source, config.find(config.find("type") ? "type" : "builder")->line, *type));
    if (*type != "hvm") fail_at(config, config.find(config.find("type") ? "type" : "builder")->line, "type", fmt::format("Invalid domain type {}.", *type));

    // xl_parse.c: memory= is the target, maxmem= the maximum; a missing one follows the other
    // (xl sets max = target; libxl_create.c sets target = max), and with neither libxl uses 32 MiB.
    d.maxmem_mib = mebibytes(config, "maxmem");
    d.memory_mib = mebibytes(config, "memory").value_or(d.maxmem_mib.value_or(kLibxlDefaultMemoryMiB));
    if (auto v = integer(config, "vcpus")) {
        if (*v < 1 || *v > 4096) fail_at(config, config.find("vcpus")->line, "vcpus", "expected 1 or more vCPUs");
        d.vcpus = static_cast<unsigned>(*v);
    }

    if (auto dm = string(config, "device_model_version")) {
        if (*dm == "qemu-xen") d.device_model = XenDeviceModel::QemuXen;
        else if (*dm == "qemu-xen-traditional") d.device_model = XenDeviceModel::QemuXenTraditional;
        else fail_at(config, config.find("device_model_version")->line, "device_model_version", fmt::format("Unknown device_model_version \"{}\" specified (expected qemu-xen or qemu-xen-traditional)", *dm));
    }

    // xl_parse.c: mmio_hole in MiB, HVM_BELOW_4G_MMIO_LENGTH .. HVM_BELOW_4G_MMIO_START.
    if (auto hole = integer(config, "mmio_hole")) {
        d.mmio_hole_line = config.find("mmio_hole")->line;
        if (*hole < static_cast<long long>(xen::MMIO_HOLE_MIN_MIB) || *hole > static_cast<long long>(xen::MMIO_HOLE_MAX_MIB)) {
            fail_at(config, d.mmio_hole_line, "mmio_hole",
                    fmt::format("ERROR: invalid value {} for \"mmio_hole\" (xl accepts {} to {} MiB)", *hole, xen::MMIO_HOLE_MIN_MIB, xen::MMIO_HOLE_MAX_MIB));
        }
        d.mmio_hole_mib = static_cast<u64>(*hole);
    }

    if (auto vga = string(config, "vga")) {
        if (*vga == "stdvga") d.vga = XenVga::Std;
        else if (*vga == "cirrus") d.vga = XenVga::Cirrus;
        else if (*vga == "none") d.vga = XenVga::None;
        else if (*vga == "qxl") d.vga = XenVga::Qxl;
        else fail_at(config, config.find("vga")->line, "vga", fmt::format("Unknown vga \"{}\" specified (stdvga, cirrus, none, qxl)", *vga));
    } else if (auto stdvga = boolean(config, "stdvga")) {
        d.vga = *stdvga ? XenVga::Std : XenVga::Cirrus;
    }
    d.videoram_mib = mebibytes(config, "videoram");

    d.usb = boolean(config, "usb").value_or(false) || config.find("usbdevice") != nullptr;
    if (auto v = integer(config, "usbversion")) {
        if (*v < 1 || *v > 3) fail_at(config, config.find("usbversion")->line, "usbversion", "usbversion parameter is invalid, must be between 1 and 3");
        d.usbversion = static_cast<unsigned>(*v);
    }
    if (auto hd = string(config, "hdtype")) {
        if (*hd == "ahci") d.ahci = true;
        else if (*hd != "ide") fail_at(config, config.find("hdtype")->line, "hdtype", fmt::format("ERROR: invalid value \"{}\" for \"hdtype\" (ide or ahci)", *hd));
    }
    d.xen_platform_pci = boolean(config, "xen_platform_pci").value_or(true);
    d.xen_platform_pci_bar_uc = boolean(config, "xen_platform_pci_bar_uc").value_or(true);
    if (const XlSetting* g = config.find("gfx_passthru")) {
        if (g->value.kind == XlValue::Kind::Atom && (g->value.atom == "igd" || g->value.atom == "default")) d.gfx_passthru = true;
        else d.gfx_passthru = boolean(config, "gfx_passthru").value_or(false);
    }
    d.vnuma = config.find("vnuma") != nullptr;
    d.soundhw = string(config, "soundhw").value_or("");

    int line = 0;
    for (const auto& vif : string_list(config, "vif", line)) {
        bool emulated = true;
        XlNic nic = parse_vif(config, vif, line, emulated);
        if (emulated) d.nics.push_back(nic);
    }
    const auto pci = string_list(config, "pci", line);
    for (std::size_t i = 0; i < pci.size(); ++i) {
        XlPciDevice device = parse_pci_spec(pci[i], fmt::format("{}:{}: pci[{}]", d.source, line, i));
        device.line = line;
        d.pci.push_back(device);
    }

    // Settings that change the map in ways not modelled: say so rather than mispredict silently.
    struct Unmodelled { const char* key; const char* what; };
    static constexpr Unmodelled kUnmodelled[] = {
        {"rdm", "reserved device memory (RMRR) ranges become e820 holes that hvmloader steps BARs around"},
        {"rdm_mem_boundary", "moves the low RAM boundary under RMRRs"},
        {"e820_host", "PV only"},
        {"iomem", "maps host MMIO ranges into the guest"},
        {"device_model_stubdomain_override", "a stub domain runs qemu; the map is the same, memory accounting differs"},
        {"acpi_firmware", "extra ACPI tables add e820 ACPI entries"},
        {"smbios_firmware", "extra SMBIOS tables"},
        {"bios", "the BIOS (seabios/ovmf/rombios) loaded after hvmloader: its own view of memory is not modelled"},
        {"device_model_args_hvm", "extra qemu arguments may add PCI devices"},
        {"device_model_args", "extra qemu arguments may add PCI devices"},
        {"device_model_override", "another qemu binary"},
        {"spice", "spice with vdagent adds a virtio-serial device"},
        {"altp2m", "alternate p2m views"},
    };
    for (const auto& u : kUnmodelled) {
        if (const XlSetting* s = config.find(u.key)) d.unmodelled.push_back(fmt::format("{}:{}: {}: not modelled ({})", d.source, s->line, u.key, u.what));
    }
    if (d.vnuma) d.unmodelled.push_back(fmt::format("{}:{}: vnuma: not modelled (vNUMA splits RAM into vmemranges; it also stops hvmloader relocating RAM)", d.source, config.find("vnuma")->line));
    // libxl_dm.c: a non-CD-ROM disk with an sd* vdev makes libxl add an lsi53c895a SCSI controller.
    int disk_line = 0;
    for (const auto& disk : string_list(config, "disk", disk_line)) {
        bool scsi = false;
        const bool cdrom = disk.find("cdrom") != std::string::npos;  // devtype=cdrom, or "hdc:cdrom"
        for (const auto& [key, value, has_value] : split_options(disk)) {
            // The vdev: positional (a bare word) or vdev=.
            if ((has_value ? key == "vdev" && value.starts_with("sd") : key.starts_with("sd"))) scsi = true;
        }
        if (scsi && !cdrom) {
            d.unmodelled.push_back(fmt::format("{}:{}: disk '{}': an sd* disk makes libxl add an lsi53c895a SCSI controller, whose BARs are not modelled", d.source, disk_line, disk));
            break;
        }
    }
    if (!d.soundhw.empty()) d.unmodelled.push_back(fmt::format("{}:{}: soundhw: the sound card's BARs are not modelled", d.source, config.find("soundhw")->line));
    return d;
}

XlDomainConfig load_xl_domain_config(const std::string& path) {
    return read_xl_domain_config(XlConfig::parse(read_input_file(path, kXlConfigKind), input_display_name(path)));
}

}  // namespace aperture
