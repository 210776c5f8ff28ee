#include "cli/terminal_colour.hpp"

#include <gtest/gtest.h>

namespace aperture::cli {
namespace {

TEST(TerminalColour, AutoColoursATerminalUnlessNoColorOrDumb) {
    EXPECT_TRUE(use_colour(ColourChoice::Auto, true, nullptr, "xterm-256color"));
    EXPECT_FALSE(use_colour(ColourChoice::Auto, false, nullptr, "xterm"));   // a pipe or a file
    EXPECT_FALSE(use_colour(ColourChoice::Auto, true, "1", "xterm"));        // NO_COLOR set
    EXPECT_TRUE(use_colour(ColourChoice::Auto, true, "", "xterm"));          // NO_COLOR empty: not set
    EXPECT_FALSE(use_colour(ColourChoice::Auto, true, nullptr, "dumb"));
    EXPECT_TRUE(use_colour(ColourChoice::Always, false, "1", "dumb"));       // the user's explicit choice wins
    EXPECT_FALSE(use_colour(ColourChoice::Never, true, nullptr, "xterm"));
}

TEST(TerminalColour, ColoursOnlyTheVerdictWords) {
    const std::string report = "FAIL  firmware.assignment  The firmware assigns every BAR\n"
                               "      PASS is only a word here\n"
                               "Result: 1 FAIL, 0 WARN, 2 PASS\n";
    const std::string coloured = colour_findings(report);
    EXPECT_EQ(coloured.rfind("\033[1;31mFAIL\033[0m  firmware.assignment", 0), 0u) << coloured;
    EXPECT_NE(coloured.find("\n      PASS is only a word here\n"), std::string::npos);
    EXPECT_NE(coloured.find("Result: 1 \033[1;31mFAIL\033[0m, 0 \033[33mWARN\033[0m, 2 \033[32mPASS\033[0m\n"), std::string::npos) << coloured;
}

}  // namespace
}  // namespace aperture::cli
