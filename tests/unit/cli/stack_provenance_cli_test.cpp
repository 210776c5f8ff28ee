// Every report says which stack it modelled and where each part came from: a flag, the command line,
// the -bios image, the --host snapshot's packages, or the default. Through the real command-line wiring.
#include "cli/commands.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>

#include "../support/cli_runner.hpp"

namespace aperture::cli {
namespace {

using nlohmann::json;
using test::run_cli;

bool mentions(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::string temp_path(const std::string& suffix) {
    return ::testing::TempDir() + "aperture-stack-cli-" + ::testing::UnitTest::GetInstance()->current_test_info()->name() + suffix;
}

// A snapshot of a fixture tree, saved as `aperture host --save` saves it.
std::string saved_host(const std::string& tree) {
    const std::string path = temp_path("-" + tree + ".json");
    const auto r = run_cli({"host", "--root", std::string(APERTURE_SOURCE_DIR) + "/tests/fixtures/host/" + tree, "--save", path});
    EXPECT_EQ(r.status, EXIT_OK) << r.err;
    return path;
}

// A SeaBIOS image holding `version` as SeaBIOS stores it (NUL-terminated).
std::string image_with(const std::string& version) {
    const std::string path = temp_path(".bin");
    std::ofstream(path, std::ios::binary) << std::string(1024, '\xff') << version << '\0' << std::string(1024, '\x90');
    return path;
}

TEST(StackProvenanceCli, FlagsAreNamedAsTheSource) {
    const auto r = run_cli({"plan", "--qemu", "10.0", "--firmware", "seabios-1.16.3", "--", "-machine", "q35", "-m", "8G"});
    ASSERT_EQ(r.status, EXIT_OK) << r.err;
    EXPECT_TRUE(r.out.starts_with("aperture plan: QEMU 10.0 pc-q35-10.0 with SeaBIOS 1.16.3\n")) << r.out;
    EXPECT_TRUE(mentions(r.out, "\nStack     QEMU 10.0       flag: --qemu 10.0; checked against the real binary")) << r.out;
    EXPECT_TRUE(mentions(r.out, "\n          pc-q35-10.0     command-line: argument 1 (-machine q35)\n")) << r.out;
    EXPECT_TRUE(mentions(r.out, "\n          SeaBIOS         flag: --firmware seabios-1.16.3\n")) << r.out;
    EXPECT_TRUE(mentions(r.out, "\n          SeaBIOS 1.16.3  flag: --firmware seabios-1.16.3; checked against the real binary (Debian 1.16.3-2)\n")) << r.out;
}

TEST(StackProvenanceCli, JsonStackObject) {
    const auto r = run_cli({"plan", "--format", "json", "--qemu", "10.0", "--firmware", "seabios-1.16.3", "--", "-machine", "q35", "-m", "8G"});
    ASSERT_EQ(r.status, EXIT_OK) << r.err;
    const json plan = json::parse(r.out);
    EXPECT_EQ(plan["model"], (json{{"hypervisor", "qemu-10.0"}, {"machine", "pc-q35-10.0"}, {"firmware", "seabios-1.16.3"}}));
    const json& stack = plan["stack"];
    EXPECT_EQ(stack["qemu"]["release"], "10.0");
    EXPECT_EQ(stack["qemu"]["name"], "QEMU 10.0");
    EXPECT_EQ(stack["qemu"]["source"], "flag");
    EXPECT_EQ(stack["qemu"]["detail"], "--qemu 10.0");
    EXPECT_EQ(stack["qemu"]["evidence"], "real-binary");
    EXPECT_EQ(stack["qemu"]["caveats"], json::array());
    EXPECT_EQ(stack["machine"]["type"], "pc-q35-10.0");
    EXPECT_EQ(stack["machine"]["source"], "command-line");
    EXPECT_EQ(stack["firmware"]["kind"], "seabios");
    EXPECT_EQ(stack["firmware"]["source"], "flag");
    EXPECT_EQ(stack["firmware_release"]["release"], "1.16.3");
    EXPECT_EQ(stack["firmware_release"]["name"], "SeaBIOS 1.16.3");
    EXPECT_EQ(stack["firmware_release"]["source"], "flag");
}

TEST(StackProvenanceCli, DefaultsSayTheyAreDefaults) {
    const auto r = run_cli({"plan", "--format", "json", "--", "-m", "1G"});
    ASSERT_EQ(r.status, EXIT_OK) << r.err;
    const json stack = json::parse(r.out)["stack"];
    for (const char* part : {"qemu", "machine", "firmware", "firmware_release"}) {
        EXPECT_EQ(stack[part]["source"], "default") << part;
        EXPECT_EQ(stack[part]["detail"], nullptr) << part;
    }
    EXPECT_EQ(stack["machine"]["type"], "pc-i440fx-7.2");
}

TEST(StackProvenanceCli, TheHostSnapshotsPackagesChooseTheStack) {
    const std::string host = saved_host("amd-epyc-a100");  // QEMU 10.0 from backports, SeaBIOS 1.16.3
    const auto r = run_cli({"plan", "--host", host, "--", "-machine", "q35", "-m", "4G"});
    ASSERT_EQ(r.status, EXIT_OK) << r.err;
    EXPECT_TRUE(r.out.starts_with("aperture plan: QEMU 10.0 pc-q35-10.0 with SeaBIOS 1.16.3\n")) << r.out;
    EXPECT_TRUE(mentions(r.out, "QEMU 10.0       host-packages: qemu-system-x86 1:10.0.2+ds-2+deb13u1~bpo12+1;")) << r.out;
    EXPECT_TRUE(mentions(r.out, "SeaBIOS 1.16.3  host-packages: seabios 1.16.3-2; checked against the real binary (Debian 1.16.3-2)\n")) << r.out;
    std::filesystem::remove(host);
}

TEST(StackProvenanceCli, AFlagBeatsTheHost) {
    const std::string host = saved_host("amd-epyc-a100");
    const auto r = run_cli({"plan", "--host", host, "--qemu", "8.2", "--", "-machine", "q35"});
    ASSERT_EQ(r.status, EXIT_OK) << r.err;
    EXPECT_TRUE(r.out.starts_with("aperture plan: QEMU 8.2 pc-q35-8.2 with SeaBIOS 1.16.3\n")) << r.out;
    EXPECT_TRUE(mentions(r.out, "flag: --qemu 8.2; modelled from the upstream source, not checked against a binary (v8.2.2)")) << r.out;
    std::filesystem::remove(host);
}

TEST(StackProvenanceCli, AHostReleaseNotModelledKeepsTheDefaultAndSaysSo) {
    const std::string host = saved_host("xeon-e3-1230-36bit");  // Debian 11: QEMU 5.2, SeaBIOS 1.14.0
    const auto r = run_cli({"plan", "--host", host, "--", "-machine", "q35"});
    ASSERT_EQ(r.status, EXIT_OK) << r.err;
    EXPECT_TRUE(r.out.starts_with("aperture plan: QEMU 7.2 pc-q35-7.2 with SeaBIOS 1.16.2\n")) << r.out;
    EXPECT_TRUE(mentions(r.out, "note: the host has QEMU 5.2 (qemu-system-x86 1:5.2+dfsg-11+deb11u3); aperture models 7.2, 8.2, 9.2, "
                                "10.0, 11.1: modelled QEMU 7.2; pass --qemu to choose\n"))
        << r.out;
    EXPECT_TRUE(mentions(r.out, "note: the host has SeaBIOS 1.14.0 (seabios 1.14.0-2); aperture models 1.16.2, 1.16.3, 1.17.0: "
                                "modelled SeaBIOS 1.16.2; pass --firmware seabios-RELEASE to choose\n"))
        << r.out;
    std::filesystem::remove(host);
}

TEST(StackProvenanceCli, TheBiosImageChoosesItsBuildOverTheHost) {
    const std::string image = image_with("1.17.0-debian-1.17.0-1");
    const std::string host = saved_host("amd-epyc-a100");
    const auto r = run_cli({"plan", "--host", host, "--", "-machine", "q35", "-bios", image});
    ASSERT_EQ(r.status, EXIT_OK) << r.err;
    EXPECT_TRUE(r.out.starts_with("aperture plan: QEMU 10.0 pc-q35-10.0 with SeaBIOS 1.17.0\n")) << r.out;
    EXPECT_TRUE(mentions(r.out, "SeaBIOS 1.17.0  firmware-image: " + image + "; checked against the real binary (Debian 1.17.0-1)\n")) << r.out;
    EXPECT_TRUE(mentions(r.out, "SeaBIOS         command-line: argument 3 (-bios " + image + ")\n")) << r.out;
    std::filesystem::remove(image);
    std::filesystem::remove(host);
}

TEST(StackProvenanceCli, ALibvirtRomLoaderIsExaminedLikeBios) {
    const std::string image = image_with("1.16.3-debian-1.16.3-2");
    std::ifstream in(std::string(APERTURE_SOURCE_DIR) + "/tests/golden/cases/libvirt-pc-explicit-addresses.xml");
    std::string domain((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const std::string type = "<type arch='x86_64' machine='pc'>hvm</type>";
    domain.replace(domain.find(type), type.size(), type + "\n    <loader readonly='yes' type='rom'>" + image + "</loader>");
    const std::string xml = temp_path(".xml");
    std::ofstream(xml) << domain;
    const auto r = run_cli({"plan", "--format", "json", "--xml", xml});
    ASSERT_FALSE(r.out.empty()) << r.err;
    const json stack = json::parse(r.out)["stack"];
    EXPECT_EQ(stack["firmware"]["source"], "domain-xml");
    EXPECT_EQ(stack["firmware_release"]["release"], "1.16.3");
    EXPECT_EQ(stack["firmware_release"]["source"], "firmware-image");
    EXPECT_EQ(stack["firmware_release"]["detail"], image);
    std::filesystem::remove(image);
    std::filesystem::remove(xml);
}

TEST(StackProvenanceCli, AnImageOfAnotherBuildIsNamedInANote) {
    const std::string image = image_with("rel-1.16.1-0-gdeadbeef");
    const auto r = run_cli({"plan", "--", "-bios", image});
    ASSERT_EQ(r.status, EXIT_OK) << r.err;
    EXPECT_TRUE(mentions(r.out, "note: " + image + ": its SeaBIOS version was not recognised")) << r.out;
    EXPECT_TRUE(mentions(r.out, "modelled SeaBIOS 1.16.2; pass --firmware seabios-RELEASE to choose\n")) << r.out;
    std::filesystem::remove(image);
}

TEST(StackProvenanceCli, AnUnreadableImageIsNamedNeverFatal) {
    const std::string directory = temp_path("-dir");
    std::filesystem::create_directory(directory);
    const auto r = run_cli({"plan", "--format", "json", "--", "-bios", directory});
    ASSERT_EQ(r.status, EXIT_OK) << r.err;
    const json caveats = json::parse(r.out)["stack"]["firmware_release"]["caveats"];
    ASSERT_EQ(caveats.size(), 1u);
    EXPECT_EQ(caveats[0]["kind"], "image-unreadable");
    EXPECT_EQ(caveats[0]["subject"], directory);
    EXPECT_EQ(caveats[0]["detail"], "Is a directory");
    std::filesystem::remove(directory);
}

TEST(StackProvenanceCli, ASnapshotSavedBeforePackagesWereRecordedStillPlans) {
    std::ifstream in(saved_host("intel-i7-12700-rtx4090"));
    json snapshot = json::parse(in);
    snapshot.erase("software");
    const std::string old = temp_path("-old.json");
    std::ofstream(old) << snapshot.dump(2);
    const auto r = run_cli({"plan", "--host", old, "--", "-machine", "q35"});
    ASSERT_EQ(r.status, EXIT_OK) << r.err;
    EXPECT_TRUE(mentions(r.out, "note: the host snapshot was saved before aperture recorded installed packages (`aperture host "
                                "--save` records them): modelled QEMU 7.2; pass --qemu to choose\n"))
        << r.out;
    std::filesystem::remove(old);
}

TEST(StackProvenanceCli, CheckNamesTheStack) {
    const std::string host = saved_host("amd-epyc-a100");
    const auto text = run_cli({"check", "--host", host, "--", "-machine", "q35"});
    EXPECT_TRUE(text.out.starts_with("aperture check: QEMU 10.0 pc-q35-10.0 with SeaBIOS 1.16.3 on ")) << text.out;
    EXPECT_TRUE(mentions(text.out, "\nStack     QEMU 10.0       host-packages: ")) << text.out;
    const auto j = run_cli({"check", "--format", "json", "--host", host, "--", "-machine", "q35"});
    EXPECT_EQ(json::parse(j.out)["stack"]["qemu"]["source"], "host-packages") << j.out;
    std::filesystem::remove(host);
}

TEST(StackProvenanceCli, ADomainsChoicesComeFromTheDomain) {
    const std::string domain = std::string(APERTURE_SOURCE_DIR) + "/tests/fixtures/libvirt-fix/h100-pair-ovmf.xml";
    const std::string host = std::string(APERTURE_SOURCE_DIR) + "/tests/fixtures/host/snapshots/h100-8gpu-server.json";
    const auto r = run_cli({"plan", "--format", "json", "--host", host, "--xml", domain});
    ASSERT_FALSE(r.out.empty()) << r.err;  // planned (its BARs do not all fit: exit 1)
    const json stack = json::parse(r.out)["stack"];
    EXPECT_EQ(stack["machine"]["source"], "domain-xml");
    EXPECT_TRUE(stack["machine"]["detail"].get<std::string>().starts_with(domain + ":")) << stack["machine"];
    EXPECT_EQ(stack["firmware"]["kind"], "ovmf");
    EXPECT_EQ(stack["firmware"]["source"], "domain-xml");
    // A Red Hat host: no dpkg database, so QEMU's default stays and the report says why; the loader is Debian
    // 12's OVMF_CODE_4M.fd (the ovmf package is a test dependency), which names its release.
    EXPECT_EQ(stack["qemu"]["caveats"][0]["kind"], "host-packages-unknown");
    EXPECT_EQ(stack["firmware_release"]["source"], "firmware-image");
    EXPECT_EQ(stack["firmware_release"]["release"], "2022.11");
}

// Debian 12's ovmf package, a test dependency (scripts/install-deps.sh --tests): its images are known by digest.
TEST(StackProvenanceCli, ThePflashImageNamesItsOvmfBuild) {
    const auto r = run_cli({"plan", "--", "-machine", "q35", "-drive", "if=pflash,format=raw,unit=0,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.fd"});
    ASSERT_EQ(r.status, EXIT_OK) << r.err;
    EXPECT_TRUE(mentions(r.out, "  firmware-image: /usr/share/OVMF/OVMF_CODE_4M.fd; checked against the real binary")) << r.out;
    EXPECT_FALSE(mentions(r.out, "note:")) << r.out;
}

TEST(StackProvenanceCli, TheSecureBootImageIsItsReleaseWithoutSmm) {
    const auto r = run_cli({"plan", "--format", "json", "--", "-machine", "q35", "-drive",
                            "if=pflash,format=raw,unit=0,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.secboot.fd"});
    ASSERT_EQ(r.status, EXIT_OK) << r.err;
    const json release = json::parse(r.out)["stack"]["firmware_release"];
    EXPECT_EQ(release["release"], "2022.11");
    EXPECT_EQ(release["source"], "firmware-image");
    ASSERT_EQ(release["caveats"].size(), 1u) << release;
    EXPECT_EQ(release["caveats"][0]["kind"], "image-smm-build");
}

TEST(StackProvenanceCli, TheUnifiedOvmfImageUnderBiosNamesItsBuild) {
    const auto r = run_cli({"plan", "--format", "json", "--", "-machine", "q35", "-bios", "/usr/share/ovmf/OVMF.fd"});
    ASSERT_EQ(r.status, EXIT_OK) << r.err;
    const json release = json::parse(r.out)["stack"]["firmware_release"];
    EXPECT_EQ(release["source"], "firmware-image");
    EXPECT_EQ(release["detail"], "/usr/share/ovmf/OVMF.fd");
}

TEST(StackProvenanceCli, AnOvmfImageOfAnotherBuildIsNamedInANote) {
    const std::string image = temp_path(".fd");
    std::ofstream(image, std::ios::binary) << std::string(64 * 1024, '\xff');
    const auto r = run_cli({"plan", "--", "-machine", "q35", "-drive", "if=pflash,format=raw,unit=0,readonly=on,file=" + image});
    ASSERT_EQ(r.status, EXIT_OK) << r.err;
    EXPECT_TRUE(mentions(r.out, "note: " + image + ": its SHA-256 is none of the OVMF images aperture knows")) << r.out;
    EXPECT_TRUE(mentions(r.out, "modelled OVMF edk2-stable202211 (Debian 2022.11); pass --firmware ovmf-RELEASE to choose\n")) << r.out;
    std::filesystem::remove(image);
}

TEST(StackProvenanceCli, TheMapCaptionNamesTheOrigins) {
    const auto r = run_cli({"plan", "--format", "svg", "--qemu", "10.0", "--", "-machine", "q35"});
    ASSERT_EQ(r.status, EXIT_OK) << r.err;
    EXPECT_TRUE(mentions(r.out, "QEMU 10.0 pc-q35-10.0 with SeaBIOS 1.16.2")) << r.out;
    EXPECT_TRUE(mentions(r.out, "Stack: QEMU 10.0 from flag, pc-q35-10.0 from command-line, SeaBIOS from default, SeaBIOS 1.16.2 from default"));
}

}  // namespace
}  // namespace aperture::cli
