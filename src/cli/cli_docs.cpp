#include "cli/cli_docs.hpp"

#include <algorithm>
#include <cctype>
#include <fmt/format.h>
#include <set>

#include "cli/cli_definition.hpp"

namespace aperture::cli {

namespace {

// Options whose value names a file or a directory: completion offers the file system for them.
const std::set<std::string> kFileOptions{"xml", "host", "xl", "proxmox-cmd", "output", "save", "root", "migrate-to"};

std::string upper(std::string text) {
    for (char& c : text) c = c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return text;
}

// CLI11 writes an IsMember check into the type name: "TEXT:{text,json,svg,html}".
std::vector<std::string> choices_of(const std::string& type_name) {
    const auto open = type_name.find('{');
    const auto close = type_name.find('}', open);
    if (open == std::string::npos || close == std::string::npos) return {};
    std::vector<std::string> out;
    const auto add = [&](const std::string& word) {
        // A CheckedTransformer lists "intel->GenuineIntel": both words are accepted.
        const auto arrow = word.find("->");
        for (const std::string& w : arrow == std::string::npos ? std::vector<std::string>{word}
                                                               : std::vector<std::string>{word.substr(0, arrow), word.substr(arrow + 2)}) {
            if (!w.empty() && std::find(out.begin(), out.end(), w) == out.end()) out.push_back(w);
        }
    };
    std::string word;
    for (char c : type_name.substr(open + 1, close - open - 1)) {
        if (c == ',') {
            add(word);
            word.clear();
        } else if (c != ' ') {
            word += c;
        }
    }
    add(word);
    return out;
}

OptionDoc describe(const CLI::Option& option) {
    OptionDoc doc;
    for (const auto& s : option.get_snames()) doc.names.push_back("-" + s);
    for (const auto& l : option.get_lnames()) doc.names.push_back("--" + l);
    if (doc.names.empty()) doc.names.push_back(option.get_name());  // a positional: args-file
    doc.description = option.get_description();
    if (option.get_items_expected_max() > 0) {
        const std::string long_name = option.get_lnames().empty() ? "" : option.get_lnames().front();
        doc.choices = choices_of(option.get_type_name());
        doc.file = kFileOptions.contains(long_name) || option.get_positional();
        doc.value = option.get_positional() ? "@FILE" : doc.file ? (long_name == "root" ? "DIR" : "FILE") : upper(long_name);
    }
    return doc;
}

// roff: a backslash is \e, a line may not start with "." or "'", and "-" in option names is \-.
std::string roff(const std::string& text) {
    std::string out;
    bool line_start = true;
    for (char c : text) {
        if (line_start && (c == '.' || c == '\'')) out += "\\&";
        if (c == '\\') out += "\\e";
        else if (c == '-') out += "\\-";
        else out += c;
        line_start = c == '\n';
    }
    return out;
}

// zsh _arguments descriptions may not hold ':' '[' ']' or a single quote unescaped.
std::string zsh_text(const std::string& text) {
    std::string first = text.substr(0, std::min(text.find(';'), text.find(". ")));
    std::string out;
    for (char c : first) {
        if (c == '[') out += '(';
        else if (c == ']') out += ')';
        else if (c == ':') out += ' ';
        else if (c == '\'') out += "'\\''";
        else if (c == '\n') out += ' ';
        else out += c;
    }
    return out;
}

std::string synopsis_tail(const SubcommandDoc& sub) {
    if (sub.takes_qemu_args) return " [OPTIONS] [@FILE] [-- QEMU-ARGS...]";
    return " [OPTIONS]";
}

}  // namespace

std::vector<SubcommandDoc> describe_subcommands(const CLI::App& app) {
    std::vector<SubcommandDoc> out;
    for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; })) {
        SubcommandDoc doc{sub->get_name(), sub->get_description(), {}, sub->get_name() == "plan" || sub->get_name() == "check"};
        for (const CLI::Option* option : sub->get_options()) doc.options.push_back(describe(*option));
        out.push_back(std::move(doc));
    }
    return out;
}

std::string man_page(const CLI::App& app, const std::string& version) {
    std::string out;
    out += fmt::format(".TH APERTURE 1 \"\" \"aperture {}\" \"User Commands\"\n", version);
    out += ".SH NAME\naperture \\- " + roff(app.get_description().substr(app.get_description().find(": ") + 2)) + "\n";
    out += ".SH SYNOPSIS\n.B aperture\n.I SUBCOMMAND\n[\\fIOPTIONS\\fR] [\\fB\\-\\-\\fR \\fIQEMU\\-ARGS\\fR...]\n";
    out += ".SH DESCRIPTION\n";
    out += roff("aperture predicts, before anything boots, the guest-physical address map a hypervisor and its firmware will "
                "build for a VM: RAM and holes, MMIO windows, every bridge window and every BAR. It says what will fail, why, and "
                "the smallest fix, in the user's own syntax. It reads a QEMU command line, a libvirt domain XML (virsh dumpxml), "
                "Proxmox VE's qm showcmd output or a Xen xl.cfg, and the live host through sysfs and procfs (read-only).") + "\n";
    out += ".SH SUBCOMMANDS\n";
    for (const auto& sub : describe_subcommands(app)) {
        out += fmt::format(".SS \"aperture {}{}\"\n{}\n", sub.name, roff(synopsis_tail(sub)), roff(sub.description));
        for (const auto& option : sub.options) {
            std::string names;
            for (const auto& n : option.names) names += (names.empty() ? "" : ", ") + fmt::format("\\fB{}\\fR", roff(n));
            out += ".TP\n" + names + (option.value.empty() ? "" : " \\fI" + roff(option.value) + "\\fR") + "\n";
            out += roff(option.description);
            if (!option.choices.empty() && option.description.find(option.choices.front()) == std::string::npos) {
                std::string words;
                for (const auto& c : option.choices) words += (words.empty() ? "" : ", ") + c;
                out += roff(" (one of: " + words + ")");
            }
            out += "\n";
        }
    }
    out += ".SH EXIT STATUS\n.TP\n0\nThe VM works (check: nothing FAILs; fix: nothing FAILs any more).\n";
    out += ".TP\n1\nQEMU or the firmware would refuse or fail, in their own words (check: a FAIL); host: no device can be "
           "passed through.\n";
    out += ".TP\n2\naperture cannot read or model the input; the message names the file, line or argument.\n";
    out += ".SH ENVIRONMENT\n.TP\nNO_COLOR\nWhen set and not empty, check does not colour PASS, WARN and FAIL on a terminal "
           "(\\fB\\-\\-color always\\fR still does).\n";
    out += ".SH EXAMPLES\n.nf\n";
    out += roff("aperture plan -- -machine q35 -m 16G -device pcie-root-port,id=rp1,chassis=1 -device vfio-pci,host=01:00.0,bus=rp1\n"
                "virsh dumpxml win11 | aperture check --xml -\n"
                "aperture fix --xml vm.xml --output vm-fixed.xml\n"
                "aperture host --save host.json\n");
    out += ".fi\n.SH SEE ALSO\n\\fBqemu\\-system\\-x86_64\\fR(1), \\fBvirsh\\fR(1), \\fBxl.cfg\\fR(5)\n";
    return out;
}

std::string bash_completion(const CLI::App& app) {
    const auto subs = describe_subcommands(app);
    std::string names;
    for (const auto& sub : subs) names += (names.empty() ? "" : " ") + sub.name;
    std::string out = "# bash completion for aperture, generated from its command-line definition (aperture-docgen).\n"
                      "_aperture() {\n"
                      "    local cur=\"${COMP_WORDS[COMP_CWORD]}\" prev=\"${COMP_WORDS[COMP_CWORD-1]}\" sub=\"\" i\n"
                      "    for ((i = 1; i < COMP_CWORD; i++)); do\n"
                      "        # After \"--\" the words are QEMU's: aperture has nothing to offer there.\n"
                      "        [[ ${COMP_WORDS[i]} == -- ]] && return 0\n"
                      "        case ${COMP_WORDS[i]} in " + [&] {
                          std::string alternatives;
                          for (const auto& sub : subs) alternatives += (alternatives.empty() ? "" : "|") + sub.name;
                          return alternatives;
                      }() + ") sub=${COMP_WORDS[i]}; break ;; esac\n"
                      "    done\n"
                      "    if [[ -z $sub ]]; then\n"
                      "        COMPREPLY=($(compgen -W \"" + names + " -h --help -V --version\" -- \"$cur\"))\n"
                      "        return 0\n"
                      "    fi\n"
                      "    case \"$sub $prev\" in\n";
    for (const auto& sub : subs) {
        for (const auto& option : sub.options) {
            if (option.value.empty() || option.names.front().front() != '-') continue;
            std::string patterns;
            for (const auto& n : option.names) patterns += (patterns.empty() ? "" : "|") + fmt::format("\"{} {}\"", sub.name, n);
            if (!option.choices.empty()) {
                std::string words;
                for (const auto& c : option.choices) words += (words.empty() ? "" : " ") + c;
                out += fmt::format("        {}) COMPREPLY=($(compgen -W \"{}\" -- \"$cur\")); return 0 ;;\n", patterns, words);
            } else if (option.file) {
                out += fmt::format("        {}) COMPREPLY=($(compgen -f -- \"$cur\")); return 0 ;;\n", patterns);
            } else {
                out += fmt::format("        {}) return 0 ;;\n", patterns);
            }
        }
    }
    out += "    esac\n    local opts\n    case $sub in\n";
    for (const auto& sub : subs) {
        std::string opts;
        for (const auto& option : sub.options) {
            for (const auto& n : option.names) {
                if (n.front() == '-') opts += (opts.empty() ? "" : " ") + n;
            }
        }
        if (sub.takes_qemu_args) opts += " --";
        out += fmt::format("        {}) opts=\"{}\" ;;\n", sub.name, opts);
    }
    out += "    esac\n"
           "    if [[ $cur == -* ]]; then COMPREPLY=($(compgen -W \"$opts\" -- \"$cur\")); else COMPREPLY=($(compgen -f -- \"$cur\")); fi\n"
           "}\n"
           "complete -F _aperture aperture\n";
    return out;
}

std::string zsh_completion(const CLI::App& app) {
    const auto subs = describe_subcommands(app);
    std::string out = "#compdef aperture\n# zsh completion for aperture, generated from its command-line definition (aperture-docgen).\n"
                      "_aperture() {\n    local -a subcommands\n    subcommands=(\n";
    for (const auto& sub : subs) out += fmt::format("        '{}:{}'\n", sub.name, zsh_text(sub.description));
    out += "    )\n"
           "    if (( CURRENT == 2 )); then\n        _describe 'subcommand' subcommands\n        return\n    fi\n"
           "    local sub=$words[2]\n    shift words\n    (( CURRENT-- ))\n    case $sub in\n";
    for (const auto& sub : subs) {
        out += fmt::format("        {})\n            _arguments -s", sub.name);
        for (const auto& option : sub.options) {
            if (option.names.front().front() != '-') continue;
            std::string action;
            if (!option.value.empty()) {
                std::string words;
                for (const auto& c : option.choices) words += (words.empty() ? "" : " ") + c;
                action = ":" + option.value + ":" + (!option.choices.empty() ? "(" + words + ")" : option.file ? "_files" : " ");
            }
            const bool repeatable = option.description.find("repeatable") != std::string::npos;
            for (const auto& n : option.names) {
                out += fmt::format(" \\\n                '{}{}[{}]{}'", repeatable ? "*" : "", n, zsh_text(option.description), action);
            }
        }
        if (sub.takes_qemu_args) out += " \\\n                '*::QEMU arguments or @FILE:_files'";
        out += "\n            ;;\n";
    }
    out += "    esac\n}\n_aperture \"$@\"\n";
    return out;
}

}  // namespace aperture::cli
