#pragma once
// The man page and the bash and zsh completions, generated from the command line's own definition
// (cli/cli_definition.hpp) by the aperture-docgen build tool.

#include <CLI/CLI.hpp>
#include <string>
#include <vector>

namespace aperture::cli {

// One option as the documents need it.
struct OptionDoc {
    std::vector<std::string> names;    // "-h", "--help"
    std::string value;                 // "FORMAT", "FILE", ...; empty for a flag
    std::vector<std::string> choices;  // the words CLI::IsMember accepts; empty when any value goes
    bool file = false;                 // the value names a file (completion offers files)
    std::string description;
};

struct SubcommandDoc {
    std::string name;
    std::string description;
    std::vector<OptionDoc> options;
    bool takes_qemu_args = false;  // plan and check read a QEMU command line after "--"
};

std::vector<SubcommandDoc> describe_subcommands(const CLI::App& app);

std::string man_page(const CLI::App& app, const std::string& version);  // roff, section 1
std::string bash_completion(const CLI::App& app);
std::string zsh_completion(const CLI::App& app);

}  // namespace aperture::cli
