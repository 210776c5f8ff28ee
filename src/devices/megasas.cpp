// The LSI MegaRAID SAS controllers (QEMU hw/scsi/megasas.c): megasas (SAS 1078, libvirt's <controller
// type='scsi' model='lsisas1078'>) and the PCIe megasas-gen2 (SAS 2108). Both BARs of memory are 64-bit
// and not prefetchable; their MSI-X table lives inside the register BAR, so msi= and msix= change no BAR.

#include <algorithm>

#include "devices/device_families.hpp"
#include "devices/pci_ids.hpp"

namespace aperture {

namespace {

// include/hw/pci/pci_ids.h: PCI_DEVICE_ID_LSI_SAS1078, PCI_DEVICE_ID_LSI_SAS0079
constexpr std::uint16_t kMegasasDeviceId = 0x0060;
constexpr std::uint16_t kMegasasGen2DeviceId = 0x0079;
// include/hw/pci/pci_ids.h: PCI_CLASS_STORAGE_RAID
constexpr std::uint16_t kClassStorageRaid = 0x0104;
// megasas_scsi_realize: "megasas-mmio" 0x4000, "megasas-io" 256, "megasas-queue" 0x40000; the class data
// places them (megasas: mmio_bar 0, ioport_bar 2; megasas-gen2: ioport_bar 0, mmio_bar 1; queue at BAR 3).
// Measured on QEMU 7.2 and 10.0: megasas 0:m64:16K 2:io:256 3:m64:256K, gen2 0:io:256 1:m64:16K 3:m64:256K.
constexpr u64 kMegasasMmioSize = 0x4000;
constexpr u64 kMegasasIoSize = 256;
constexpr u64 kMegasasQueueSize = 0x40000;
constexpr int kMegasasQueueBar = 3;

struct MegasasBars {
    int mmio;
    int io;
};

DeviceModel megasas_model(const char* name, std::uint16_t device_id, MegasasBars bars) {
    return DeviceModel{
        .name = name,
        .default_romfile = "",
        // megasas_properties: the firmware's limits and identity, and the interrupt modes
        .layout_neutral_properties = {"hba_serial", "max_cmds", "max_sge", "msi", "msix", "sas_address", "use_jbod"},
        .layout_properties = {},
        .build =
            [name, device_id, bars](const DeviceProperties&, const PlugContext&) {
                PciFunctionSpec spec;
                spec.driver = name;
                spec.vendor_id = pci_ids::kVendorLsiLogic;
                spec.device_id = device_id;
                spec.class_code = kClassStorageRaid;
                std::vector<BarSpec> in_order{BarSpec::memory64(bars.mmio, kMegasasMmioSize, Prefetchable::No),
                                              BarSpec::io(bars.io, kMegasasIoSize),
                                              BarSpec::memory64(kMegasasQueueBar, kMegasasQueueSize, Prefetchable::No)};
                std::sort(in_order.begin(), in_order.end(), [](const BarSpec& a, const BarSpec& b) { return a.index < b.index; });
                spec.bars = std::move(in_order);
                return spec;
            },
    };
}

}  // namespace

std::vector<DeviceModel> device_families::megasas_devices() {
    return {megasas_model("megasas", kMegasasDeviceId, {.mmio = 0, .io = 2}),
            megasas_model("megasas-gen2", kMegasasGen2DeviceId, {.mmio = 1, .io = 0})};
}

}  // namespace aperture
