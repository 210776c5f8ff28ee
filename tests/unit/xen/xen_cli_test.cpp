// aperture plan/check --xl through the command line: exit codes and messages for bad input.

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "cli/commands.hpp"

namespace {

struct CliRun {
    int code;
    std::string out;
    std::string err;
};

CliRun run_cli(std::vector<std::string> words) {
    std::vector<char*> argv;
    std::string name = "aperture";
    argv.push_back(name.data());
    for (auto& w : words) argv.push_back(w.data());
    std::ostringstream out, err;
    const int code = aperture::cli::run(static_cast<int>(argv.size()), argv.data(), out, err);
    return {code, out.str(), err.str()};
}

std::string write_cfg(const std::string& name, const std::string& text) {
    const std::string path = ::testing::TempDir() + name;
    std::ofstream(path) << text;
    return path;
}

}  // namespace

TEST(XenCli, SyntaxErrorNamesFileAndLineAndExitsTwo) {
    const std::string path = write_cfg("bad.cfg", "type = \"hvm\"\nmemory = 2048\npci = [ '41:00.0' \n");
    const CliRun r = run_cli({"plan", "--xl", path});
    EXPECT_EQ(r.code, aperture::cli::EXIT_BAD_INPUT);
    EXPECT_NE(r.err.find("bad.cfg:"), std::string::npos) << r.err;
}

TEST(XenCli, MissingFileExitsTwo) {
    EXPECT_EQ(run_cli({"plan", "--xl", "/nonexistent/vm.cfg"}).code, aperture::cli::EXIT_BAD_INPUT);
}

TEST(XenCli, PlanStatesReleaseAndNotChecked) {
    const std::string path = write_cfg("ok.cfg", "type = \"hvm\"\nmemory = 2048\n");
    const CliRun r = run_cli({"plan", "--xl", path, "--xen", "4.17.0"});
    EXPECT_EQ(r.code, aperture::cli::EXIT_OK);
    EXPECT_NE(r.out.find("hvmloader-4.17.0"), std::string::npos);
    EXPECT_NE(r.out.find("not checked against a running system"), std::string::npos);
}

TEST(XenCli, UnknownReleaseExitsTwo) {
    const std::string path = write_cfg("ok2.cfg", "type = \"hvm\"\nmemory = 2048\n");
    EXPECT_EQ(run_cli({"plan", "--xl", path, "--xen", "4.9"}).code, aperture::cli::EXIT_BAD_INPUT);
}

TEST(XenCli, JsonSaysNotChecked) {
    const std::string path = write_cfg("ok3.cfg", "type = \"hvm\"\nmemory = 2048\n");
    const CliRun r = run_cli({"plan", "--format", "json", "--xl", path});
    EXPECT_NE(r.out.find("\"checked_against_running_system\": false"), std::string::npos);
}

TEST(XenCli, BadWillAttachExitsTwo) {
    const std::string path = write_cfg("ok4.cfg", "type = \"hvm\"\nmemory = 2048\n");
    EXPECT_EQ(run_cli({"check", "--xl", path, "--phys-bits", "40", "--will-attach", "mem32=3M"}).code, aperture::cli::EXIT_BAD_INPUT);
}

TEST(XenCli, WillAttachTakesTheSameDevicesAsQemu) {
    // A size and a catalog name read as for `--will-attach PORT=DEVICE` on QEMU, without the port.
    const std::string path = write_cfg("ok5.cfg", "type = \"hvm\"\nmemory = 2048\n");
    const CliRun size = run_cli({"check", "--xl", path, "--phys-bits", "46", "--will-attach", "256M"});
    EXPECT_NE(size.code, aperture::cli::EXIT_BAD_INPUT) << size.err;
    EXPECT_NE(size.out.find("xen.hotplug"), std::string::npos) << size.out;
    const CliRun catalog = run_cli({"check", "--xl", path, "--phys-bits", "46", "--will-attach", "rtx4090"});
    EXPECT_NE(catalog.code, aperture::cli::EXIT_BAD_INPUT) << catalog.err;
    const CliRun typo = run_cli({"check", "--xl", path, "--phys-bits", "46", "--will-attach", "rtx4909"});
    EXPECT_EQ(typo.code, aperture::cli::EXIT_BAD_INPUT);
    EXPECT_NE(typo.err.find("--will-attach rtx4909: 'rtx4909' is not a device aperture knows"), std::string::npos) << typo.err;
}
