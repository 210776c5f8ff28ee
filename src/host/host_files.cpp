#include "host/host_files.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>

namespace aperture {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t kReadChunk = 4096;  // sysfs attributes are at most one page

// Up to `limit` bytes of a file; nullopt when it cannot be opened or a read fails (sysfs reports a
// refused attribute as a read error, not as an open error).
std::optional<std::string> read_up_to(const std::string& path, std::size_t limit) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::string content;
    char chunk[kReadChunk];
    while (content.size() < limit) {
        const std::size_t wanted = std::min(kReadChunk, limit - content.size());
        in.read(chunk, static_cast<std::streamsize>(wanted));
        if (in.bad()) return std::nullopt;  // libstdc++ turns a failing read(2) (EIO, EISDIR) into badbit
        content.append(chunk, static_cast<std::size_t>(in.gcount()));
        if (!in) break;  // end of file
    }
    return content;
}

}  // namespace

RootedHostFiles::RootedHostFiles(std::string root) : root_(std::move(root)) {}

std::string RootedHostFiles::full_path(const std::string& path) const {
    const fs::path relative = fs::path(path).relative_path();
    return relative.empty() ? root_ : (fs::path(root_) / relative).string();
}

std::optional<std::string> RootedHostFiles::read(const std::string& path) const {
    return read_up_to(full_path(path), std::string::npos);
}

std::optional<std::string> RootedHostFiles::read_prefix(const std::string& path, std::size_t limit) const {
    return read_up_to(full_path(path), limit);
}

std::vector<std::string> RootedHostFiles::list(const std::string& directory) const {
    std::vector<std::string> names;
    std::error_code error;
    for (fs::directory_iterator it(full_path(directory), error), end; !error && it != end; it.increment(error)) {
        names.push_back(it->path().filename().string());
    }
    std::sort(names.begin(), names.end());
    return names;
}

std::optional<std::string> RootedHostFiles::link_target(const std::string& path) const {
    std::error_code error;
    const fs::path target = fs::read_symlink(full_path(path), error);
    if (error) return std::nullopt;
    return target.string();
}

bool RootedHostFiles::exists(const std::string& path) const {
    std::error_code error;
    return fs::exists(full_path(path), error);
}

std::string RootedHostFiles::describe(const std::string& path) const { return full_path(path); }

MemoryHostFiles& MemoryHostFiles::add_file(const std::string& path, std::string content) {
    files_[path] = std::move(content);
    return *this;
}

MemoryHostFiles& MemoryHostFiles::add_link(const std::string& path, std::string target) {
    links_[path] = std::move(target);
    return *this;
}

MemoryHostFiles& MemoryHostFiles::remove(const std::string& path) {
    files_.erase(path);
    links_.erase(path);
    return *this;
}

std::optional<std::string> MemoryHostFiles::read(const std::string& path) const {
    const auto it = files_.find(path);
    if (it == files_.end()) return std::nullopt;
    return it->second;
}

std::optional<std::string> MemoryHostFiles::read_prefix(const std::string& path, std::size_t limit) const {
    auto content = read(path);
    if (content && content->size() > limit) content->resize(limit);
    return content;
}

std::vector<std::string> MemoryHostFiles::list(const std::string& directory) const {
    const std::string prefix = directory + "/";
    std::set<std::string> names;
    auto collect = [&](const std::map<std::string, std::string>& entries) {
        for (auto it = entries.lower_bound(prefix); it != entries.end() && it->first.starts_with(prefix); ++it) {
            const std::string rest = it->first.substr(prefix.size());
            names.insert(rest.substr(0, rest.find('/')));
        }
    };
    collect(files_);
    collect(links_);
    return {names.begin(), names.end()};
}

std::optional<std::string> MemoryHostFiles::link_target(const std::string& path) const {
    const auto it = links_.find(path);
    if (it == links_.end()) return std::nullopt;
    return it->second;
}

bool MemoryHostFiles::exists(const std::string& path) const {
    return files_.contains(path) || links_.contains(path) || !list(path).empty();
}

}  // namespace aperture
