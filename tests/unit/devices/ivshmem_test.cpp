#include <gtest/gtest.h>

#include "core/error.hpp"
#include "device_test_support.hpp"
#include "machine/qemu_release.hpp"

namespace aperture {
namespace {

PlugContext with_backend(std::vector<MemoryBackendSpec>& backends, u64 size) {
    MemoryBackendSpec backend;
    backend.type = "memory-backend-ram";
    backend.id = "m";
    backend.size = size;
    backends.push_back(backend);
    PlugContext context = test::context_named("root");
    context.memory_backends = &backends;
    return context;
}

TEST(IvshmemPlain, SharedMemoryBarIsBackendSize) {
    std::vector<MemoryBackendSpec> backends;
    const auto spec = build_device(test::parse_device("ivshmem-plain,memdev=m"), with_backend(backends, 64 * MiB));
    EXPECT_EQ(spec.bars, (std::vector<BarSpec>{BarSpec::memory32(0, 256, Prefetchable::No),
                                               BarSpec::memory64(2, 64 * MiB, Prefetchable::Yes)}));
}

TEST(IvshmemPlain, MissingMemdevIsRefused) { EXPECT_THROW(test::build("ivshmem-plain", "root"), InputError); }

TEST(IvshmemPlain, UnknownBackendIsRefused) {
    std::vector<MemoryBackendSpec> backends;
    EXPECT_THROW(build_device(test::parse_device("ivshmem-plain,memdev=other"), with_backend(backends, 64 * MiB)),
                 InputError);
}

TEST(IvshmemPlain, NonPowerOfTwoBackendIsRefused) {
    std::vector<MemoryBackendSpec> backends;
    EXPECT_THROW(build_device(test::parse_device("ivshmem-plain,memdev=m"), with_backend(backends, 3 * MiB)),
                 InputError);
}

TEST(IvshmemPlain, AbortNamesTheReleaseThePlugIsFor) {
    const QemuRelease& other = *find_qemu_release("10.0");
    std::vector<MemoryBackendSpec> backends;
    PlugContext context = with_backend(backends, 3 * MiB);
    context.qemu = &other;
    std::string message;
    try {
        build_device(test::parse_device("ivshmem-plain,memdev=m"), context);
    } catch (const DeviceRefusal& e) {
        message = e.what();
    }
    EXPECT_NE(message.find("not a power of two, and QEMU 10.0 does not check it (QEMU 10.0 aborts: "), std::string::npos) << message;
}

}  // namespace
}  // namespace aperture
