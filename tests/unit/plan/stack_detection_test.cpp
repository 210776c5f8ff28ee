// "Without flags, use what the user has" (plan/stack_detection.hpp): a flag beats the firmware image,
// which beats the host's packages, which beat the default; and each choice says where it came from.
#include "plan/stack_detection.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "input/qemu_command_line.hpp"
#include "plan/stack_request.hpp"
#include "report/stack_words.hpp"

namespace aperture {
namespace {

std::vector<std::string> words(const std::string& text) {
    std::istringstream in(text);
    std::vector<std::string> out;
    for (std::string w; in >> w;) out.push_back(w);
    return out;
}

// A host snapshot whose dpkg database holds these installed packages.
HostSnapshot host_with(std::vector<std::pair<std::string, std::string>> installed) {
    HostSnapshot host;
    host.software = HostSoftware{"6.1.0-28-amd64", std::vector<InstalledPackage>{}};
    for (auto& [name, version] : installed) host.software->packages->push_back({name, "install ok installed", version});
    return host;
}

// A SeaBIOS image holding `version` (NUL-terminated, as SeaBIOS stores it), in gtest's temporary directory.
std::string image_with(const std::string& version) {
    const std::string path = ::testing::TempDir() + "aperture-stack-detection-" +
                             ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".bin";
    std::ofstream(path, std::ios::binary) << std::string(4096, '\xff') << version << '\0' << std::string(4096, '\x90');
    return path;
}

const SeabiosRelease& seabios(const char* name) { return *find_seabios_release(name); }

// The VM described by `args`, its firmware release chosen as prepare_qemu_x86_vm chooses it.
PlanOptions choose(const std::string& args, PlanOptions options, const HostSnapshot* host) {
    const VmSpec spec = read_qemu_command_line(words(args), *options.qemu);
    choose_firmware_release(options, spec, host);
    return options;
}

TEST(StackDetection, NothingToGoOnKeepsTheDefaultsSilently) {
    const PlanOptions options = choose("-machine q35", PlanOptions{}, nullptr);
    EXPECT_EQ(options.seabios, &default_seabios_release());
    EXPECT_EQ(options.seabios_choice, StackChoice{});
}

TEST(StackDetection, TheImageChoosesItsBuild) {
    const std::string path = image_with("1.17.0-debian-1.17.0-1");
    const PlanOptions options = choose("-machine q35 -bios " + path, PlanOptions{}, nullptr);
    EXPECT_EQ(options.seabios, &seabios("1.17.0"));
    EXPECT_EQ(options.seabios_choice, (StackChoice{StackChoiceSource::FirmwareImage, path, {}}));
    std::filesystem::remove(path);
}

TEST(StackDetection, AFlagBeatsTheImageAndTheHost) {
    const std::string path = image_with("1.17.0-debian-1.17.0-1");
    PlanOptions flagged;
    request_firmware(flagged, "seabios-1.16.3");
    const HostSnapshot host = host_with({{"seabios", "1.16.2-1"}});
    const PlanOptions options = choose("-bios " + path, flagged, &host);
    EXPECT_EQ(options.seabios, &seabios("1.16.3"));
    EXPECT_EQ(options.seabios_choice, (StackChoice{StackChoiceSource::Flag, "--firmware seabios-1.16.3", {}}));
    std::filesystem::remove(path);
}

TEST(StackDetection, AFirmwareKindFlagLeavesTheReleaseToTheImage) {
    const std::string path = image_with("1.16.3-debian-1.16.3-2");
    PlanOptions flagged;
    request_firmware(flagged, "seabios");
    const PlanOptions options = choose("-bios " + path, flagged, nullptr);
    EXPECT_EQ(options.seabios, &seabios("1.16.3"));
    EXPECT_EQ(options.seabios_choice.source, StackChoiceSource::FirmwareImage);
    std::filesystem::remove(path);
}

TEST(StackDetection, TheImageBeatsTheHost) {
    const std::string path = image_with("1.16.3-debian-1.16.3-2");
    const HostSnapshot host = host_with({{"seabios", "1.17.0-1"}});
    const PlanOptions options = choose("-bios " + path, PlanOptions{}, &host);
    EXPECT_EQ(options.seabios, &seabios("1.16.3"));
    EXPECT_EQ(options.seabios_choice.source, StackChoiceSource::FirmwareImage);
    std::filesystem::remove(path);
}

TEST(StackDetection, AnUnrecognisedImageKeepsTheDefaultAndSaysSo) {
    const std::string path = image_with("1.14.0-2");
    const HostSnapshot host = host_with({{"seabios", "1.16.3-2"}});
    const PlanOptions options = choose("-bios " + path, PlanOptions{}, &host);
    EXPECT_EQ(options.seabios, &default_seabios_release());  // the host's package is not this file
    ASSERT_EQ(options.seabios_choice.caveats.size(), 1u);
    EXPECT_EQ(options.seabios_choice.caveats[0], (StackCaveat{StackCaveatKind::ImageNotRecognised, path, ""}));
    EXPECT_EQ(caveat_message(options.seabios_choice.caveats[0], FirmwareKind::SeaBios),
              path + ": its SeaBIOS version was not recognised (aperture models the builds 1.16.2-debian-1.16.2-1, "
                     "1.16.3-debian-1.16.3-2, 1.17.0-debian-1.17.0-1)");
    std::filesystem::remove(path);
}

TEST(StackDetection, AnImageNotHereLeavesTheChoiceToTheHost) {
    const HostSnapshot host = host_with({{"seabios", "1.16.3-2"}});
    const PlanOptions options = choose("-bios /nonexistent/aperture/bios.bin", PlanOptions{}, &host);
    EXPECT_EQ(options.seabios, &seabios("1.16.3"));
    EXPECT_EQ(options.seabios_choice,
              (StackChoice{StackChoiceSource::HostPackages, "seabios 1.16.3-2", {{StackCaveatKind::ImageNotFound, "/nonexistent/aperture/bios.bin", ""}}}));
}

TEST(StackDetection, AnUnreadableImageNamesItsReason) {
    const std::string path = ::testing::TempDir();  // a directory
    const PlanOptions options = choose("-bios " + path, PlanOptions{}, nullptr);
    EXPECT_EQ(options.seabios, &default_seabios_release());
    ASSERT_EQ(options.seabios_choice.caveats.size(), 1u);
    EXPECT_EQ(caveat_message(options.seabios_choice.caveats[0], FirmwareKind::SeaBios), path + " cannot be read (Is a directory), so its SeaBIOS build is unknown");
}

TEST(StackDetection, AnOvmfImageIsNeverReadForSeabios) {
    PlanOptions flagged;
    request_firmware(flagged, "seabios");
    const PlanOptions options = choose("-bios /nonexistent/OVMF.fd", flagged, nullptr);
    EXPECT_TRUE(options.seabios_choice.caveats.empty());  // not examined: it is not the SeaBIOS modelled
}

TEST(StackDetection, TheHostsQemuPicksTheRelease) {
    PlanOptions options;
    choose_qemu_from_host(options, host_with({{"qemu-system-x86", "1:10.0.2+ds-2+deb13u1~bpo12+1"}}));
    EXPECT_EQ(options.qemu, find_qemu_release("10.0"));
    EXPECT_EQ(options.qemu_choice, (StackChoice{StackChoiceSource::HostPackages, "qemu-system-x86 1:10.0.2+ds-2+deb13u1~bpo12+1", {}}));
}

TEST(StackDetection, AProxmoxHostsPveQemuKvmPicksTheRelease) {
    PlanOptions options;
    choose_qemu_from_host(options, host_with({{"pve-qemu-kvm", "9.2.0-5"}}));
    EXPECT_EQ(options.qemu, find_qemu_release("9.2"));
    EXPECT_EQ(options.qemu_choice, (StackChoice{StackChoiceSource::HostPackages, "pve-qemu-kvm 9.2.0-5", {}}));
}

TEST(StackDetection, AnUnmodelledHostQemuKeepsTheDefaultAndSaysWhich) {
    PlanOptions options;
    choose_qemu_from_host(options, host_with({{"qemu-system-x86", "1:9.1.0+ds-1"}}));
    EXPECT_EQ(options.qemu, &default_qemu_release());
    ASSERT_EQ(options.qemu_choice.caveats.size(), 1u);
    EXPECT_EQ(caveat_message(options.qemu_choice.caveats[0], FirmwareKind::SeaBios),
              "the host has QEMU 9.1.0 (qemu-system-x86 1:9.1.0+ds-1); aperture models 7.2, 8.2, 9.2, 10.0, 11.1");
}

TEST(StackDetection, AFlagBeatsTheHostsQemu) {
    PlanOptions options;
    request_qemu_release(options, "8.2");
    choose_qemu_from_host(options, host_with({{"qemu-system-x86", "1:10.0.2+ds-2"}}));
    EXPECT_EQ(options.qemu, find_qemu_release("8.2"));
    EXPECT_EQ(options.qemu_choice, (StackChoice{StackChoiceSource::Flag, "--qemu 8.2", {}}));
}

TEST(StackDetection, AbsentPackagesAndUnknownDatabasesAreSaid) {
    PlanOptions absent;
    choose_qemu_from_host(absent, host_with({{"seabios", "1.16.2-1"}}));
    EXPECT_EQ(absent.qemu_choice.caveats, (std::vector<StackCaveat>{{StackCaveatKind::HostPackageAbsent, "qemu-system-x86", ""}}));

    PlanOptions old_snapshot;
    choose_qemu_from_host(old_snapshot, HostSnapshot{});  // saved before aperture recorded software
    EXPECT_EQ(old_snapshot.qemu_choice.caveats, (std::vector<StackCaveat>{{StackCaveatKind::HostPackagesNotRecorded, "qemu-system-x86", ""}}));
    EXPECT_EQ(old_snapshot.qemu, &default_qemu_release());

    PlanOptions no_dpkg;
    HostSnapshot red_hat;
    red_hat.software = HostSoftware{"5.14.0-427.13.1.el9_4.x86_64", std::nullopt};
    choose_qemu_from_host(no_dpkg, red_hat);
    EXPECT_EQ(no_dpkg.qemu_choice.caveats, (std::vector<StackCaveat>{{StackCaveatKind::HostPackagesUnknown, "qemu-system-x86", ""}}));
    EXPECT_EQ(caveat_message(no_dpkg.qemu_choice.caveats[0], FirmwareKind::SeaBios), "the host has no dpkg database, so which QEMU it has is unknown");
}

TEST(StackDetection, OvmfFromEitherPackage) {
    PlanOptions ovmf;
    request_firmware(ovmf, "ovmf");
    const HostSnapshot host = host_with({{"ovmf-generic", "2022.11-6"}});
    const PlanOptions options = choose("-machine q35", ovmf, &host);
    EXPECT_EQ(options.ovmf_choice, (StackChoice{StackChoiceSource::HostPackages, "ovmf-generic 2022.11-6", {}}));
    EXPECT_EQ(options.seabios_choice, StackChoice{});  // not the firmware run: not consulted
}

// OVMF: the image by its digest (an examined image stands in here: real digests need real images, see
// firmware/ovmf_image_test.cpp and the CLI test naming Debian 12's image), then the host's package.

const OvmfRelease& ovmf(const char* name) { return *find_ovmf_release(name); }

// What examine_ovmf_image says of a known build of `release` from the row of `file`.
OvmfImage recognised_ovmf(const char* release, const char* file) {
    for (const auto& known : kKnownOvmfImages) {
        if (known.release == release && known.file == file) return OvmfImage{FirmwareImageOutcome::Recognised, find_ovmf_release(release), &known, ""};
    }
    ADD_FAILURE() << "no row for " << release << " " << file;
    return {};
}

const char* kCode = "/usr/share/OVMF/OVMF_CODE_4M.fd";
const char* kSecbootCode = "/usr/share/OVMF/OVMF_CODE_4M.secboot.fd";

TEST(StackDetection, TheOvmfImageChoosesItsBuild) {
    PlanOptions options;
    choose_ovmf_release(options, "/vm/code.fd", recognised_ovmf("2025.02", kCode), nullptr);
    EXPECT_EQ(options.ovmf, &ovmf("2025.02"));
    EXPECT_EQ(options.ovmf_choice, (StackChoice{StackChoiceSource::FirmwareImage, "/vm/code.fd", {}}));
}

TEST(StackDetection, TheOvmfImageBeatsTheHost) {
    const HostSnapshot host = host_with({{"ovmf", "2022.11-6+deb12u2"}});
    PlanOptions options;
    choose_ovmf_release(options, "/vm/code.fd", recognised_ovmf("2026.08", kCode), &host);
    EXPECT_EQ(options.ovmf, &ovmf("2026.08"));
    EXPECT_EQ(options.ovmf_choice.source, StackChoiceSource::FirmwareImage);
}

TEST(StackDetection, AFlagBeatsTheOvmfImage) {
    PlanOptions flagged;
    request_firmware(flagged, "ovmf-2024.11");
    choose_ovmf_release(flagged, "/vm/code.fd", recognised_ovmf("2025.02", kCode), nullptr);
    EXPECT_EQ(flagged.ovmf, &ovmf("2024.11"));
    EXPECT_EQ(flagged.ovmf_choice.source, StackChoiceSource::Flag);
}

TEST(StackDetection, AnSmmBuildIsItsReleaseWithACaveat) {
    PlanOptions options;
    choose_ovmf_release(options, "/vm/secboot.fd", recognised_ovmf("2025.02", kSecbootCode), nullptr);
    EXPECT_EQ(options.ovmf, &ovmf("2025.02"));
    EXPECT_EQ(options.ovmf_choice,
              (StackChoice{StackChoiceSource::FirmwareImage, "/vm/secboot.fd", {{StackCaveatKind::ImageSmmBuild, "/vm/secboot.fd", ""}}}));
    EXPECT_EQ(caveat_message(options.ovmf_choice.caveats[0], FirmwareKind::Ovmf),
              "/vm/secboot.fd is a build that requires SMM (Secure Boot): it is modelled as the same release without SMM, so the "
              "SMRAM (TSEG) it reserves is left out");
}

TEST(StackDetection, AnUnknownOvmfImageKeepsTheDefaultAndSaysSo) {
    const HostSnapshot host = host_with({{"ovmf", "2025.02-8+deb13u1"}});
    PlanOptions options;
    choose_ovmf_release(options, "/vm/custom.fd", OvmfImage{FirmwareImageOutcome::NotRecognised, nullptr, nullptr, ""}, &host);
    EXPECT_EQ(options.ovmf, &default_ovmf_release());  // the host's package is not this file
    ASSERT_EQ(options.ovmf_choice.caveats.size(), 1u);
    EXPECT_EQ(caveat_message(options.ovmf_choice.caveats[0], FirmwareKind::Ovmf),
              "/vm/custom.fd: its SHA-256 is none of the OVMF images aperture knows (Debian's ovmf 2022.11-6+deb12u2, "
              "ovmf 2025.02-8+deb13u1, ovmf-generic 2026.08+ds-2)");
}

TEST(StackDetection, AnOvmfImageNotHereLeavesTheChoiceToTheHost) {
    const HostSnapshot host = host_with({{"ovmf", "2025.02-8+deb13u1"}});
    const PlanOptions options = choose("-machine q35 -drive if=pflash,format=raw,unit=0,readonly=on,file=/nonexistent/OVMF_CODE_4M.fd",
                                       PlanOptions{}, &host);
    EXPECT_EQ(options.ovmf, &ovmf("2025.02"));
    EXPECT_EQ(options.ovmf_choice, (StackChoice{StackChoiceSource::HostPackages,
                                                "ovmf 2025.02-8+deb13u1",
                                                {{StackCaveatKind::ImageNotFound, "/nonexistent/OVMF_CODE_4M.fd", ""}}}));
    EXPECT_EQ(caveat_message(options.ovmf_choice.caveats[0], FirmwareKind::Ovmf),
              "/nonexistent/OVMF_CODE_4M.fd is not here, so its OVMF build is unknown");
}

TEST(StackDetection, ABiosOvmfImageIsExamined) {
    const PlanOptions options = choose("-machine q35 -bios /nonexistent/OVMF.fd", PlanOptions{}, nullptr);
    EXPECT_EQ(options.ovmf_choice.caveats, (std::vector<StackCaveat>{{StackCaveatKind::ImageNotFound, "/nonexistent/OVMF.fd", ""}}));
    EXPECT_EQ(options.seabios_choice, StackChoice{});
}

TEST(StackDetection, ASeabiosImageIsNeverReadForOvmf) {
    PlanOptions flagged;
    request_firmware(flagged, "ovmf");
    const PlanOptions options = choose("-bios /nonexistent/bios-256k.bin", flagged, nullptr);
    EXPECT_TRUE(options.ovmf_choice.caveats.empty());  // not examined: it is not the OVMF modelled
}

TEST(StackDetection, TheDebianPackageVersionsNameTheirOvmfRelease) {
    EXPECT_EQ(find_ovmf_release(upstream_version("2022.11-6+deb12u2")), &ovmf("2022.11"));
    EXPECT_EQ(find_ovmf_release(upstream_version("2025.02-8+deb13u1")), &ovmf("2025.02"));
    EXPECT_EQ(find_ovmf_release(upstream_version("2026.08+ds-2")), &ovmf("2026.08"));
}

TEST(StackDetection, ThePlanRecordsEveryChoice) {
    PlanOptions options;
    request_qemu_release(options, "10.0");
    request_firmware(options, "seabios-1.16.3");
    const VmSpec spec = read_qemu_command_line(words("-machine q35 -m 8G"), *options.qemu);
    const Plan plan = make_plan(spec, options);
    const StackProvenance& p = plan.stack.provenance;
    EXPECT_EQ(plan.machine.type.name, "pc-q35-10.0");
    EXPECT_EQ(p.qemu.source, StackChoiceSource::Flag);
    EXPECT_EQ(p.machine.source, StackChoiceSource::CommandLine);
    EXPECT_NE(p.machine.detail.find("-machine q35"), std::string::npos) << p.machine.detail;
    EXPECT_EQ(p.firmware, (StackChoice{StackChoiceSource::Flag, "--firmware seabios-1.16.3", {}}));
    EXPECT_EQ(p.firmware_release, (StackChoice{StackChoiceSource::Flag, "--firmware seabios-1.16.3", {}}));
}

TEST(StackDetection, DefaultsAreRecordedAsDefaults) {
    const Plan plan = make_plan(read_qemu_command_line(words("-m 1G")), PlanOptions{});
    EXPECT_EQ(plan.stack.provenance, StackProvenance{});
    const Plan bios = make_plan(read_qemu_command_line(words("-bios /nonexistent/bios.bin")), PlanOptions{});
    EXPECT_EQ(bios.stack.provenance.firmware.source, StackChoiceSource::CommandLine);
}

}  // namespace
}  // namespace aperture
