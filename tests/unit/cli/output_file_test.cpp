// fix --output / host --save: a write that cannot be redirected, keeps the file's mode and owner, follows a
// symbolic link to the file it names, and leaves nothing behind when it fails (issue 19).
#include "cli/output_file.hpp"

#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/error.hpp"

namespace aperture::cli {
namespace {

namespace fs = std::filesystem;

class ScratchDirectory {
public:
    ScratchDirectory() {
        std::string pattern = (fs::temp_directory_path() / "aperture-output-XXXXXX").string();
        path_ = ::mkdtemp(pattern.data());
    }
    ~ScratchDirectory() { fs::remove_all(path_); }
    fs::path operator/(const std::string& name) const { return path_ / name; }
    // Everything in the directory, by name.
    std::vector<std::string> names() const {
        std::vector<std::string> out;
        for (const auto& entry : fs::directory_iterator(path_)) out.push_back(entry.path().filename().string());
        std::sort(out.begin(), out.end());
        return out;
    }

private:
    fs::path path_;
};

std::string contents(const fs::path& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

void write(const fs::path& path, const std::string& text) { std::ofstream(path) << text; }

mode_t mode_of(const fs::path& path) {
    struct stat info {};
    EXPECT_EQ(::stat(path.c_str(), &info), 0);
    return info.st_mode & 07777;
}

TEST(WriteFileAtomically, NewFileHoldsTheTextAndNothingElseIsLeft) {
    const ScratchDirectory dir;
    write_file_atomically("--output", (dir / "vm.xml").string(), "<domain/>\n");
    EXPECT_EQ(contents(dir / "vm.xml"), "<domain/>\n");
    EXPECT_EQ(dir.names(), std::vector<std::string>{"vm.xml"});
}

// ^C while the temporary file exists: the signal waits until the file is renamed, so the handler (here a
// recorder; by default, the end of the process) finds the target whole and no temporary file beside it.
volatile std::sig_atomic_t interrupts = 0;
volatile std::sig_atomic_t temporary_gone_at_interrupt = 0;
volatile std::sig_atomic_t target_there_at_interrupt = 0;
char temporary_path[4096];
char target_path[4096];

extern "C" void record_interrupt(int) {
    interrupts = interrupts + 1;
    temporary_gone_at_interrupt = ::access(temporary_path, F_OK) != 0;
    target_there_at_interrupt = ::access(target_path, F_OK) == 0;
}

TEST(WriteFileAtomically, AnInterruptWaitsUntilTheTemporaryFileIsGone) {
    const ScratchDirectory dir;
    const std::string target = (dir / "vm.xml").string();
    std::snprintf(target_path, sizeof target_path, "%s", target.c_str());
    interrupts = 0;
    const auto old_handler = std::signal(SIGINT, record_interrupt);
    write_file_atomically("--output", target, "<domain/>\n", [&] {
        const auto names = dir.names();
        ASSERT_EQ(names.size(), 1u);  // the temporary file, written
        std::snprintf(temporary_path, sizeof temporary_path, "%s", (dir / names.front()).c_str());
        std::raise(SIGINT);
        EXPECT_EQ(interrupts, 0);  // held
    });
    std::signal(SIGINT, old_handler);
    EXPECT_EQ(interrupts, 1);
    EXPECT_TRUE(temporary_gone_at_interrupt);
    EXPECT_TRUE(target_there_at_interrupt);
    EXPECT_EQ(dir.names(), std::vector<std::string>{"vm.xml"});
}

TEST(WriteFileAtomically, SymlinkPlantedAtTheOldTemporaryNameIsNotFollowed) {
    const ScratchDirectory dir;
    write(dir / "victim", "precious\n");
    fs::create_symlink(dir / "victim", dir / "vm.xml.tmp");
    write_file_atomically("--output", (dir / "vm.xml").string(), "<domain/>\n");
    EXPECT_EQ(contents(dir / "victim"), "precious\n");
    EXPECT_EQ(contents(dir / "vm.xml"), "<domain/>\n");
}

TEST(WriteFileAtomically, ModeOfTheReplacedFileIsKept) {
    const ScratchDirectory dir;
    write(dir / "vm.xml", "old\n");
    fs::permissions(dir / "vm.xml", fs::perms::owner_read | fs::perms::owner_write);
    write_file_atomically("--output", (dir / "vm.xml").string(), "new\n");
    EXPECT_EQ(mode_of(dir / "vm.xml"), 0600u);
    EXPECT_EQ(contents(dir / "vm.xml"), "new\n");
}

TEST(WriteFileAtomically, NewFileGetsTheUmasksMode) {
    const ScratchDirectory dir;
    const mode_t old_mask = ::umask(022);
    write_file_atomically("--output", (dir / "vm.xml").string(), "new\n");
    ::umask(old_mask);
    EXPECT_EQ(mode_of(dir / "vm.xml"), 0644u);
}

TEST(WriteFileAtomically, OwnerOfTheReplacedFileIsKeptWhenRoot) {
    if (::geteuid() != 0) GTEST_SKIP() << "only root can give a file to another owner";
    const ScratchDirectory dir;
    write(dir / "vm.xml", "old\n");
    ASSERT_EQ(::chown((dir / "vm.xml").c_str(), 64055, 64055), 0);  // libvirt-qemu on Debian
    write_file_atomically("--output", (dir / "vm.xml").string(), "new\n");
    struct stat info {};
    ASSERT_EQ(::stat((dir / "vm.xml").c_str(), &info), 0);
    EXPECT_EQ(info.st_uid, 64055u);
    EXPECT_EQ(info.st_gid, 64055u);
}

TEST(WriteFileAtomically, SymlinkedTargetUpdatesTheFileItNamesAndStaysALink) {
    const ScratchDirectory dir;
    fs::create_directory(dir / "real");
    write(dir / "real/vm.xml", "old\n");
    fs::create_symlink("real/vm.xml", dir / "vm.xml");
    write_file_atomically("--output", (dir / "vm.xml").string(), "new\n");
    EXPECT_TRUE(fs::is_symlink(dir / "vm.xml"));
    EXPECT_EQ(contents(dir / "real/vm.xml"), "new\n");
    EXPECT_EQ(dir.names(), (std::vector<std::string>{"real", "vm.xml"}));
}

TEST(WriteFileAtomically, DirectoryTargetIsRefusedAndUntouched) {
    const ScratchDirectory dir;
    fs::create_directory(dir / "vm.xml");
    try {
        write_file_atomically("--output", (dir / "vm.xml").string(), "new\n");
        FAIL() << "expected an InputError";
    } catch (const InputError& e) {
        EXPECT_EQ(std::string(e.what()), "--output " + (dir / "vm.xml").string() + ": is a directory, not a file");
    }
    EXPECT_TRUE(fs::is_directory(dir / "vm.xml"));
    EXPECT_EQ(dir.names(), std::vector<std::string>{"vm.xml"});
}

TEST(WriteFileAtomically, MissingDirectoryIsRefusedNamingTheOption) {
    const ScratchDirectory dir;
    try {
        write_file_atomically("--save", (dir / "nowhere/host.json").string(), "{}\n");
        FAIL() << "expected an InputError";
    } catch (const InputError& e) {
        EXPECT_EQ(std::string(e.what()), "--save " + (dir / "nowhere/host.json").string() + ": cannot open its directory: No such file or directory");
    }
    EXPECT_TRUE(dir.names().empty());
}

TEST(WriteFileAtomically, FailedWriteRemovesTheTemporaryFileAndKeepsTheOriginal) {
    const ScratchDirectory dir;
    write(dir / "vm.xml", "old\n");
    // A file size limit makes write(2) fail with EFBIG part-way (SIGXFSZ ignored, as a shell's ulimit -f would).
    struct rlimit saved {};
    ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &saved), 0);
    const auto old_handler = std::signal(SIGXFSZ, SIG_IGN);
    struct rlimit small = saved;
    small.rlim_cur = 4;
    ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &small), 0);
    std::string message;
    try {
        write_file_atomically("--output", (dir / "vm.xml").string(), "a domain longer than four bytes\n");
    } catch (const InputError& e) {
        message = e.what();
    }
    ::setrlimit(RLIMIT_FSIZE, &saved);
    std::signal(SIGXFSZ, old_handler);
    EXPECT_EQ(message, "--output " + (dir / "vm.xml").string() + ": writing failed: File too large");
    EXPECT_EQ(contents(dir / "vm.xml"), "old\n");
    EXPECT_EQ(dir.names(), std::vector<std::string>{"vm.xml"});
}

}  // namespace
}  // namespace aperture::cli
