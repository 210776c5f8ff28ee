// The NVMe controller (QEMU 7.2 hw/nvme/ctrl.c, nvme_init_pci). BAR 0 holds the registers, one
// doorbell pair per queue pair, and (unless msix-exclusive-bar=on) the MSI-X table and PBA; the
// controller memory buffer (cmb_size_mb=) is BAR 2 and the persistent memory region (pmrdev=) BAR 4.
// msix-exclusive-bar is a Debian 12 backport (upstream 9.0): it moves MSI-X to its own BAR 4.

#include <algorithm>

#include "devices/device_families.hpp"
#include "devices/msix.hpp"
#include "devices/pci_ids.hpp"

namespace aperture {

namespace {

// include/hw/pci/pci.h: PCI_DEVICE_ID_REDHAT_NVME; include/hw/pci/pci_ids.h: PCI_DEVICE_ID_INTEL_NVME
constexpr std::uint16_t kNvmeDeviceId = 0x0010;
constexpr std::uint16_t kIntelNvmeDeviceId = 0x5845;
// include/block/nvme.h: sizeof(NvmeBar), the controller registers in front of the doorbells
constexpr u64 kRegisterSize = 4 * KiB;
// hw/nvme/ctrl.c: NVME_DB_SIZE, each queue has a submission and a completion doorbell
constexpr u64 kDoorbellSize = 4;
// hw/nvme/ctrl.c: NVME_MAX_IOQPAIRS; max_ioqpairs default 64, msix_qsize default 65
constexpr u64 kMaxIoQueuePairs = 0xffff;
constexpr u64 kDefaultIoQueuePairs = 64;
constexpr u64 kDefaultMsixVectors = 65;
// include/hw/pci/msix.h: PCI_MSIX_ENTRY_SIZE
constexpr u64 kMsixEntrySize = 16;
// hw/nvme/nvme.h: NVME_CMB_BIR, NVME_PMR_BIR; the exclusive MSI-X BAR of msix-exclusive-bar=on
constexpr int kRegisterBar = 0;
constexpr int kCmbBar = 2;
constexpr int kPmrBar = 4;
constexpr int kExclusiveMsixBar = 4;

// hw/nvme/ctrl.c, nvme_bar_size: registers + doorbells, then the MSI-X table, then the PBA, each 4 KiB
// aligned, rounded up to a power of two. msix_vectors = 0 sizes the registers alone.
u64 register_bar_size(u64 queues_with_admin, u64 msix_vectors) {
    u64 size = *align_up(kRegisterSize + 2 * queues_with_admin * kDoorbellSize, 4 * KiB);
    size = *align_up(size + kMsixEntrySize * msix_vectors, 4 * KiB);
    size += *align_up(msix_vectors, 64) / 8;
    return *power_of_two_ceil(size);
}

const MemoryBackendSpec* find_backend(const PlugContext& context, const std::string& id) {
    if (context.memory_backends == nullptr) return nullptr;
    auto found = std::find_if(context.memory_backends->begin(), context.memory_backends->end(),
                              [&](const MemoryBackendSpec& backend) { return backend.id == id; });
    return found == context.memory_backends->end() ? nullptr : &*found;
}

PciFunctionSpec build_nvme(const DeviceProperties& properties, const PlugContext& context) {
    // hw/nvme/ctrl.c, nvme_check_params, in its order
    u64 io_queue_pairs = properties.uint32("max_ioqpairs").value_or(kDefaultIoQueuePairs);
    if (auto num_queues = properties.uint32("num_queues"); num_queues && *num_queues != 0) {
        io_queue_pairs = u64{*num_queues} - 1;  // the deprecated num_queues counts the admin queue
    }
    if (io_queue_pairs < 1 || io_queue_pairs > kMaxIoQueuePairs) {
        properties.refuse("property 'max_ioqpairs' must be between 1 and 65535 (num_queues between 2 and 65536), got " +
                              std::to_string(io_queue_pairs),
                          "max_ioqpairs must be between 1 and 65535");
    }
    const u64 msix_vectors = properties.uint16("msix_qsize").value_or(kDefaultMsixVectors);
    if (msix_vectors < 1 || msix_vectors > kMsixMaxVectors) {
        properties.refuse("property 'msix_qsize' must be between 1 and 2048, got " + std::to_string(msix_vectors),
                          "msix_qsize must be between 1 and 2048");
    }
    if (!properties.string("serial")) properties.refuse("property 'serial' must be set", "serial property not set");
    const MemoryBackendSpec* pmr = nullptr;
    if (auto pmrdev = properties.string("pmrdev")) {
        pmr = find_backend(context, *pmrdev);
        if (pmr == nullptr) {
            properties.refuse("property 'pmrdev' names '" + *pmrdev + "', but no -object memory-backend-* has that id",
                              "Device '" + *pmrdev + "' not found");
        }
        if (!is_power_of_two(pmr->size)) {
            properties.refuse("memory backend '" + *pmrdev + "' has size " + hex(pmr->size) + ", not a power of two",
                              "pmr backend size needs to be power of 2 in size");
        }
    }
    if (properties.uint8("sriov_max_vfs").value_or(0) != 0) {
        properties.fail(
            "property 'sriov_max_vfs': SR-IOV virtual functions (and their VF BARs) are not modelled by "
            "aperture");
    }

    PciFunctionSpec spec;
    spec.driver = "nvme";
    const bool intel_id = properties.boolean_or("use-intel-id", false);
    spec.vendor_id = intel_id ? pci_ids::kVendorIntel : pci_ids::kVendorRedHat;
    spec.device_id = intel_id ? kIntelNvmeDeviceId : kNvmeDeviceId;
    spec.class_code = pci_ids::kClassStorageExpress;

    const u64 queues_with_admin = io_queue_pairs + 1;
    if (properties.boolean_or("msix-exclusive-bar", false)) {
        spec.bars.push_back(BarSpec::memory64(kRegisterBar, register_bar_size(queues_with_admin, 0), Prefetchable::No));
    } else {
        spec.bars.push_back(
            BarSpec::memory64(kRegisterBar, register_bar_size(queues_with_admin, msix_vectors), Prefetchable::No));
    }
    if (const u64 cmb_mib = properties.uint32("cmb_size_mb").value_or(0); cmb_mib != 0) {
        const u64 cmb_size = cmb_mib * MiB;
        if (!is_power_of_two(cmb_size)) {
            properties.refuse_abort("property 'cmb_size_mb' must be a power of two, got " + std::to_string(cmb_mib),
                                    kPciRegisterBarAbort);
        }
        spec.bars.push_back(BarSpec::memory64(kCmbBar, cmb_size, Prefetchable::Yes));
    }
    if (properties.boolean_or("msix-exclusive-bar", false)) {
        spec.bars.push_back(BarSpec::memory32(
            kExclusiveMsixBar, *msix_exclusive_bar_size(static_cast<std::uint16_t>(msix_vectors)), Prefetchable::No));
    }
    if (pmr != nullptr) {
        if (properties.boolean_or("msix-exclusive-bar", false)) {
            properties.fail("pmrdev= and msix-exclusive-bar=on both want BAR 4; aperture does not model that");
        }
        spec.bars.push_back(BarSpec::memory64(kPmrBar, pmr->size, Prefetchable::Yes));
    }
    return spec;
}

}  // namespace

std::vector<DeviceModel> device_families::nvme_devices() {
    return {
        DeviceModel{
            .name = "nvme",
            .default_romfile = "",
            .layout_neutral_properties = {"account-failed",
                                          "account-invalid",
                                          "aer_max_queued",
                                          "aerl",
                                          "backend_defaults",
                                          "bootindex",
                                          "discard_granularity",
                                          "drive",
                                          "ioeventfd",
                                          "logical_block_size",
                                          "mdts",
                                          "min_io_size",
                                          "opt_io_size",
                                          "physical_block_size",
                                          "share-rw",
                                          "smart_critical_warning",
                                          "sriov_max_vi_per_vf",
                                          "sriov_max_vq_per_vf",
                                          "sriov_vi_flexible",
                                          "sriov_vq_flexible",
                                          "subsys",
                                          "vsl",
                                          "write-cache",
                                          "zoned.auto_transition",
                                          "zoned.zasl"},
            .layout_properties = {"max_ioqpairs", "num_queues", "msix_qsize", "serial", "pmrdev", "sriov_max_vfs",
                                  "use-intel-id", "msix-exclusive-bar", "cmb_size_mb"},
            .build = build_nvme,
        },
    };
}

}  // namespace aperture
