// The pseries label: which parts the QEMU 7.2 + SLOF oracle checks, per release.
#include "machine/spapr/verification.hpp"

#include <algorithm>

#include <gtest/gtest.h>

namespace aperture::spapr {
namespace {

bool has(const std::vector<SpaprPart>& parts, SpaprPart part) { return std::find(parts.begin(), parts.end(), part) != parts.end(); }

TEST(PseriesVerification, Qemu72ChecksWhatTheBootShows) {
    const auto v = spapr_verification(QemuRelease::V7_2);
    EXPECT_EQ(v.stack, "QEMU 7.2 + SLOF 20220719");
    for (auto part : {SpaprPart::PhbWindows, SpaprPart::SlofBars, SpaprPart::BridgeWindows}) {
        EXPECT_TRUE(has(v.checked, part)) << part_key(part);
        EXPECT_FALSE(has(v.source_only, part)) << part_key(part);
    }
    for (auto part : {SpaprPart::DdwWindows, SpaprPart::Nvlink2, SpaprPart::Vfio, SpaprPart::GuestReassignment}) {
        EXPECT_TRUE(has(v.source_only, part)) << part_key(part);
        EXPECT_FALSE(has(v.checked, part)) << part_key(part);
    }
    const std::string text = verification_text(QemuRelease::V7_2);
    EXPECT_NE(text.find("checked against QEMU 7.2 + SLOF 20220719"), std::string::npos);
    EXPECT_NE(text.find("modelled from upstream source only: DDW windows the guest creates, NVLink2, VFIO"), std::string::npos);
}

TEST(PseriesVerification, OtherReleasesAreSourceOnly) {
    for (auto release : {QemuRelease::V8_1, QemuRelease::V8_2}) {
        const auto v = spapr_verification(release);
        EXPECT_TRUE(v.stack.empty());
        EXPECT_TRUE(v.checked.empty());
        EXPECT_TRUE(has(v.source_only, SpaprPart::PhbWindows));
        EXPECT_TRUE(has(v.source_only, SpaprPart::SlofBars));
        EXPECT_NE(verification_text(release).find("not checked against a running system"), std::string::npos);
    }
}

}  // namespace
}  // namespace aperture::spapr
