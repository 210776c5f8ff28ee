// `aperture plan --host-guest-phys-bits N`: the GuestPhysBits the host's KVM reports, which QEMU 9.1+ machine
// types copy into a KVM guest's CPUID when the guest's width is known at KVM realize time
// (target/i386/kvm/kvm-cpu.c kvm_set_guest_phys_bits), and which the plan report names.
#include "cli/commands.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "../support/cli_runner.hpp"

namespace aperture::cli {
namespace {

using nlohmann::json;
using test::run_cli;

bool mentions(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// A KVM guest on QEMU 10.0 on an Intel host with 46 bits whose KVM reports `guest_phys_bits`.
std::vector<std::string> kvm_plan(const std::string& format, const std::string& guest_phys_bits, const std::string& machine,
                                  const std::string& cpu) {
    return {"plan",          "--format",         format,         "--qemu",   "10.0",          "--host-cpu-vendor",
            "GenuineIntel",  "--host-phys-bits", "46",           "--host-guest-phys-bits",    guest_phys_bits,
            "--",            "-machine",         machine,        "-accel",   "kvm",           "-cpu",
            cpu,             "-m",               "4G"};
}

json cpu_of(const test::CliResult& r) { return json::parse(r.out)["cpu"]; }

TEST(GuestPhysBitsCli, HostCpuOnA10MachineTypeGetsKvmsValue) {
    const auto r = run_cli(kvm_plan("json", "46", "pc-q35-10.0", "host"));
    ASSERT_EQ(r.status, EXIT_OK) << r.err;
    EXPECT_EQ(cpu_of(r)["guest_phys_bits"], 46);
    EXPECT_EQ(cpu_of(r)["guest_phys_bits_origin"], "KVM reports 46, forwarded by this machine type");
}

// kvm_set_guest_phys_bits caps KVM's value by host-phys-bits-limit, which is already the guest's width.
TEST(GuestPhysBitsCli, HostPhysBitsLimitCapsKvmsValue) {
    const auto r = run_cli(kvm_plan("json", "46", "pc-q35-10.0", "host,host-phys-bits-limit=39"));
    ASSERT_EQ(r.status, EXIT_OK) << r.err;
    EXPECT_EQ(cpu_of(r)["guest_phys_bits"], 39);
}

TEST(GuestPhysBitsCli, TheTextReportNamesIt) {
    const auto r = run_cli(kvm_plan("text", "46", "pc-q35-10.0", "host"));
    ASSERT_EQ(r.status, EXIT_OK) << r.err;
    EXPECT_TRUE(mentions(r.out, "host-phys-bits=on: the host's width): guest-physical space ends at 0x3fffffffffff (64 TiB)\n"
                                "          guest-phys-bits 46 (KVM reports 46, forwarded by this machine type)\n"))
        << r.out;
}

TEST(GuestPhysBitsCli, A90MachineTypeDoesNotForwardIt) {
    const auto r = run_cli(kvm_plan("json", "46", "pc-q35-9.0", "host"));
    ASSERT_EQ(r.status, EXIT_OK) << r.err;
    EXPECT_FALSE(cpu_of(r).contains("guest_phys_bits")) << r.out;  // 0, and nothing decided it
}

TEST(GuestPhysBitsCli, DefaultQemu64HasNoWidthAtKvmRealize) {
    const auto r = run_cli(kvm_plan("json", "46", "pc-q35-10.0", "qemu64"));
    ASSERT_EQ(r.status, EXIT_OK) << r.err;
    EXPECT_EQ(cpu_of(r)["guest_phys_bits"], 0);
    EXPECT_EQ(cpu_of(r)["guest_phys_bits_origin"], "KVM reports it, but QEMU forwards it only with host-phys-bits or phys-bits set");
}

TEST(GuestPhysBitsCli, WithoutTheFlagTheValueIsUnknown) {
    const auto r = run_cli({"plan", "--format", "json", "--qemu", "10.0", "--host-cpu-vendor", "GenuineIntel", "--host-phys-bits", "46",
                            "--", "-machine", "pc-q35-10.0", "-accel", "kvm", "-cpu", "host"});
    ASSERT_EQ(r.status, EXIT_OK) << r.err;
    EXPECT_EQ(cpu_of(r)["guest_phys_bits"], 0);
    EXPECT_EQ(cpu_of(r)["guest_phys_bits_origin"], "unknown: the host's KVM GuestPhysBits was not given, so 0 is assumed");
}

TEST(GuestPhysBitsCli, ATcgPlanSaysNothingOfIt) {
    const auto r = run_cli({"plan", "--qemu", "10.0", "--host-guest-phys-bits", "46", "--", "-machine", "pc-q35-10.0"});
    ASSERT_EQ(r.status, EXIT_OK) << r.err;
    EXPECT_FALSE(mentions(r.out, "guest-phys-bits")) << r.out;
}

TEST(GuestPhysBitsCli, MoreThan64BitsIsBadInput) {
    const auto r = run_cli(kvm_plan("text", "65", "pc-q35-10.0", "host"));
    EXPECT_EQ(r.status, EXIT_BAD_INPUT);
    EXPECT_TRUE(mentions(r.err, "--host-guest-phys-bits 65: expected 0 (KVM reports none) or a width up to 64 bits")) << r.err;
}

TEST(GuestPhysBitsCli, ANegativeWidthIsBadInput) {
    const auto r = run_cli(kvm_plan("text", "-1", "pc-q35-10.0", "host"));
    EXPECT_EQ(r.status, EXIT_BAD_INPUT);
    EXPECT_TRUE(mentions(r.err, "--host-guest-phys-bits")) << r.err;
}

TEST(GuestPhysBitsCli, ASnapshotGivesItsInferredValue) {
    // The EPYC host: Linux 6.12 with NPT on and 48 bits, so KVM reports 48.
    const std::string tree = std::string(APERTURE_SOURCE_DIR) + "/tests/fixtures/host/amd-epyc-a100";
    const std::string snapshot = ::testing::TempDir() + "aperture-guest-phys-bits-epyc.json";
    ASSERT_EQ(run_cli({"host", "--root", tree, "--save", snapshot}).status, EXIT_OK);
    const auto r = run_cli({"plan", "--format", "json", "--host", snapshot, "--", "-machine", "pc-q35-10.0", "-accel", "kvm", "-cpu", "host"});
    ASSERT_EQ(r.status, EXIT_OK) << r.err;
    EXPECT_EQ(cpu_of(r)["guest_phys_bits"], 48);
}

TEST(GuestPhysBitsCli, TheFlagOverridesTheSnapshot) {
    const std::string tree = std::string(APERTURE_SOURCE_DIR) + "/tests/fixtures/host/amd-epyc-a100";
    const std::string snapshot = ::testing::TempDir() + "aperture-guest-phys-bits-epyc-flag.json";
    ASSERT_EQ(run_cli({"host", "--root", tree, "--save", snapshot}).status, EXIT_OK);
    const auto r = run_cli({"plan", "--format", "json", "--host", snapshot, "--host-guest-phys-bits", "0", "--", "-machine", "pc-q35-10.0",
                            "-accel", "kvm", "-cpu", "host"});
    ASSERT_EQ(r.status, EXIT_OK) << r.err;
    EXPECT_EQ(cpu_of(r)["guest_phys_bits"], 0);
    EXPECT_EQ(cpu_of(r)["guest_phys_bits_origin"], "KVM reports none (a kernel before 6.10, or no EPT/NPT)");
}

}  // namespace
}  // namespace aperture::cli
