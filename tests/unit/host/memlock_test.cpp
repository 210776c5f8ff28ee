#include "host/memlock.hpp"

#include <gtest/gtest.h>
#include <sys/resource.h>

#include "host_test_support.hpp"

namespace aperture {
namespace {

// proc_pid_limits: "%-25s %-20s %-20s %-10s"
const std::string kHeader = "Limit                     Soft Limit           Hard Limit           Units     \n";

TEST(HostMemlock, ParsesByteCounts) {
    const auto limit = parse_limits_memlock(
        kHeader + "Max locked memory         65536                8388608              bytes     \n", "l");
    EXPECT_EQ(limit, (MemlockLimit{MemlockSource::LimitsFile, 65536, 8388608}));
}
TEST(HostMemlock, ParsesUnlimited) {
    const auto limit =
        parse_limits_memlock("Max locked memory         unlimited            unlimited            bytes     \n", "l");
    EXPECT_EQ(limit, (MemlockLimit{MemlockSource::LimitsFile, std::nullopt, std::nullopt}));
}
TEST(HostMemlock, NoMemlockLineIsNullopt) {
    EXPECT_FALSE(parse_limits_memlock(
        kHeader + "Max open files            1024                 4096                 files     \n", "l"));
}
TEST(HostMemlock, MalformedLineNamesFileAndLine) {
    EXPECT_EQ(
        test::input_error(
            [] { parse_limits_memlock(kHeader + "Max locked memory         64k  64k  bytes\n", "/proc/self/limits"); }),
        "/proc/self/limits:2: expected 'Max locked memory <soft> <hard> bytes' with byte counts or 'unlimited', got "
        "'Max locked memory         64k  64k  bytes'");
}
TEST(HostMemlock, FixtureLimitsFile) {
    const auto limit = test::probe_fixture("xeon-e3-1230-36bit").memlock;
    EXPECT_EQ(limit, (MemlockLimit{MemlockSource::LimitsFile, 65536, 65536}));
}
TEST(HostMemlock, ThisProcessMatchesGetrlimit) {
    rlimit expected{};
    ASSERT_EQ(getrlimit(RLIMIT_MEMLOCK, &expected), 0);
    const auto limit = process_memlock_limit();
    ASSERT_TRUE(limit.has_value());
    EXPECT_EQ(limit->source, MemlockSource::Getrlimit);
    EXPECT_EQ(limit->soft.value_or(RLIM_INFINITY), expected.rlim_cur);
}

}  // namespace
}  // namespace aperture
