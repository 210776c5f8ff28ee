// aperture: predicts the guest-physical address map a hypervisor and firmware will build.
// main only wires the library: read input -> plan -> report.

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <cstdio>
#include <iostream>
#include <stdexcept>

#include "cli/commands.hpp"
#include "cli/error_report.hpp"

int main(int argc, char** argv) {
    try {
        return aperture::cli::run(argc, argv, std::cout, std::cerr);
    } catch (...) {
        // run() reports its own failures; this is one in writing that report (out of memory).
        const aperture::cli::CliError error = aperture::cli::current_error();
        std::cerr << "aperture: error: " << error.message << "\n";
        return aperture::cli::exit_status(error.kind);
    }
}
