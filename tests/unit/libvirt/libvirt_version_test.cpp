#include "libvirt/libvirt_version.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"

namespace aperture {
namespace {

TEST(LibvirtVersion, ParsesThreeParts) {
    const auto v = parse_libvirt_version("9.0.0");
    EXPECT_EQ(v, (LibvirtVersion{9, 0, 0}));
    EXPECT_EQ(to_string(parse_libvirt_version("10.7.0")), "10.7.0");
}

TEST(LibvirtVersion, TwoPartsMeanMicroZero) { EXPECT_EQ(parse_libvirt_version("10.7"), (LibvirtVersion{10, 7, 0})); }

TEST(LibvirtVersion, OrdersNumericallyNotAsText) { EXPECT_LT(parse_libvirt_version("9.10.0"), parse_libvirt_version("10.0.0")); }

TEST(LibvirtVersion, RejectsWhatIsNotAVersion) {
    EXPECT_THROW(parse_libvirt_version("9"), InputError);
    EXPECT_THROW(parse_libvirt_version("9.0.0-4+deb12u2"), InputError);
    EXPECT_THROW(parse_libvirt_version("v9.0.0"), InputError);
    EXPECT_THROW(parse_libvirt_version(""), InputError);
}

}  // namespace
}  // namespace aperture
