#pragma once
// An open file descriptor closed on every path out: input files, firmware images, sysfs/procfs and /dev/kvm
// are opened read-only, and no descriptor may leak when a read or an ioctl fails half-way.

#include <unistd.h>

namespace aperture {

class FileDescriptor {
public:
    explicit FileDescriptor(int fd) : fd_(fd) {}
    ~FileDescriptor() {
        if (fd_ >= 0) ::close(fd_);
    }
    FileDescriptor(const FileDescriptor&) = delete;
    FileDescriptor& operator=(const FileDescriptor&) = delete;
    int fd() const { return fd_; }

private:
    int fd_;
};

}  // namespace aperture
