// Which OVMF build an image is, by its SHA-256: the lookup against an injected table, the files that cannot
// be examined, and the shape of the real table of Debian's builds.
#include "firmware/ovmf/ovmf_image.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>

#include "core/sha256.hpp"

namespace aperture {
namespace {

// A file in gtest's temporary directory, named after the running test (ctest runs tests in parallel).
std::string temp_path(const std::string& suffix) {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    return ::testing::TempDir() + "aperture-ovmf-image-" + info->name() + suffix;
}

// A small stand-in for an image: its bytes, and a table that knows them as a 2025.02 build.
const std::string kImageBytes = std::string(4096, '\xff') + "_FVH stand-in for an OVMF volume" + std::string(4096, '\0');

std::string write_image() {
    const std::string path = temp_path(".fd");
    std::ofstream(path, std::ios::binary) << kImageBytes;
    return path;
}

const std::string& image_digest() {
    static const std::string digest = sha256_hex(kImageBytes);
    return digest;
}

std::array<KnownOvmfImage, 2> table_knowing_the_image(OvmfSmm smm) {
    return {KnownOvmfImage{"0000000000000000000000000000000000000000000000000000000000000000", "2022.11",
                           "/usr/share/OVMF/OVMF_CODE_4M.fd", "ovmf 2022.11-6+deb12u2", OvmfSmm::NotRequired},
            KnownOvmfImage{image_digest(), "2025.02", "/usr/share/OVMF/OVMF_CODE_4M.secboot.fd", "ovmf 2025.02-8+deb13u1", smm}};
}

TEST(OvmfImage, LookupFindsTheRowWithTheDigest) {
    const auto table = table_knowing_the_image(OvmfSmm::NotRequired);
    EXPECT_EQ(find_known_ovmf_image(image_digest(), table), &table[1]);
}
TEST(OvmfImage, LookupOfAnUnknownDigestFindsNothing) {
    const auto table = table_knowing_the_image(OvmfSmm::NotRequired);
    EXPECT_EQ(find_known_ovmf_image(sha256_hex("another image"), table), nullptr);
}
TEST(OvmfImage, AKnownImageIsItsRelease) {
    const std::string path = write_image();
    const auto table = table_knowing_the_image(OvmfSmm::Required);
    const OvmfImage image = examine_ovmf_image(path, table);
    EXPECT_EQ(image.outcome, FirmwareImageOutcome::Recognised);
    EXPECT_EQ(image.release, find_ovmf_release("2025.02"));
    EXPECT_EQ(image.known, &table[1]);
    std::filesystem::remove(path);
}
TEST(OvmfImage, AnUnknownImageIsNotRecognised) {
    const std::string path = write_image();
    const OvmfImage image = examine_ovmf_image(path);  // the real table: it does not know the stand-in
    EXPECT_EQ(image.outcome, FirmwareImageOutcome::NotRecognised);
    EXPECT_EQ(image.release, nullptr);
    std::filesystem::remove(path);
}
TEST(OvmfImage, ARowOfAReleaseNotModelledIsNoBuild) {
    const std::string path = write_image();
    const std::array table{KnownOvmfImage{image_digest(), "2023.05", "/usr/share/OVMF/OVMF_CODE.fd", "ovmf 2023.05-1", OvmfSmm::NotRequired}};
    EXPECT_EQ(examine_ovmf_image(path, table).outcome, FirmwareImageOutcome::NotRecognised);
    std::filesystem::remove(path);
}
TEST(OvmfImage, AMissingFileIsNotFound) {
    EXPECT_EQ(examine_ovmf_image(temp_path("-absent.fd")).outcome, FirmwareImageOutcome::NotFound);
}
TEST(OvmfImage, ADirectoryIsUnreadableWithTheReason) {
    const OvmfImage image = examine_ovmf_image(::testing::TempDir());
    EXPECT_EQ(image.outcome, FirmwareImageOutcome::Unreadable);
    EXPECT_EQ(image.reason, "Is a directory");
}
TEST(OvmfImage, ALargerFileIsNotRead) {
    const std::string path = temp_path(".fd");
    std::ofstream(path, std::ios::binary) << kImageBytes;
    std::filesystem::resize_file(path, kMaxOvmfImageSize + 1);  // sparse: nothing is written
    EXPECT_EQ(examine_ovmf_image(path).outcome, FirmwareImageOutcome::TooLarge);
    std::filesystem::remove(path);
}

// The real table.

bool is_lower_hex_digest(std::string_view digest) {
    return digest.size() == 64 && std::all_of(digest.begin(), digest.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

TEST(KnownOvmfImages, EveryDigestIs64LowerCaseHexDigits) {
    for (const auto& image : kKnownOvmfImages) EXPECT_TRUE(is_lower_hex_digest(image.sha256)) << image.file << " " << image.package;
}
TEST(KnownOvmfImages, EveryReleaseIsModelled) {
    for (const auto& image : kKnownOvmfImages) EXPECT_NE(find_ovmf_release(image.release), nullptr) << image.release;
}
TEST(KnownOvmfImages, NoDigestIsListedTwice) {
    std::set<std::string_view> digests;
    for (const auto& image : kKnownOvmfImages) EXPECT_TRUE(digests.insert(image.sha256).second) << image.sha256;
}
TEST(KnownOvmfImages, EveryRowNamesAnOvmfFileAndItsPackage) {
    for (const auto& image : kKnownOvmfImages) {
        EXPECT_TRUE(image.file.starts_with("/usr/share/OVMF/OVMF_CODE") || image.file == "/usr/share/ovmf/OVMF.fd") << image.file;
        EXPECT_TRUE(image.package.starts_with("ovmf ") || image.package.starts_with("ovmf-generic ")) << image.package;
    }
}
TEST(KnownOvmfImages, OnlySecureBootBuildsRequireSmm) {
    for (const auto& image : kKnownOvmfImages) {
        EXPECT_EQ(image.smm == OvmfSmm::Required, image.file.find(".secboot") != std::string_view::npos) << image.file;
    }
}
TEST(KnownOvmfImages, EachRealBinaryReleaseHasItsPlainCodeImage) {
    for (const auto& release : kOvmfReleases) {
        if (release.identity.evidence != ReleaseEvidence::RealBinary) continue;
        const bool listed = std::any_of(kKnownOvmfImages.begin(), kKnownOvmfImages.end(), [&](const KnownOvmfImage& image) {
            return image.release == release.identity.name && image.file == "/usr/share/OVMF/OVMF_CODE_4M.fd";
        });
        EXPECT_TRUE(listed) << release.identity.name;
    }
}

}  // namespace
}  // namespace aperture
