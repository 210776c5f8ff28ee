#include "diagnostics/finding_kind.hpp"

#include <gtest/gtest.h>

namespace aperture {
namespace {

TEST(FindingKind, StableIdsAreTheOnesReportsAlwaysPrinted) {
    EXPECT_EQ(to_string(FindingKind::FirmwareAssignment), "firmware.assignment");
    EXPECT_EQ(to_string(FindingKind::HostPhysBits), "host.phys-bits");
    EXPECT_EQ(to_string(FindingKind::SpaprNvlink2Host), "spapr.nvlink2-host");
    EXPECT_EQ(to_string(FindingKind::QemuRefusal), "qemu.refusal");
}

TEST(FindingKind, HostFindingsAreTheHostAndIommuOnes) {
    EXPECT_TRUE(is_host_finding(FindingKind::HostPhysBits));
    EXPECT_TRUE(is_host_finding(FindingKind::HostMemlock));
    EXPECT_TRUE(is_host_finding(FindingKind::IommuWidth));
    EXPECT_TRUE(is_host_finding(FindingKind::IommuReserved));
    EXPECT_FALSE(is_host_finding(FindingKind::FirmwareAssignment));
    EXPECT_FALSE(is_host_finding(FindingKind::HotplugReservation));
    EXPECT_FALSE(is_host_finding(FindingKind::XenPhysBits));
}

}  // namespace
}  // namespace aperture
