// Inter-VM shared memory backed by a host memory backend (QEMU 7.2 hw/misc/ivshmem.c, ivshmem-plain).
// ivshmem-doorbell takes its memory from a server at run time, so its size cannot be known here.

#include <algorithm>

#include "devices/device_families.hpp"
#include "devices/pci_ids.hpp"
#include "machine/qemu_release.hpp"

namespace aperture {

namespace {

// include/hw/pci/pci_ids.h: PCI_DEVICE_ID_IVSHMEM (vendor PCI_VENDOR_ID_IVSHMEM = Red Hat/Qumranet)
constexpr std::uint16_t kIvshmemDeviceId = 0x1110;
// hw/misc/ivshmem.c: IVSHMEM_REG_BAR_SIZE, the register BAR 0
constexpr u64 kRegisterBarSize = 0x100;
constexpr int kRegisterBar = 0;
constexpr int kSharedMemoryBar = 2;  // the backend's memory, 64-bit prefetchable

PciFunctionSpec build_ivshmem_plain(const DeviceProperties& properties, const PlugContext& context) {
    const auto memdev = properties.string("memdev");
    if (!memdev) properties.refuse("property 'memdev' must name a memory backend", "You must specify a 'memdev'");
    const MemoryBackendSpec* backend = nullptr;
    if (context.memory_backends != nullptr) {
        auto found = std::find_if(context.memory_backends->begin(), context.memory_backends->end(),
                                  [&](const MemoryBackendSpec& candidate) { return candidate.id == *memdev; });
        if (found != context.memory_backends->end()) backend = &*found;
    }
    if (backend == nullptr) {
        properties.refuse("property 'memdev' names '" + *memdev + "', but no -object memory-backend-* has that id",
                          "Device '" + *memdev + "' not found");
    }
    // QEMU 7.2 does not check the backend size: pci_register_bar's assertion aborts the process.
    if (!is_power_of_two(backend->size)) {
        properties.refuse_abort("memory backend '" + *memdev + "' has size " + hex(backend->size) +
                                    ", not a power of two, and " + std::string(properties.qemu().display_name) + " does not check it",
                                kPciRegisterBarAbort);
    }
    PciFunctionSpec spec;
    spec.driver = "ivshmem-plain";
    spec.vendor_id = pci_ids::kVendorRedHatQumranet;
    spec.device_id = kIvshmemDeviceId;
    spec.class_code = pci_ids::kClassMemoryRam;
    spec.bars.push_back(BarSpec::memory32(kRegisterBar, kRegisterBarSize, Prefetchable::No));
    spec.bars.push_back(BarSpec::memory64(kSharedMemoryBar, backend->size, Prefetchable::Yes));
    return spec;
}

}  // namespace

std::vector<DeviceModel> device_families::ivshmem_devices() {
    return {
        DeviceModel{
            .name = "ivshmem-plain",
            .default_romfile = "",
            .layout_neutral_properties = {"master"},
            .layout_properties = {"memdev"},
            .build = build_ivshmem_plain,
        },
    };
}

}  // namespace aperture
