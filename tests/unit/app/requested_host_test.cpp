// A snapshot a request carries is the one the VM is planned against, shared rather than copied: a
// scheduler asking about a fleet of VMs on one host holds one snapshot for all of them.
#include "app/requested_host.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>

#include "app/pseries_vm.hpp"
#include "app/qemu_x86_vm.hpp"
#include "core/error.hpp"
#include "host/host_snapshot_json.hpp"

namespace aperture::app {
namespace {

const std::string kSnapshotFile =
    (std::filesystem::path(APERTURE_SOURCE_DIR) / "tests/fixtures/host/snapshots/intel-i7-12700-rtx4090.json").string();

VmRequest with_snapshot_read(std::vector<std::string> qemu_args) {
    VmRequest request;
    request.source.qemu_args = std::move(qemu_args);
    request.host = std::make_shared<const HostSnapshot>(load_host_snapshot(kSnapshotFile));
    return request;
}

TEST(RequestedHost, ASnapshotGivenIsTheOneReturned) {
    const VmRequest request = with_snapshot_read({});
    EXPECT_EQ(requested_host(request).get(), request.host.get());
}

TEST(RequestedHost, AFileIsReadAndNothingIsNoSnapshot) {
    VmRequest request;
    EXPECT_EQ(requested_host(request), nullptr);
    request.host_file = kSnapshotFile;
    const std::shared_ptr<const HostSnapshot> read = requested_host(request);
    ASSERT_NE(read, nullptr);
    EXPECT_EQ(*read, load_host_snapshot(kSnapshotFile));
}

TEST(RequestedHost, AFileAndASnapshotAreTwoHosts) {
    VmRequest request = with_snapshot_read({});
    request.host_file = kSnapshotFile;
    EXPECT_THROW(requested_host(request), InputError);
}

TEST(RequestedHost, AnX86VmHoldsTheSnapshotGiven) {
    const VmRequest request = with_snapshot_read({"-machine", "q35", "-m", "2G", "-device", "vfio-pci,host=01:00.0"});
    const QemuX86Vm vm = prepare_qemu_x86_vm(request, HostNeed::Always);
    EXPECT_EQ(vm.host.get(), request.host.get());
}

TEST(RequestedHost, APseriesVmHoldsTheSnapshotGiven) {
    const VmRequest request = with_snapshot_read({"-machine", "pseries", "-m", "4G"});
    const PseriesVm vm = prepare_pseries_vm(request);
    EXPECT_EQ(vm.snapshot.get(), request.host.get());
}

}  // namespace
}  // namespace aperture::app
