#include "cli/error_report.hpp"

#include <nlohmann/json.hpp>

#include <new>

#include "cli/commands.hpp"
#include "core/error.hpp"
#include "core/qemu_refusal.hpp"

namespace aperture::cli {

CliError current_error() {
    try {
        throw;
    } catch (const QemuRefusal& e) {
        return {ErrorKind::QemuRefuses, e.what()};
    } catch (const InputError& e) {
        return {ErrorKind::BadInput, e.what()};
    } catch (const UnsupportedError& e) {
        return {ErrorKind::NotModelled, e.what()};
    } catch (const ArithmeticError& e) {
        return {ErrorKind::Overflow, e.what()};
    } catch (const std::bad_alloc&) {
        return {ErrorKind::OutOfMemory, "out of memory"};
    } catch (...) {
        // A library's message (std::out_of_range's "basic_string::substr", nlohmann's "[json.exception...]")
        // says nothing a user can act on: the failure is aperture's, and says so.
        return {ErrorKind::Internal, "internal error: an unexpected failure inside aperture (a bug: please report the command line)"};
    }
}

int exit_status(ErrorKind kind) { return kind == ErrorKind::QemuRefuses ? EXIT_PREDICTED_FAILURE : EXIT_BAD_INPUT; }

const char* error_code(ErrorKind kind) {
    switch (kind) {
        case ErrorKind::BadInput: return "bad-input";
        case ErrorKind::NotModelled: return "not-modelled";
        case ErrorKind::Overflow: return "overflow";
        case ErrorKind::QemuRefuses: return "qemu-refuses";
        case ErrorKind::OutOfMemory: return "out-of-memory";
        case ErrorKind::Internal: return "internal";
        case ErrorKind::Usage: return "usage";
    }
    return "internal";
}

namespace {

const char* text_prefix(ErrorKind kind) {
    switch (kind) {
        case ErrorKind::NotModelled: return "aperture: not modelled: ";
        case ErrorKind::QemuRefuses: return "aperture: QEMU refuses: ";
        default: return "aperture: error: ";
    }
}

}  // namespace

void write_error(const CliError& error, ErrorFormat format, std::ostream& out, std::ostream& err) {
    if (format == ErrorFormat::Text) {
        err << text_prefix(error.kind) << error.message << "\n";
        return;
    }
    nlohmann::ordered_json j;
    j["schema"] = "aperture-error/1";
    j["error"]["code"] = error_code(error.kind);
    j["error"]["message"] = error.message;
    j["error"]["exit_status"] = exit_status(error.kind);
    // A message quotes the input, which may hold bytes that are not UTF-8.
    out << j.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << "\n";
}

}  // namespace aperture::cli
