#include "devices/qdev_alias.hpp"

#include <array>
#include <utility>

namespace aperture {

namespace {

// softmmu/qdev-monitor.c qdev_alias_table, the rows the x86_64 build takes (QEMU_ARCH_VIRTIO_PCI, and
// the rows without an arch), as `qemu-system-x86_64 -device help` lists them on QEMU 7.2: {type, alias}.
constexpr std::array<std::pair<std::string_view, std::string_view>, 19> kAliases{{
    {"AC97", "ac97"},
    {"ES1370", "es1370"},
    {"e1000", "e1000-82540em"},
    {"ich9-ahci", "ahci"},
    {"lsi53c895a", "lsi"},
    {"virtio-9p-pci", "virtio-9p"},
    {"virtio-balloon-pci", "virtio-balloon"},
    {"virtio-blk-pci", "virtio-blk"},
    {"virtio-gpu-gl-pci", "virtio-gpu-gl"},
    {"virtio-gpu-pci", "virtio-gpu"},
    {"virtio-input-host-pci", "virtio-input-host"},
    {"virtio-iommu-pci", "virtio-iommu"},
    {"virtio-keyboard-pci", "virtio-keyboard"},
    {"virtio-mouse-pci", "virtio-mouse"},
    {"virtio-net-pci", "virtio-net"},
    {"virtio-rng-pci", "virtio-rng"},
    {"virtio-scsi-pci", "virtio-scsi"},
    {"virtio-serial-pci", "virtio-serial"},
    {"virtio-tablet-pci", "virtio-tablet"},
}};

}  // namespace

std::string canonical_device_driver(std::string_view driver) {
    for (const auto& [type, alias] : kAliases) {
        if (driver == alias) return std::string(type);
    }
    return std::string(driver);
}

}  // namespace aperture
