#include "host/kvm_paging.hpp"

#include <gtest/gtest.h>

#include "host_test_support.hpp"

namespace aperture {
namespace {

TEST(HostKvmPaging, BoolParameterValues) {
    EXPECT_EQ(parse_module_bool("Y\n"), true);
    EXPECT_EQ(parse_module_bool("N\n"), false);
}
TEST(HostKvmPaging, IntParameterValues) {
    EXPECT_EQ(parse_module_bool("1\n"), true);
    EXPECT_EQ(parse_module_bool("0\n"), false);
}
TEST(HostKvmPaging, OtherValuesAreNotBooleans) { EXPECT_FALSE(parse_module_bool("yes").has_value()); }

TEST(HostKvmPaging, AbsentModulesAreUnknown) {
    const MemoryHostFiles files;
    EXPECT_EQ(read_kvm_paging(files), (KvmPaging{std::nullopt, std::nullopt}));
}
TEST(HostKvmPaging, ReadsKvmAmdNpt) {
    MemoryHostFiles files;
    files.add_file(kKvmAmdNptParameter, "N\n");
    EXPECT_EQ(read_kvm_paging(files), (KvmPaging{std::nullopt, false}));
}
TEST(HostKvmPaging, MalformedParameterNamesTheFile) {
    MemoryHostFiles files;
    files.add_file(kKvmIntelEptParameter, "maybe\n");
    EXPECT_EQ(test::input_error([&] { read_kvm_paging(files); }),
              "/sys/module/kvm_intel/parameters/ept: expected a module parameter value Y, N, 1 or 0, got 'maybe'");
}

}  // namespace
}  // namespace aperture
