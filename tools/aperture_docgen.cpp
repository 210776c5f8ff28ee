// Writes aperture's man page and shell completions from the command line's own definition:
//   aperture-docgen OUTPUT_DIR   ->   OUTPUT_DIR/aperture.1, OUTPUT_DIR/aperture.bash, OUTPUT_DIR/_aperture
#include <fstream>
#include <iostream>

#include "cli/cli_definition.hpp"
#include "cli/cli_docs.hpp"

int main(int argc, char** argv) {
    if (argc != 2) {
        std::cerr << "usage: aperture-docgen OUTPUT_DIR\n";
        return 2;
    }
    CLI::App app;
    aperture::cli::CliCommands commands;
    aperture::cli::define_cli(app, commands);
    const std::string dir = argv[1];
    const std::pair<const char*, std::string> files[] = {
        {"/aperture.1", aperture::cli::man_page(app, APERTURE_VERSION)},
        {"/aperture.bash", aperture::cli::bash_completion(app)},
        {"/_aperture", aperture::cli::zsh_completion(app)},
    };
    for (const auto& [name, text] : files) {
        std::ofstream file(dir + name);
        file << text;
        if (!file) {
            std::cerr << "aperture-docgen: cannot write " << dir << name << "\n";
            return 1;
        }
    }
    return 0;
}
