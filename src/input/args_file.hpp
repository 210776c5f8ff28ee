#pragma once
// A command line saved in a file (`aperture plan -- @vm.args`): split into words the way a POSIX shell
// would split a line it is given, so a command copied from a script or `ps` reads the same here.
//   - words are separated by blanks and newlines; "\" before a newline joins the lines;
//   - '...' is literal; "..." allows \" \\ \$ \` and \<newline>; outside quotes "\x" is x;
//   - a word that starts with '#' starts a comment that runs to the end of the line.
// No expansion ($VAR, globs, ~) is done: such text is kept as written.

#include <string>
#include <string_view>
#include <vector>

namespace aperture {

// One word of a command line and where it was read: "argument 4" or "vm.args:12".
struct LocatedArg {
    std::string text;
    std::string origin;
};

// Splits `text` (the contents of `file_name`); errors name the file and line: "vm.args:3: ...".
std::vector<LocatedArg> split_args_text_located(std::string_view text, const std::string& file_name);

// The whole of a file; InputError naming the file when it cannot be read.
std::string read_text_file(const std::string& path);

}  // namespace aperture
