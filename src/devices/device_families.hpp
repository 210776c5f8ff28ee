#pragma once
// Internal to src/devices: each device-family file hands its models to the catalog (device_catalog.cpp).

#include <algorithm>
#include <vector>

#include "devices/device_model.hpp"

namespace aperture {

// What Debian's QEMU 7.2 prints when a BAR is registered with a size that is not a power of two
// (hw/pci/pci.c, pci_register_bar): devices that take a size from the user without checking it abort.
inline constexpr const char* kPciRegisterBarAbort =
    "../../hw/pci/pci.c:1240: pci_register_bar: Assertion `is_power_of_2(size)' failed.";

// A function whose only resource is a 32-bit, non-prefetchable memory BAR 0 (HDA controllers, i6300esb,
// pvpanic-pci).
inline PciFunctionSpec single_memory_bar_function(const char* driver, std::uint16_t vendor, std::uint16_t device,
                                                  std::uint16_t class_code, u64 size) {
    PciFunctionSpec spec;
    spec.driver = driver;
    spec.vendor_id = vendor;
    spec.device_id = device;
    spec.class_code = class_code;
    spec.bars.push_back(BarSpec::memory32(0, size, Prefetchable::No));
    return spec;
}

// hw/display/vga.c, vga_common_init: the VGA memory of every VGA-core device (VGA, secondary-vga,
// vmware-svga) is vgamem_mb (default 16) clamped to 1..512 MiB, then rounded up to a power of two.
inline constexpr u64 kVgaCommonMinMiB = 1;
inline constexpr u64 kVgaCommonMaxMiB = 512;
inline constexpr u64 kVgaCommonDefaultMiB = 16;  // vgamem_mb default (hw/display/vga-pci.c, vmware_vga.c)

inline u64 vga_common_vram_size(const DeviceProperties& properties) {
    const u64 mib = std::clamp<u64>(properties.uint32("vgamem_mb").value_or(kVgaCommonDefaultMiB), kVgaCommonMinMiB,
                                    kVgaCommonMaxMiB);
    return *power_of_two_ceil(mib) * MiB;
}

}  // namespace aperture

namespace aperture::device_families {

std::vector<DeviceModel> pcie_root_ports();     // pcie_root_port.cpp: pcie-root-port, ioh3420
std::vector<DeviceModel> pcie_switch_ports();   // pcie_switch.cpp: x3130-upstream, xio3130-downstream
std::vector<DeviceModel> pci_bridges();         // pci_bridge.cpp: pci-bridge, pci-bridge-seat
std::vector<DeviceModel> pcie_pci_bridges();    // pcie_pci_bridge.cpp: pcie-pci-bridge
std::vector<DeviceModel> pci_testdevs();        // pci_testdev.cpp: pci-testdev
std::vector<DeviceModel> ivshmem_devices();     // ivshmem.cpp: ivshmem-plain
std::vector<DeviceModel> virtio_pci_devices();  // virtio_pci.cpp: virtio-*-pci, virtio-vga
std::vector<DeviceModel> qxl_devices();         // qxl.cpp: qxl-vga, qxl
std::vector<DeviceModel> rtl8139_devices();     // rtl8139.cpp: rtl8139 (libvirt's default NIC on pc)
std::vector<DeviceModel> e1000_devices();       // e1000.cpp: e1000, e1000-82544gc, e1000-82545em, e1000e
std::vector<DeviceModel> nvme_devices();        // nvme.cpp: nvme
std::vector<DeviceModel> xhci_devices();        // qemu_xhci.cpp: qemu-xhci, nec-usb-xhci
std::vector<DeviceModel> vga_devices();         // vga.cpp: VGA, secondary-vga, bochs-display
std::vector<DeviceModel> vfio_devices();        // vfio_pci.cpp: vfio-pci
std::vector<DeviceModel> uhci_devices();        // usb_uhci.cpp: piix3-usb-uhci, ich9-usb-uhci1..6
std::vector<DeviceModel> ehci_devices();        // usb_ehci.cpp: usb-ehci, ich9-usb-ehci1, ich9-usb-ehci2
std::vector<DeviceModel> cirrus_devices();      // cirrus_vga.cpp: cirrus-vga
std::vector<DeviceModel> hda_devices();         // intel_hda.cpp: intel-hda, ich9-intel-hda
std::vector<DeviceModel> dmi_pci_bridges();     // dmi_pci_bridge.cpp: i82801b11-bridge
std::vector<DeviceModel> watchdog_panic_devices();  // watchdog_panic.cpp: i6300esb, pvpanic-pci
std::vector<DeviceModel> pci_expander_bridges(); // pci_expander_bridge.cpp: pxb, pxb-pcie
std::vector<DeviceModel> ahci_devices();        // ich9_ahci.cpp: ich9-ahci (alias ahci)
std::vector<DeviceModel> lsi_scsi_devices();    // lsi_scsi.cpp: lsi53c895a (alias lsi), lsi53c810
std::vector<DeviceModel> megasas_devices();     // megasas.cpp: megasas, megasas-gen2
std::vector<DeviceModel> vmxnet3_devices();     // vmxnet3.cpp: vmxnet3
std::vector<DeviceModel> vmware_svga_devices(); // vmware_svga.cpp: vmware-svga
std::vector<DeviceModel> ac97_devices();        // ac97.cpp: AC97

}  // namespace aperture::device_families
