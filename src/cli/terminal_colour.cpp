#include "cli/terminal_colour.hpp"

#include <array>
#include <string_view>

namespace aperture::cli {

namespace {

// ECMA-48 SGR: green, yellow, bold red; 0 resets.
constexpr std::string_view kReset = "\033[0m";
struct Verdict {
    std::string_view word;
    std::string_view colour;
};
constexpr std::array kVerdicts{Verdict{"PASS", "\033[32m"}, Verdict{"WARN", "\033[33m"}, Verdict{"FAIL", "\033[1;31m"}};

std::string coloured(std::string_view word, std::string_view colour) {
    return std::string(colour) + std::string(word) + std::string(kReset);
}

}  // namespace

ColourChoice parse_colour_choice(const std::string& word) {
    if (word == "always") return ColourChoice::Always;
    if (word == "never") return ColourChoice::Never;
    return ColourChoice::Auto;
}

bool use_colour(ColourChoice choice, bool stdout_is_terminal, const char* no_color_env, const char* term_env) {
    if (choice != ColourChoice::Auto) return choice == ColourChoice::Always;
    if (no_color_env != nullptr && *no_color_env != '\0') return false;
    if (term_env != nullptr && std::string_view(term_env) == "dumb") return false;
    return stdout_is_terminal;
}

std::string colour_findings(const std::string& report) {
    std::string out;
    out.reserve(report.size() + 256);
    std::size_t start = 0;
    while (start < report.size()) {
        std::size_t end = report.find('\n', start);
        if (end == std::string::npos) end = report.size();
        std::string line = report.substr(start, end - start);
        for (const auto& verdict : kVerdicts) {
            // A finding line: "FAIL  firmware.assignment  ...".
            if (line.starts_with(std::string(verdict.word) + "  ")) {
                line = coloured(verdict.word, verdict.colour) + line.substr(verdict.word.size());
                break;
            }
        }
        if (line.starts_with("Result: ")) {
            for (const auto& verdict : kVerdicts) {
                const std::string word = " " + std::string(verdict.word);
                const std::size_t at = line.find(word);
                if (at != std::string::npos) line.replace(at + 1, verdict.word.size(), coloured(verdict.word, verdict.colour));
            }
        }
        out += line;
        if (end < report.size()) out += '\n';
        start = end + 1;
    }
    return out;
}

}  // namespace aperture::cli
