// The probe on the machine running the tests: it must read the live sysfs and procfs without an error,
// and where /proc/iomem shows addresses (root), every BAR and window sysfs reports must be claimed there.

#include <gtest/gtest.h>

#include "host/host_snapshot.hpp"
#include "host/host_snapshot_json.hpp"

namespace aperture {
namespace {

const HostSnapshot& live() {
    static const HostSnapshot snapshot = probe_host("/");
    return snapshot;
}

TEST(HostProbeLive, ReadsThisMachine) {
    EXPECT_EQ(live().root, "/");
    EXPECT_TRUE(live().memlock.has_value());  // getrlimit cannot fail for RLIMIT_MEMLOCK
}
TEST(HostProbeLive, SnapshotRoundTrips) {
    EXPECT_EQ(parse_host_snapshot_json(host_snapshot_json(live()), "live.json"), live());
}
TEST(HostProbeLive, SysfsAgreesWithIomem) {
    if (!live().iomem || live().iomem->addresses_hidden()) {
        GTEST_SKIP() << "/proc/iomem shows no addresses to this user";
    }
    const IomemAgreement agreement = check_iomem_agreement(*live().iomem, live().pci);
    EXPECT_TRUE(agreement.agrees()) << agreement.disagreements.front();
}

}  // namespace
}  // namespace aperture
