#pragma once
// The aperture command line: subcommands and their options.

#include <ostream>

namespace aperture::cli {

inline constexpr int EXIT_OK = 0;
inline constexpr int EXIT_PREDICTED_FAILURE = 1;  // the plan says QEMU or the firmware will fail
inline constexpr int EXIT_BAD_INPUT = 2;          // aperture could not read or model the input

int run(int argc, char** argv, std::ostream& out, std::ostream& err);

}  // namespace aperture::cli
