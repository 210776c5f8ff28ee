#pragma once
// What every fuzz target asserts beyond "no crash, no sanitizer report": a reader fails only with
// aperture's own errors (InputError, UnsupportedError, ArithmeticError), and their words never carry a
// library's text. Any other exception escapes LLVMFuzzerTestOneInput and libFuzzer reports it as a crash.

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/error.hpp"

namespace aperture::fuzz {

// The input as a message may quote it after shell-style unquoting: without quotes, backslashes and
// line breaks.
inline std::string unquoted(std::string_view input) {
    std::string out;
    for (char c : input) {
        if (c != '\\' && c != '\'' && c != '"' && c != '\n') out += c;
    }
    return out;
}

// Whether the input explains an occurrence of `leak` in a message: the input holds the word, as written or
// unquoted, or the word but its last character, which the message's own punctuation completes (a quoted
// `-drive-x,what(` followed by the message's `)` reads "what()").
inline bool input_explains(std::string_view leak, std::string_view input) {
    const std::string unquoted_input = unquoted(input);
    const std::string_view stem = leak.substr(0, leak.size() - 1);
    return input.find(stem) != std::string_view::npos || unquoted_input.find(stem) != std::string::npos;
}

// Text from a library that must never reach a user (issue 19). Messages quote the input, so a word the
// input itself holds is not a leak.
inline void expect_own_words(std::string_view message, std::string_view input) {
    for (std::string_view leak : {"std::", "json.exception", "basic_string", "what()"}) {
        if (message.find(leak) != std::string_view::npos && !input_explains(leak, input)) {
            std::fprintf(stderr, "library text '%.*s' in a message: %.*s\n", static_cast<int>(leak.size()), leak.data(),
                         static_cast<int>(message.size()), message.data());
            std::abort();
        }
    }
}

// Runs `read` on `input`; aperture's own errors are outcomes, checked for library text.
template <class Read>
void expect_outcome(std::string_view input, Read&& read) {
    try {
        read();
    } catch (const InputError& e) {
        expect_own_words(e.what(), input);
    } catch (const UnsupportedError& e) {
        expect_own_words(e.what(), input);
    } catch (const ArithmeticError& e) {
        expect_own_words(e.what(), input);
    }
}

inline std::string text_of(const unsigned char* data, std::size_t size) { return std::string(reinterpret_cast<const char*>(data), size); }

}  // namespace aperture::fuzz
