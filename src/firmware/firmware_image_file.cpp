#include "firmware/firmware_image_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/file_descriptor.hpp"

namespace aperture {

namespace {

FirmwareImageFile unreadable(std::string reason) { return {FirmwareImageOutcome::Unreadable, "", std::move(reason)}; }

}  // namespace

FirmwareImageFile read_firmware_image(const std::string& path, u64 max_size) {
    const FileDescriptor file(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY));
    if (file.fd() < 0) {
        const int error = errno;
        if (error == ENOENT || error == ENOTDIR) return {FirmwareImageOutcome::NotFound, "", ""};
        return unreadable(std::strerror(error));
    }
    struct stat info {};
    if (::fstat(file.fd(), &info) != 0) return unreadable(std::strerror(errno));
    if (S_ISDIR(info.st_mode)) return unreadable(std::strerror(EISDIR));
    // A FIFO or a device could block or never end; an image is a regular file.
    if (!S_ISREG(info.st_mode)) return unreadable("not a regular file");
    if (static_cast<u64>(info.st_size) > max_size) return {FirmwareImageOutcome::TooLarge, "", ""};

    std::string bytes(static_cast<std::size_t>(info.st_size), '\0');
    std::size_t filled = 0;
    while (filled < bytes.size()) {
        const ssize_t got = ::read(file.fd(), bytes.data() + filled, bytes.size() - filled);
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) return unreadable(std::strerror(errno));
        if (got == 0) break;  // shrank while read: look at what is there
        filled += static_cast<std::size_t>(got);
    }
    bytes.resize(filled);
    return {FirmwareImageOutcome::NotRecognised, std::move(bytes), ""};
}

}  // namespace aperture
