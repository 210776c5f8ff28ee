#pragma once
// PASS / WARN / FAIL in colour where a person reads them: on a terminal, unless NO_COLOR is set
// (https://no-color.org) or TERM is "dumb"; --color always|never decides for scripts and pagers.

#include <string>

namespace aperture::cli {

enum class ColourChoice { Auto, Always, Never };

ColourChoice parse_colour_choice(const std::string& word);  // "auto", "always", "never" (CLI11 checks the word)

// Whether to colour output written to standard output.
bool use_colour(ColourChoice choice, bool stdout_is_terminal, const char* no_color_env, const char* term_env);

// The check report with each finding's leading PASS/WARN/FAIL word (and the Result line's counts) coloured.
std::string colour_findings(const std::string& report);

}  // namespace aperture::cli
