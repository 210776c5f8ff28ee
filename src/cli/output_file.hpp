#pragma once
// Files the CLI writes for the user (fix --output, host --save).

#include <string>

namespace aperture::cli {

// Writes `text` to `path` through a temporary file in the same directory, so a failure leaves nothing
// half-written. Throws InputError "OPTION PATH: ..." when it cannot.
void write_file_atomically(const std::string& option, const std::string& path, const std::string& text);

}  // namespace aperture::cli
