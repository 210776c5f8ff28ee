#include "firmware/seabios/seabios_image.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace aperture {

namespace {

// Characters of a Debian or upstream version string: a match followed or preceded by one of these is
// part of a longer version ("1.16.2-debian-1.16.2-1" inside "...-10").
bool is_version_character(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '.' || c == '-' || c == '+' ||
           c == '~' || c == '_';
}

bool holds_whole(std::string_view bytes, std::string_view version) {
    for (auto at = bytes.find(version); at != std::string_view::npos; at = bytes.find(version, at + 1)) {
        const bool starts = at == 0 || !is_version_character(bytes[at - 1]);
        const std::size_t end = at + version.size();
        const bool ends = end == bytes.size() || !is_version_character(bytes[end]);
        if (starts && ends) return true;
    }
    return false;
}

// Closes the descriptor on every path out.
class ReadOnlyFile {
public:
    explicit ReadOnlyFile(const std::string& path) : fd_(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)) {}
    ~ReadOnlyFile() {
        if (fd_ >= 0) ::close(fd_);
    }
    ReadOnlyFile(const ReadOnlyFile&) = delete;
    ReadOnlyFile& operator=(const ReadOnlyFile&) = delete;

    int fd() const { return fd_; }

private:
    int fd_;
};

SeabiosImage unreadable(int error) { return SeabiosImage{SeabiosImageOutcome::Unreadable, nullptr, std::strerror(error)}; }

}  // namespace

const SeabiosRelease* seabios_release_in(std::string_view bytes) {
    for (const auto& release : kSeabiosReleases) {
        if (holds_whole(bytes, release.build_version)) return &release;
        if (!release.backport_build_version.empty() && holds_whole(bytes, release.backport_build_version)) return &release;
    }
    return nullptr;
}

SeabiosImage examine_seabios_image(const std::string& path) {
    const ReadOnlyFile file(path);
    if (file.fd() < 0) {
        const int error = errno;
        if (error == ENOENT || error == ENOTDIR) return SeabiosImage{SeabiosImageOutcome::NotFound, nullptr, ""};
        return unreadable(error);
    }
    struct stat info {};
    if (::fstat(file.fd(), &info) != 0) return unreadable(errno);
    if (S_ISDIR(info.st_mode)) return unreadable(EISDIR);
    // A FIFO or a device could block or never end; an image is a regular file.
    if (!S_ISREG(info.st_mode)) return SeabiosImage{SeabiosImageOutcome::Unreadable, nullptr, "not a regular file"};
    if (static_cast<u64>(info.st_size) > kMaxSeabiosImageSize) return SeabiosImage{SeabiosImageOutcome::TooLarge, nullptr, ""};

    std::string bytes(static_cast<std::size_t>(info.st_size), '\0');
    std::size_t filled = 0;
    while (filled < bytes.size()) {
        const ssize_t got = ::read(file.fd(), bytes.data() + filled, bytes.size() - filled);
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) return unreadable(errno);
        if (got == 0) break;  // shrank while read: look at what is there
        filled += static_cast<std::size_t>(got);
    }
    bytes.resize(filled);
    if (const SeabiosRelease* release = seabios_release_in(bytes)) return SeabiosImage{SeabiosImageOutcome::Recognised, release, ""};
    return SeabiosImage{SeabiosImageOutcome::NotRecognised, nullptr, ""};
}

}  // namespace aperture
