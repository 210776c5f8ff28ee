#include "core/input_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <functional>
#include <optional>
#include <fmt/format.h>

#include "core/error.hpp"
#include "core/file_descriptor.hpp"

namespace aperture {

namespace {

constexpr std::size_t kReadChunk = 64 * 1024;

std::string file_type_words(mode_t mode) {
    if (S_ISDIR(mode)) return "a directory, not a file";
    if (S_ISFIFO(mode)) return "a FIFO, not a regular file";
    if (S_ISCHR(mode) || S_ISBLK(mode)) return "a device, not a regular file";
    if (S_ISSOCK(mode)) return "a socket, not a regular file";
    return "not a regular file";
}

std::string read_bounded(int fd, const InputFileKind& kind, const std::function<InputError(const std::string&)>& refuse) {
    std::string bytes;
    char chunk[kReadChunk];
    for (;;) {
        const ssize_t got = ::read(fd, chunk, sizeof chunk);
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) throw refuse(std::strerror(errno));
        if (got == 0) break;
        if (bytes.size() + static_cast<std::size_t>(got) > kind.max_bytes) {
            throw refuse(fmt::format("larger than {} bytes, aperture's bound for a file of this kind", kind.max_bytes));
        }
        bytes.append(chunk, static_cast<std::size_t>(got));
    }
    return bytes;
}

// Standard input can be read once; every later read of "-" (the platform check, then the reader) gets
// the same text.
std::string read_standard_input(const InputFileKind& kind) {
    static std::optional<std::string> text;
    if (!text) {
        text = read_bounded(STDIN_FILENO, kind, [&](const std::string& reason) {
            return InputError(fmt::format("cannot read {} from standard input: {}", kind.what, reason));
        });
    }
    if (text->size() > kind.max_bytes) {
        throw InputError(fmt::format("cannot read {} from standard input: larger than {} bytes, aperture's bound for a file of "
                                     "this kind", kind.what, kind.max_bytes));
    }
    return *text;
}

}  // namespace

std::string input_display_name(const std::string& path) { return path == kStandardInput ? "<stdin>" : path; }

std::string read_input_file(const std::string& path, const InputFileKind& kind) {
    if (path == kStandardInput) return read_standard_input(kind);
    const auto refuse = [&](const std::string& reason) {
        return InputError(fmt::format("cannot read {} '{}': {}", kind.what, path, reason));
    };
    // O_NONBLOCK: opening a FIFO must not wait for a writer; the type check below then refuses it.
    const FileDescriptor file(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY));
    if (file.fd() < 0) throw refuse(std::strerror(errno));
    struct stat info {};
    if (::fstat(file.fd(), &info) != 0) throw refuse(std::strerror(errno));
    if (!S_ISREG(info.st_mode)) throw refuse(file_type_words(info.st_mode));

    return read_bounded(file.fd(), kind, refuse);
}

}  // namespace aperture
