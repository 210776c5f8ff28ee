#include "cli/output_file.hpp"

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <fmt/format.h>
#include <optional>

#include "core/error.hpp"

namespace aperture::cli {

namespace {

// How many random names to try before giving up: a clash needs someone racing with 2^48 names.
constexpr int kTemporaryNameAttempts = 16;
// Random bytes in a temporary file's name, as hex.
constexpr std::size_t kTemporaryNameRandomBytes = 6;

class Descriptor {
public:
    explicit Descriptor(int fd = -1) : fd_(fd) {}
    ~Descriptor() {
        if (fd_ >= 0) ::close(fd_);
    }
    Descriptor(const Descriptor&) = delete;
    Descriptor& operator=(const Descriptor&) = delete;
    int get() const { return fd_; }
    // close(2) reports a delayed write error (NFS): the caller must see it.
    int close() {
        const int result = ::close(fd_);
        fd_ = -1;
        return result;
    }

private:
    int fd_;
};

// Where the text really goes: the directory and the name in it, after following a symbolic link.
struct Target {
    std::string directory;
    std::string name;
    std::optional<struct stat> existing;  // the file replaced, if any
};

// Holds the signals that end a run by default (a user's ^C, a service stop, a closed terminal) while it lives;
// restoring the mask delivers any that arrived.
class HeldSignals {
public:
    HeldSignals() {
        sigset_t held;
        ::sigemptyset(&held);
        for (int signal : {SIGINT, SIGTERM, SIGHUP, SIGQUIT}) ::sigaddset(&held, signal);
        ::pthread_sigmask(SIG_BLOCK, &held, &previous_);
    }
    ~HeldSignals() { ::pthread_sigmask(SIG_SETMASK, &previous_, nullptr); }
    HeldSignals(const HeldSignals&) = delete;
    HeldSignals& operator=(const HeldSignals&) = delete;

private:
    sigset_t previous_{};
};

class Writer {
public:
    Writer(const std::string& option, const std::string& path, const std::function<void()>& while_temporary)
        : option_(option), path_(path), while_temporary_(while_temporary) {}

    [[noreturn]] void fail(const std::string& what, int error = 0) const {
        throw InputError(error == 0 ? fmt::format("{} {}: {}", option_, path_, what)
                                    : fmt::format("{} {}: {}: {}", option_, path_, what, std::strerror(error)));
    }

    Target resolve() const {
        std::string resolved = path_;
        struct stat link {};
        if (::lstat(path_.c_str(), &link) == 0 && S_ISLNK(link.st_mode)) {
            // Followed once, to the file it names; a dangling link names a file to create.
            char buffer[PATH_MAX];
            if (::realpath(path_.c_str(), buffer) != nullptr) {
                resolved = buffer;
            } else {
                const ssize_t length = ::readlink(path_.c_str(), buffer, sizeof buffer - 1);
                if (length < 0) fail("cannot read the symbolic link", errno);
                buffer[length] = '\0';
                const std::string target(buffer);
                const auto slash = path_.rfind('/');
                resolved = target.starts_with('/') || slash == std::string::npos ? target : path_.substr(0, slash + 1) + target;
            }
        }
        Target t;
        const auto slash = resolved.rfind('/');
        t.directory = slash == std::string::npos ? "." : slash == 0 ? "/" : resolved.substr(0, slash);
        t.name = slash == std::string::npos ? resolved : resolved.substr(slash + 1);
        if (t.name.empty() || t.name == "." || t.name == "..") fail("names a directory, not a file");
        struct stat info {};
        if (::lstat(resolved.c_str(), &info) == 0) {
            if (!S_ISREG(info.st_mode)) fail(S_ISDIR(info.st_mode) ? "is a directory, not a file" : "is not a regular file");
            t.existing = info;
        } else if (errno != ENOENT) {
            fail("cannot look at the file", errno);
        }
        return t;
    }

    void write(const std::string& text) {
        const Target target = resolve();
        const Descriptor directory(::open(target.directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
        if (directory.get() < 0) fail("cannot open its directory", errno);
        directory_ = directory.get();

        {
            const HeldSignals held;
            Descriptor file(create_temporary(target.name));
            try {
                write_all(file.get(), text);
                set_mode_and_owner(file.get(), target);
                if (::fsync(file.get()) != 0) fail("writing failed", errno);
                if (file.close() != 0) fail("writing failed", errno);
                if (while_temporary_) while_temporary_();
                if (::renameat(directory_, temporary_.c_str(), directory_, target.name.c_str()) != 0) fail("cannot replace the file", errno);
                temporary_.clear();
            } catch (...) {
                ::unlinkat(directory_, temporary_.c_str(), 0);
                throw;
            }
        }
        // The rename is durable once the directory is: a failure here leaves the new file in place.
        if (::fsync(directory_) != 0) fail("the file is written, but its directory could not be synced", errno);
    }

private:
    int create_temporary(const std::string& name) {
        for (int attempt = 0; attempt < kTemporaryNameAttempts; ++attempt) {
            unsigned char random[kTemporaryNameRandomBytes];
            if (::getrandom(random, sizeof random, 0) != static_cast<ssize_t>(sizeof random)) fail("no random bytes for a temporary name", errno);
            std::string suffix;
            for (unsigned char byte : random) suffix += fmt::format("{:02x}", byte);
            temporary_ = "." + name + ".aperture-" + suffix;
            // 0600 while it is written: a domain may hold secrets even when its final mode is wider.
            const int fd = ::openat(directory_, temporary_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
            if (fd >= 0) return fd;
            if (errno != EEXIST) {
                const int error = errno;
                temporary_.clear();
                fail("cannot write there", error);
            }
        }
        temporary_.clear();
        fail("cannot create a temporary file beside it: every name tried exists");
    }

    void write_all(int fd, const std::string& text) const {
        std::size_t written = 0;
        while (written < text.size()) {
            const ssize_t got = ::write(fd, text.data() + written, text.size() - written);
            if (got < 0 && errno == EINTR) continue;
            if (got < 0) fail("writing failed", errno);
            written += static_cast<std::size_t>(got);
        }
    }

    void set_mode_and_owner(int fd, const Target& target) const {
        mode_t mode = 0;
        if (target.existing) {
            mode = target.existing->st_mode & 07777;
            // Only root can give a file away; anyone else writes a file of their own, as an editor does.
            if (::geteuid() == 0 && ::fchown(fd, target.existing->st_uid, target.existing->st_gid) != 0) {
                fail("cannot keep the file's owner", errno);
            }
        } else {
            const mode_t mask = ::umask(0);
            ::umask(mask);
            mode = 0666 & ~mask;
        }
        if (::fchmod(fd, mode) != 0) fail("cannot keep the file's mode", errno);
    }

    const std::string& option_;
    const std::string& path_;
    const std::function<void()>& while_temporary_;
    int directory_ = -1;
    std::string temporary_;  // the name in the directory while it exists
};

}  // namespace

void write_file_atomically(const std::string& option, const std::string& path, const std::string& text,
                           const std::function<void()>& while_temporary) {
    Writer(option, path, while_temporary).write(text);
}

}  // namespace aperture::cli
