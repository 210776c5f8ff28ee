// Naming the stack for an x86 plan (plan/stack_request.hpp): the release tables decide what is accepted.
#include "plan/stack_request.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"

namespace aperture {
namespace {

TEST(StackRequest, QemuReleaseFromTheTableIsApplied) {
    PlanOptions options;
    request_qemu_release(options, "7.2");
    EXPECT_EQ(options.qemu, find_qemu_release("7.2"));
}

TEST(StackRequest, UnmodelledQemuReleaseThrowsNamingTheModelledOnes) {
    PlanOptions options;
    try {
        request_qemu_release(options, "9.9");
        FAIL();
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find("aperture models 7.2"), std::string::npos);
    }
}

TEST(StackRequest, FirmwareKindAloneKeepsTheDefaultRelease) {
    PlanOptions options;
    request_firmware(options, "ovmf");
    EXPECT_EQ(options.firmware, FirmwareKind::Ovmf);
    EXPECT_EQ(options.ovmf, &default_ovmf_release());
}

TEST(StackRequest, FirmwareWithReleaseSetsKindAndRelease) {
    PlanOptions options;
    request_firmware(options, "seabios-1.16.2");
    EXPECT_EQ(options.firmware, FirmwareKind::SeaBios);
    EXPECT_EQ(options.seabios, find_seabios_release("1.16.2"));
}

TEST(StackRequest, FirmwareReleaseOfTheOtherKindIsRefused) {
    PlanOptions options;
    EXPECT_THROW(request_firmware(options, "seabios-2022.11"), InputError);
}

TEST(StackRequest, ChoicesListKindsThenReleases) {
    EXPECT_EQ(firmware_choices(), (std::vector<std::string>{"seabios", "ovmf", "seabios-1.16.2", "seabios-1.16.3", "seabios-1.17.0", "ovmf-2022.11",
                                                           "ovmf-2024.02", "ovmf-2024.11", "ovmf-2025.02", "ovmf-2025.05", "ovmf-2025.08",
                                                           "ovmf-2026.08"}));
}

}  // namespace
}  // namespace aperture
