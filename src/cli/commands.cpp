#include "cli/commands.hpp"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <unistd.h>
#include <fmt/format.h>

#include "app/use_cases.hpp"
#include "cli/error_report.hpp"
#include "cli/output_file.hpp"
#include "cli/cli_definition.hpp"
#include "cli/subcommands.hpp"
#include "cli/terminal_colour.hpp"
#include "core/did_you_mean.hpp"
#include "core/error.hpp"

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
    const std::string& report = command.format == "json" ? result.json : result.text;
    if (command.output.empty()) out << report;
    else write_file_atomically("--output", command.output, report);
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
    CLI::App app;
    CliCommands commands;
    const CliHandles handles = define_cli(app, commands);
    CLI::App* plan = handles.plan;
    CLI::App* check = handles.check;
    CLI::App* fix = handles.fix;
    CLI::App* host = handles.host;
    CLI::App* memlock = handles.memlock;
    CLI::App* devices = handles.devices;
    PlanCommand& plan_command = commands.plan;
    CheckCommand& check_command = commands.check;
    FixCommand& fix_command = commands.fix;
    HostCommand& host_command = commands.host;
    MemlockCommand& memlock_command = commands.memlock;
    const std::string& devices_format = commands.devices_format;

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
        // -o FILE: the report goes to the file, replaced whole; the exit status is the same.
        const auto emit = [&](const std::string& path, const std::string& text) {
            if (path.empty()) out << text;
            else write_file_atomically("--output", path, text);
        };
        if (*plan) {
            const app::PlanResult result = app::plan(plan_command.parsed());
            emit(plan_command.output, result.output);
            return exit_status(result.prediction);
        }
        if (*check) {
            const app::CheckResult result = app::check(check_command.parsed());
            const bool terminal = check_command.output.empty() && &out == &std::cout && ::isatty(STDOUT_FILENO) == 1;
            const bool colour = check_command.format == "text" &&
                                use_colour(parse_colour_choice(check_command.colour), terminal, std::getenv("NO_COLOR"), std::getenv("TERM"));
            emit(check_command.output, colour ? colour_findings(result.output) : result.output);
            return exit_status(result.prediction);
        }
        if (*fix) return write_fix(fix_command, app::fix(fix_command.parsed()), out, err);
        if (*host) return write_host(host_command, app::host(host_command.request), out);
        if (*memlock) {
            emit(memlock_command.output, app::memlock(memlock_command.parsed()).output);
            return EXIT_OK;
        }
        if (*devices) {
            out << app::devices(devices_format == "json" ? app::OutputFormat::Json : app::OutputFormat::Text);
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
