#pragma once
// Every file the host probe reads goes through HostFiles, so the same code reads the live host ("/"), a
// fixture tree (tests/fixtures/host/...) or an in-memory tree. The interface can only read: the probe
// never writes sysfs, procfs or config space.

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/address.hpp"

namespace aperture {

// The most bytes the probe reads of each kind of file: a tree under --root can hold anything (a huge file,
// /dev/zero), and a bound keeps the probe's memory independent of it.
// sysfs and small procfs files fill at most one page (fs/sysfs/file.c sysfs_kf_seq_show); 64 KiB is the
// largest PAGE_SIZE Linux uses (ppc64, arm64).
inline constexpr std::size_t kKernelAttributeMaxBytes = 64 * 1024;
// /proc/cpuinfo and /proc/iomem grow with CPUs and devices: ~1.5 KiB a CPU at 8,192 CPUs (the largest
// NR_CPUS a distribution kernel builds) is 12 MiB.
inline constexpr std::size_t kProcTableMaxBytes = 16 * std::size_t{MiB};
// dpkg's status database: a few KiB a package; a desktop with 5,000 packages has ~10 MiB.
inline constexpr std::size_t kDpkgStatusMaxBytes = 64 * std::size_t{MiB};

class HostFiles {
public:
    virtual ~HostFiles() = default;

    // The whole file; nullopt when it is missing or cannot be read (permission, or an attribute the
    // kernel refuses to show). InputError naming the file when it is not a regular file (a directory, a
    // FIFO, a device) or holds more than `max_bytes` (counted as read: sysfs and procfs files report size 0).
    virtual std::optional<std::string> read(const std::string& path, std::size_t max_bytes) const = 0;
    // At most the first `limit` bytes: PCI config space, of which the kernel serves 64 bytes to anyone.
    // InputError when it is not a regular file.
    virtual std::optional<std::string> read_prefix(const std::string& path, std::size_t limit) const = 0;
    // The names in a directory, in ascending order; empty when it is missing.
    virtual std::vector<std::string> list(const std::string& directory) const = 0;
    // A symbolic link's target as stored (sysfs links are relative); nullopt when `path` is not a link.
    virtual std::optional<std::string> link_target(const std::string& path) const = 0;
    virtual bool exists(const std::string& path) const = 0;
    // How a message names `path`: the file the user can open.
    virtual std::string describe(const std::string& path) const = 0;
};

// The tree under a directory: "/" for the live host, or a copy of the relevant parts of one. Paths given
// to it are absolute ("/sys/bus/pci/devices") and taken relative to the root.
class RootedHostFiles final : public HostFiles {
public:
    explicit RootedHostFiles(std::string root);

    std::optional<std::string> read(const std::string& path, std::size_t max_bytes) const override;
    std::optional<std::string> read_prefix(const std::string& path, std::size_t limit) const override;
    std::vector<std::string> list(const std::string& directory) const override;
    std::optional<std::string> link_target(const std::string& path) const override;
    bool exists(const std::string& path) const override;
    std::string describe(const std::string& path) const override;

    const std::string& root() const { return root_; }

private:
    std::string full_path(const std::string& path) const;
    std::string root_;
};

// An in-memory tree for tests: files and links by absolute path; directories exist where something lies
// under them.
class MemoryHostFiles final : public HostFiles {
public:
    MemoryHostFiles& add_file(const std::string& path, std::string content);
    MemoryHostFiles& add_link(const std::string& path, std::string target);
    MemoryHostFiles& remove(const std::string& path);

    std::optional<std::string> read(const std::string& path, std::size_t max_bytes) const override;
    std::optional<std::string> read_prefix(const std::string& path, std::size_t limit) const override;
    std::vector<std::string> list(const std::string& directory) const override;
    std::optional<std::string> link_target(const std::string& path) const override;
    bool exists(const std::string& path) const override;
    std::string describe(const std::string& path) const override { return path; }

private:
    std::map<std::string, std::string> files_;
    std::map<std::string, std::string> links_;
};

}  // namespace aperture
