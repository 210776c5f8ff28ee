// Which SeaBIOS build a -bios image is: each modelled build's VERSION string as SeaBIOS stores it, one no
// modelled build has, and files that cannot be examined.
#include "firmware/seabios/seabios_image.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace aperture {
namespace {

// A file in gtest's temporary directory, named after the running test (ctest runs tests in parallel).
std::string temp_path(const std::string& suffix) {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    return ::testing::TempDir() + "aperture-seabios-image-" + info->name() + suffix;
}

// 64 KiB of ROM-like bytes with `version` NUL-terminated in the middle, as bios-256k.bin holds it.
std::string write_image(const std::string& version, const std::string& suffix = ".bin") {
    std::string bytes(32 * 1024, '\xff');
    bytes += "(GNU Binutils for Debian) 2.40";
    bytes += '\0';
    bytes += version;
    bytes += '\0';
    bytes += std::string(32 * 1024, '\x90');
    const std::string path = temp_path(suffix);
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
}

TEST(SeabiosImage, EachModelledBuildIsRecognised) {
    for (const auto& release : kSeabiosReleases) {
        const std::string path = write_image(std::string(release.build_version), "-" + std::string(release.identity.name));
        const SeabiosImage image = examine_seabios_image(path);
        EXPECT_EQ(image.outcome, FirmwareImageOutcome::Recognised) << release.build_version;
        EXPECT_EQ(image.release, &release) << release.build_version;
        std::filesystem::remove(path);
    }
}

TEST(SeabiosImage, AnUnknownBuildIsNotRecognised) {
    const std::string path = write_image("1.14.0-2");
    const SeabiosImage image = examine_seabios_image(path);
    EXPECT_EQ(image.outcome, FirmwareImageOutcome::NotRecognised);
    EXPECT_EQ(image.release, nullptr);
    std::filesystem::remove(path);
}

TEST(SeabiosImage, ALongerVersionIsNotAModelledOne) {
    // "1.16.2-debian-1.16.2-1" is the start of a later Debian revision's VERSION.
    EXPECT_EQ(seabios_release_in(std::string("\0", 1) + "1.16.2-debian-1.16.2-10" + std::string("\0", 1)), nullptr);
    EXPECT_EQ(seabios_release_in("rel-1.16.2-debian-1.16.2-1"), nullptr);
    EXPECT_EQ(seabios_release_in("1.16.2-debian-1.16.2-1"), &kSeabiosReleases[0]);
}

TEST(SeabiosImage, DebianBackportBuildsNameTheirRelease) {
    // bookworm-backports' image beside QEMU 10.0, trixie-backports' beside QEMU 11.1.
    EXPECT_EQ(seabios_release_in(std::string("\0", 1) + "1.16.3-debian-1.16.3-2~bpo12+1" + std::string("\0", 1)), find_seabios_release("1.16.3"));
    EXPECT_EQ(seabios_release_in(std::string("\0", 1) + "1.17.0-debian-1.17.0-1~bpo13+1" + std::string("\0", 1)), find_seabios_release("1.17.0"));
    EXPECT_EQ(seabios_release_in("1.17.0-debian-1.17.0-1~bpo13+10"), nullptr);
}

TEST(SeabiosImage, AMissingFileIsNotFound) {
    EXPECT_EQ(examine_seabios_image(temp_path("-absent.bin")).outcome, FirmwareImageOutcome::NotFound);
    EXPECT_EQ(examine_seabios_image(temp_path("-absent/bios.bin")).outcome, FirmwareImageOutcome::NotFound);
}

TEST(SeabiosImage, ADirectoryIsUnreadableWithTheReason) {
    const std::string path = temp_path("-dir");
    std::filesystem::create_directory(path);
    const SeabiosImage image = examine_seabios_image(path);
    EXPECT_EQ(image.outcome, FirmwareImageOutcome::Unreadable);
    EXPECT_EQ(image.reason, "Is a directory");
    std::filesystem::remove(path);
}

TEST(SeabiosImage, AFifoIsNeverWaitedOn) {
    const std::string path = temp_path(".fifo");
    ASSERT_EQ(::mkfifo(path.c_str(), 0600), 0);
    const SeabiosImage image = examine_seabios_image(path);
    EXPECT_EQ(image.outcome, FirmwareImageOutcome::Unreadable);
    EXPECT_EQ(image.reason, "not a regular file");
    std::filesystem::remove(path);
}

TEST(SeabiosImage, AFileWithoutPermissionIsUnreadable) {
    if (::geteuid() == 0) GTEST_SKIP() << "root reads a file whatever its mode";
    const std::string path = write_image("1.16.2-debian-1.16.2-1");
    std::filesystem::permissions(path, std::filesystem::perms::none);
    const SeabiosImage image = examine_seabios_image(path);
    EXPECT_EQ(image.outcome, FirmwareImageOutcome::Unreadable);
    EXPECT_EQ(image.reason, "Permission denied");
    std::filesystem::remove(path);
}

TEST(SeabiosImage, ALargerFileIsNotRead) {
    const std::string path = temp_path(".img");
    std::ofstream(path, std::ios::binary) << "1.16.2-debian-1.16.2-1";
    std::filesystem::resize_file(path, kMaxSeabiosImageSize + 1);  // sparse: nothing is written
    EXPECT_EQ(examine_seabios_image(path).outcome, FirmwareImageOutcome::TooLarge);
    std::filesystem::remove(path);
}

TEST(SeabiosImage, TheInstalledBiosWhenThereIsOne) {
    // Debian's seabios package: the real image, when this host has it.
    const std::string installed = "/usr/share/seabios/bios-256k.bin";
    if (!std::filesystem::exists(installed)) GTEST_SKIP() << installed << " is not installed";
    const SeabiosImage image = examine_seabios_image(installed);
    EXPECT_NE(image.outcome, FirmwareImageOutcome::Unreadable);
    EXPECT_NE(image.outcome, FirmwareImageOutcome::TooLarge);
}

}  // namespace
}  // namespace aperture
