#include "input/proxmox/qm_showcmd.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <filesystem>
#include <system_error>

#include "core/error.hpp"
#include "core/input_file.hpp"
#include "input/proxmox/pve_config_files.hpp"
#include "input/qemu_command_line.hpp"
#include "input/qemu_config_file.hpp"

namespace aperture {

namespace {

// `qm showcmd` output is one command line: the same bound as an @FILE's.
constexpr InputFileKind kShowcmdFileKind{"qm showcmd output", kArgsFileKind.max_bytes};
// qemu-server's files are a few KiB; QEMU reads any size, so the bound is aperture's own.
constexpr InputFileKind kReadconfigFileKind{"-readconfig file", 1 * std::size_t{MiB}};

// PVE::JSONSchema's pve-vmid format: 100 to 999999999, so at most nine digits.
constexpr std::size_t kMaxVmidDigits = 9;

// The groups of a -readconfig file that create chardevs and monitors: host-side sockets, nothing the
// guest's address map holds.
constexpr std::array kHostSideGroups{"chardev", "mon"};

std::optional<std::string> load_from_this_host(const std::string& path) {
    std::error_code error;
    // exists() sets `error` only when it cannot tell (no permission on a directory): then reading says why.
    if (!std::filesystem::exists(path, error) && !error) return std::nullopt;
    return read_input_file(path, kReadconfigFileKind);
}

bool is_digits(std::string_view text) {
    return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; });
}

// A QemuOpts value: ",," stands for a comma.
std::string escape_commas(std::string_view value) {
    std::string out;
    for (char c : value) {
        out += c;
        if (c == ',') out += ',';
    }
    return out;
}

class ShowcmdReader {
public:
    ShowcmdReader(const std::string& file_name, const ReadconfigLoader& load) : file_name_(file_name), load_(load) {}

    ProxmoxCommandLine read(const std::vector<LocatedArg>& words) {
        if (words.empty()) throw InputError(file_name_ + ": holds no command line; expected the output of `qm showcmd VMID`");
        std::size_t i = 0;
        if (!words[0].text.starts_with('-')) result_.args.push_back(words[i++]);  // the binary: /usr/bin/kvm
        while (i < words.size()) {
            const LocatedArg& word = words[i++];
            if (!word.text.starts_with('-')) {
                result_.args.push_back(word);  // a disk image: the QEMU reader says what it makes of it
                continue;
            }
            std::string_view name = std::string_view(word.text).substr(word.text.starts_with("--") ? 2 : 1);
            if (name == "id" || name == "loadstate" || name == "readconfig" || name == "machine" || name == "M") {
                if (i >= words.size()) throw InputError(word.origin + " (" + word.text + "): requires an argument");
                const LocatedArg& argument = words[i++];
                read_proxmox_option(name, word, argument);
                continue;
            }
            result_.args.push_back(word);
            // An option QEMU does not know stays for the QEMU reader to refuse; its argument, if any, follows.
            if (qemu_option_takes_argument(name).value_or(false) && i < words.size()) result_.args.push_back(words[i++]);
        }
        if (result_.vmid.empty()) {
            throw InputError(file_name_ + ": has no -id VMID; expected the output of `qm showcmd VMID` (for another QEMU command "
                             "line, use @FILE)");
        }
        return std::move(result_);
    }

private:
    static std::string where_of(const LocatedArg& option, const LocatedArg& argument) {
        return option.origin + " (" + option.text + " " + argument.text + ")";
    }

    void note(std::string text, const std::string& where) { result_.notes.push_back({std::move(text), SourceLocation{where}}); }

    void read_proxmox_option(std::string_view name, const LocatedArg& option, const LocatedArg& argument) {
        const std::string where = where_of(option, argument);
        if (name == "id") {
            if (!is_digits(argument.text) || argument.text.size() > kMaxVmidDigits) {
                throw InputError(where + ": expected the VM's number (VMID, 100 to 999999999)");
            }
            result_.vmid = argument.text;
        } else if (name == "loadstate") {
            note("-loadstate resumes a hibernated VM from its saved state: the address map is the one it was saved with, "
                 "which this command line also describes",
                 where);
        } else if (name == "readconfig") {
            read_config_file(argument.text, where);
        } else {
            result_.args.push_back(option);
            result_.args.push_back({rewrite_machine(argument.text, where), argument.origin});
        }
    }

    // -machine's keyval argument with any Proxmox revision taken off its type: the implied first value ends
    // at the first comma; a key=value item ends at a comma that is not doubled.
    std::string rewrite_machine(const std::string& text, const std::string& where) {
        std::string out;
        std::size_t pos = 0;
        bool first = true;
        while (true) {
            const std::size_t first_comma = text.find(',', pos);
            const std::string_view head = std::string_view(text).substr(pos, first_comma == std::string::npos ? std::string::npos : first_comma - pos);
            const bool implied = first && head.find('=') == std::string_view::npos;
            std::size_t end = pos;
            if (implied) {
                end = first_comma == std::string::npos ? text.size() : first_comma;
            } else {
                while (end < text.size() && !(text[end] == ',' && (end + 1 >= text.size() || text[end + 1] != ','))) {
                    end += text[end] == ',' ? 2 : 1;
                }
            }
            std::string item = text.substr(pos, end - pos);
            if (implied) {
                item = upstream_type(item, where);
            } else if (item.starts_with("type=")) {
                item = "type=" + upstream_type(item.substr(5), where);
            }
            out += item;
            if (end >= text.size()) break;
            out += ',';
            pos = end + 1;
            first = false;
        }
        return out;
    }

    std::string upstream_type(const std::string& type, const std::string& where) {
        auto parsed = parse_pve_machine_type(type, where);
        if (!parsed) return type;
        note("machine type " + type + " is QEMU's " + parsed->upstream + ": pve-qemu-kvm drops qemu-server's revision +pve" +
                 std::to_string(parsed->revision) + ", which only changes qemu-server's own command line, already read here "
                 "(PVE/QemuServer/Machine.pm)",
             where);
        result_.machine = std::move(parsed);
        result_.machine_where = where;
        return result_.machine->upstream;
    }

    void read_config_file(const std::string& path, const std::string& where) {
        std::vector<QemuConfigSection> parsed;
        const std::vector<QemuConfigSection>* sections = nullptr;
        std::string copy;
        if (auto text = load_(path)) {
            parsed = parse_qemu_config(*text, path);
            sections = &parsed;
        } else if ((sections = builtin_pve_config(path)) != nullptr) {
            copy = " (aperture's copy)";
            note(path + " is not on this host: aperture used its copy of the file from " + std::string(kPveConfigSource) +
                     ", the same since Proxmox VE 6",
                 where);
        } else {
            throw InputError(where + ": no such file on this host, and aperture keeps copies only of qemu-server's "
                             "pve-q35-4.0.cfg, pve-q35.cfg and pve-usb.cfg in " + std::string(kPveConfigDirectory));
        }
        for (const auto& section : *sections) read_section(section, path, copy);
    }

    // `copy` follows each location of a section read from aperture's copy of the file.
    void read_section(const QemuConfigSection& section, const std::string& path, const std::string& copy) {
        const std::string origin = path + ":" + std::to_string(section.line) + copy;
        if (std::find(kHostSideGroups.begin(), kHostSideGroups.end(), section.group) != kHostSideGroups.end()) return;
        if (section.group != "device" && section.group != "machine" && section.group != "global") {
            throw InputError(origin + ": [" + section.group + "] sections are not read by aperture; it reads [device], [machine] "
                             "and [global], and skips [chardev] and [mon]");
        }
        if (section.group != "device" && section.id) {
            throw InputError(origin + ": [" + section.group + " \"" + *section.id + "\"]: a [" + section.group + "] section takes no id");
        }
        std::string argument;
        for (const auto& entry : section.entries) {
            const std::string entry_origin = path + ":" + std::to_string(entry.line) + copy;
            if (entry.key.find_first_of(",=") != std::string::npos || entry.key == "id") {
                throw InputError(entry_origin + ": '" + entry.key + "' is no property name" +
                                 (entry.key == "id" ? " here: the id goes in the section's line, [device \"ID\"]" : ""));
            }
            argument += (argument.empty() ? "" : ",") + entry.key + "=" + escape_commas(entry.value);
        }
        if (section.id) argument += (argument.empty() ? "" : ",") + std::string("id=") + escape_commas(*section.id);
        const LocatedArg option{"-" + section.group, origin};
        const LocatedArg value{argument, origin};
        if (section.group == "machine") {
            result_.args.push_back(option);
            result_.args.push_back({rewrite_machine(argument, where_of(option, value)), origin});
            return;
        }
        result_.args.push_back(option);
        result_.args.push_back(value);
    }

    const std::string& file_name_;
    const ReadconfigLoader& load_;
    ProxmoxCommandLine result_;
};

}  // namespace

ProxmoxCommandLine read_qm_showcmd(std::string_view text, const std::string& file_name, const ReadconfigLoader& load) {
    return ShowcmdReader(file_name, load).read(split_args_text_located(text, file_name));
}

ProxmoxCommandLine read_qm_showcmd_file(const std::string& path) {
    const ReadconfigLoader load = [](const std::string& config) { return load_from_this_host(config); };
    return read_qm_showcmd(read_input_file(path, kShowcmdFileKind), path, load);
}

}  // namespace aperture
