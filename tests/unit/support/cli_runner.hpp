#pragma once
// Runs the command line in-process, as `aperture WORDS...` would, capturing both streams.

#include <sstream>
#include <string>
#include <vector>

#include "cli/commands.hpp"

namespace aperture::test {

struct CliResult {
    int status;
    std::string out;
    std::string err;
};

inline CliResult run_cli(std::vector<std::string> words) {
    words.insert(words.begin(), "aperture");
    std::vector<char*> argv;
    for (auto& w : words) argv.push_back(w.data());
    std::ostringstream out, err;
    const int status = cli::run(static_cast<int>(argv.size()), argv.data(), out, err);
    return {status, out.str(), err.str()};
}

}  // namespace aperture::test
