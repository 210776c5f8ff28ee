#include "cli/commands.hpp"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <fmt/format.h>

#include "app/use_cases.hpp"
#include "cli/error_report.hpp"
#include "cli/output_file.hpp"
#include "cli/subcommands.hpp"
#include "core/did_you_mean.hpp"
#include "core/error.hpp"
#include "firmware/ovmf/ovmf_release.hpp"
#include "firmware/seabios/seabios_release.hpp"
#include "machine/qemu_release.hpp"

namespace aperture::cli {

namespace {

int exit_status(app::Prediction prediction) { return prediction == app::Prediction::Works ? EXIT_OK : EXIT_PREDICTED_FAILURE; }

int write_fix(const FixCommand& command, const app::FixResult& result, std::ostream& out, std::ostream& err) {
    if (!command.output.empty()) write_file_atomically("--output", command.output, result.fixed_xml);
    // JSON carries the fixed domain and everything the text lines below say.
    if (command.format == "json") {
        out << result.json;
        return exit_status(result.prediction);
    }
    if (command.output.empty()) out << result.fixed_xml;
    for (const auto& line : result.stack) err << "aperture fix: stack " << line << "\n";
    for (const auto& line : result.applied) err << "aperture fix: applied " << line << "\n";
    if (result.applied.empty()) err << "aperture fix: nothing to change\n";
    for (const auto& line : result.not_applied) err << "aperture fix: not applied " << line << "\n";
    for (const auto& line : result.still_failing) err << "aperture fix: still FAIL after the fix " << line << "\n";
    return exit_status(result.prediction);
}

int write_host(const HostCommand& command, const app::HostResult& result, std::ostream& out) {
    if (!command.save.empty()) write_file_atomically("--save", command.save, result.json);
    out << (command.format == "json" ? result.json : result.text);
    return result.readiness == PassthroughReadiness::Possible ? EXIT_OK : EXIT_PREDICTED_FAILURE;
}

// aperture's own words, and everything after the first "--": the QEMU command line, verbatim, so QEMU's
// options are never mistaken for aperture's.
struct Words {
    std::vector<std::string> own;  // reversed: CLI11 parses a vector from its back
    std::vector<std::string> qemu;
    bool separator = false;
};

Words split_words(int argc, char** argv) {
    Words words;
    for (int i = 1; i < argc; ++i) {
        const std::string word = argv[i];
        if (!words.separator && word == "--") words.separator = true;
        else (words.separator ? words.qemu : words.own).push_back(word);
    }
    std::reverse(words.own.begin(), words.own.end());
    return words;
}

// --format json asked for anywhere in aperture's own words (before "--"), even when parsing them failed.
ErrorFormat requested_error_format(const Words& words) {
    for (std::size_t i = 0; i < words.own.size(); ++i) {
        const std::string& word = words.own[i];
        if (word == "--format=json") return ErrorFormat::Json;
        // words.own is reversed: the value follows "--format" at the lower index.
        if (word == "--format" && i > 0 && words.own[i - 1] == "json") return ErrorFormat::Json;
    }
    return ErrorFormat::Text;
}

// aperture's long option names ("--host"), on every subcommand.
std::vector<std::string> long_option_names(const CLI::App& app) {
    std::vector<std::string> names;
    for (const CLI::App* command : app.get_subcommands([](const CLI::App*) { return true; })) {
        for (const CLI::Option* option : command->get_options()) {
            for (const auto& name : option->get_lnames()) names.push_back("--" + name);
        }
    }
    return names;
}

// Words CLI11 did not expect: a mistyped option of aperture's gets the nearest one; QEMU's options given
// without "--" get where they go.
std::string extras_hint(const CLI::ParseError& e, const Words& words, const CLI::App& app) {
    if (dynamic_cast<const CLI::ExtrasError*>(&e) == nullptr) return {};
    std::string hint;
    const std::vector<std::string> known = long_option_names(app);
    for (auto it = words.own.rbegin(); it != words.own.rend(); ++it) {
        if (!it->starts_with("--")) continue;
        const std::string name = it->substr(0, it->find('='));
        if (const auto near = closest_name(name, known)) hint += fmt::format("{}{}: did you mean {}?", hint.empty() ? "" : "; ", name, *near);
    }
    if (!hint.empty() || words.separator) return hint;
    const bool qemu_like = std::any_of(words.own.begin(), words.own.end(), [](const std::string& w) {
        return w.size() > 1 && w[0] == '-' && w[1] != '-';
    });
    if (!qemu_like) return {};
    return "QEMU's own options go after \"--\": aperture plan [OPTIONS] -- -machine q35 -m 8G ... "
           "(or in a file: aperture plan @vm.args)";
}

}  // namespace

int run(int argc, char** argv, std::ostream& out, std::ostream& err) {
    CLI::App app{"aperture: predicts the guest-physical address map QEMU and its firmware will build"};
    app.require_subcommand(1);
    app.set_version_flag("-V,--version", fmt::format("aperture {} (models {}, {}, OVMF {})", APERTURE_VERSION, default_qemu_release().display_name,
                                                  default_seabios_release().identity.display_name, default_ovmf_release().identity.tag));
    PlanCommand plan_command;
    CheckCommand check_command;
    FixCommand fix_command;
    HostCommand host_command;
    MemlockCommand memlock_command;
    auto* plan = add_plan_subcommand(app, plan_command);
    auto* check = add_check_subcommand(app, check_command);
    auto* fix = add_fix_subcommand(app, fix_command);
    auto* host = add_host_subcommand(app, host_command);
    auto* memlock = add_memlock_subcommand(app, memlock_command);
    auto* devices = app.add_subcommand("devices", "List the QEMU device models aperture knows");

    Words words = split_words(argc, argv);
    const ErrorFormat error_format = requested_error_format(words);
    try {
        app.parse(words.own);
        if (words.separator) {
            auto& target = *check ? check_command.request.vm.source.qemu_args
                           : *fix ? fix_command.request.vm.source.qemu_args  // fix refuses it, saying why
                                  : plan_command.request.vm.source.qemu_args;
            target.insert(target.end(), words.qemu.begin(), words.qemu.end());
        }
    } catch (const CLI::ParseError& e) {
        const std::string hint = extras_hint(e, words, app);
        if (e.get_exit_code() != 0 && error_format == ErrorFormat::Json) {
            write_error({ErrorKind::Usage, hint.empty() ? std::string(e.what()) : std::string(e.what()) + " (" + hint + ")"}, error_format, out, err);
            return EXIT_BAD_INPUT;
        }
        const int code = app.exit(e, out, err);
        if (!hint.empty()) err << hint << "\n";
        return code == 0 ? EXIT_OK : EXIT_BAD_INPUT;
    }

    try {
        if (*plan) {
            const app::PlanResult result = app::plan(plan_command.parsed());
            out << result.output;
            return exit_status(result.prediction);
        }
        if (*check) {
            const app::CheckResult result = app::check(check_command.parsed());
            out << result.output;
            return exit_status(result.prediction);
        }
        if (*fix) return write_fix(fix_command, app::fix(fix_command.parsed()), out, err);
        if (*host) return write_host(host_command, app::host(host_command.request), out);
        if (*memlock) {
            out << app::memlock(memlock_command.parsed()).output;
            return EXIT_OK;
        }
        if (*devices) {
            out << app::devices();
            return EXIT_OK;
        }
    } catch (...) {
        const CliError error = current_error();
        write_error(error, error_format, out, err);
        return exit_status(error.kind);
    }
    return EXIT_OK;
}

}  // namespace aperture::cli
