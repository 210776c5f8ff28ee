#pragma once
// How the CLI reports a failure it cannot turn into a plan: one kind per exit status rule, written as text
// on standard error, or as a JSON object on standard output when --format json was asked for, so a
// program reading the JSON never meets prose. Only aperture's own words reach the user: an exception the
// code did not expect is named as such, never by the library's text.

#include <exception>
#include <ostream>
#include <string>

namespace aperture::cli {

enum class ErrorKind {
    BadInput,      // aperture cannot read the input (a file, a word, a syntax): exit 2
    NotModelled,   // read, but a part of it aperture does not model: exit 2
    Overflow,      // a value past 64-bit address arithmetic: exit 2
    QemuRefuses,   // QEMU reads the command line and refuses it, in its own words: exit 1
    OutOfMemory,   // exit 2
    Internal,      // an exception aperture did not expect: a bug, exit 2
    Usage,         // the aperture command line itself (unknown option, missing value): exit 2
};

struct CliError {
    ErrorKind kind;
    std::string message;  // aperture's words only
};

enum class ErrorFormat { Text, Json };

// The error the exception in flight stands for; call inside a catch block.
CliError current_error();

// 1 for QemuRefuses (a predicted refusal, as for a plan that fails), 2 for the others.
int exit_status(ErrorKind kind);

// The stable code a JSON error carries: "bad-input", "not-modelled", "overflow", "qemu-refuses",
// "out-of-memory", "internal", "usage".
const char* error_code(ErrorKind kind);

// Text: "aperture: error: MESSAGE" on `err`. JSON: {"schema": "aperture-error/1", "error": {"code": ...,
// "message": ..., "exit_status": ...}} on `out`.
void write_error(const CliError& error, ErrorFormat format, std::ostream& out, std::ostream& err);

}  // namespace aperture::cli
