#pragma once
// aperture's whole command line as one definition: run() parses with it, and the man page and the shell
// completions are generated from it (cli/cli_docs.hpp), so the three cannot drift apart.

#include <CLI/CLI.hpp>
#include <string>

#include "cli/subcommands.hpp"

namespace aperture::cli {

// What the options parse into.
struct CliCommands {
    PlanCommand plan;
    CheckCommand check;
    FixCommand fix;
    HostCommand host;
    MemlockCommand memlock;
    std::string devices_format = "text";
};

struct CliHandles {
    CLI::App* plan = nullptr;
    CLI::App* check = nullptr;
    CLI::App* fix = nullptr;
    CLI::App* host = nullptr;
    CLI::App* memlock = nullptr;
    CLI::App* devices = nullptr;
};

// The exit statuses, as help and the man page state them (README.md "Exit status" has the long form).
inline constexpr const char* kExitStatusHelp =
    "Exit status: 0 the VM works (check: nothing FAILs); 1 QEMU or the firmware would refuse or fail (check: a FAIL);\n"
    "2 aperture cannot read or model the input.";

// Defines every subcommand and option on `app`, bound to `commands` (which must outlive the parse).
CliHandles define_cli(CLI::App& app, CliCommands& commands);

}  // namespace aperture::cli
