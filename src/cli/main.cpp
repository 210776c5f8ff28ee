// aperture: predicts the guest-physical address map a hypervisor and firmware will build.
// main only wires the library: read input -> plan -> report.

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <cstdio>
#include <iostream>
#include <stdexcept>

#include "cli/commands.hpp"

int main(int argc, char** argv) {
    try {
        return aperture::cli::run(argc, argv, std::cout, std::cerr);
    } catch (const std::exception& e) {
        std::cerr << "aperture: error: " << e.what() << "\n";
        return aperture::cli::EXIT_BAD_INPUT;
    }
}
