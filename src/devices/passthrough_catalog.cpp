#include "devices/passthrough_catalog.hpp"

#include "devices/pci_ids.hpp"

namespace aperture {

namespace {

// PCI device IDs from the PCI ID database (pci.ids) for the boards named in field.md.
constexpr std::uint16_t kNvidiaH100Pcie = 0x2331;     // GH100 [H100 PCIe]
constexpr std::uint16_t kNvidiaA100Pcie80g = 0x20b5;  // GA100 [A100 PCIe 80GB]
constexpr std::uint16_t kNvidiaA100Pcie40g = 0x20f1;  // GA100 [A100 PCIe 40GB]
constexpr std::uint16_t kNvidiaA30 = 0x20b7;          // GA100GL [A30 PCIe]
constexpr std::uint16_t kNvidiaV100Pcie16g = 0x1db4;  // GV100GL [Tesla V100 PCIe 16GB]
constexpr std::uint16_t kNvidiaRtx4090 = 0x2684;      // AD102 [GeForce RTX 4090]
constexpr std::uint16_t kAmdInstinctMi100 = 0x738c;   // Arcturus GL-XL [Instinct MI100]

// The NVIDIA data-centre layout: BAR 0 registers (32-bit), BAR 1 framebuffer and BAR 3 the
// control/doorbell window, both 64-bit prefetchable.
PciFunctionSpec nvidia_compute(std::uint16_t device_id, u64 framebuffer) {
    PciFunctionSpec spec;
    spec.driver = "vfio-pci";
    spec.vendor_id = pci_ids::kVendorNvidia;
    spec.device_id = device_id;
    spec.class_code = pci_ids::kClassDisplay3d;
    spec.bars = {
        BarSpec::memory32(0, 16 * MiB, Prefetchable::No),
        BarSpec::memory64(1, framebuffer, Prefetchable::Yes),
        BarSpec::memory64(3, 32 * MiB, Prefetchable::Yes),
    };
    return spec;
}

// GeForce adds legacy I/O (BAR 5) and an expansion ROM; framebuffer 256 MiB, or all of VRAM with
// resizable BAR enabled in the host firmware.
PciFunctionSpec nvidia_geforce(std::uint16_t device_id, u64 framebuffer) {
    PciFunctionSpec spec = nvidia_compute(device_id, framebuffer);
    spec.class_code = pci_ids::kClassDisplayVga;
    spec.bars.push_back(BarSpec::io(5, 128));
    spec.bars.push_back(BarSpec::rom(512 * KiB));
    return spec;
}

// AMD Instinct: VRAM (64-bit prefetchable), a 2 MiB doorbell BAR (64-bit prefetchable) and the
// 32-bit register BAR 5 that must sit below 4 GiB.
PciFunctionSpec amd_instinct(std::uint16_t device_id, u64 vram) {
    PciFunctionSpec spec;
    spec.driver = "vfio-pci";
    spec.vendor_id = pci_ids::kVendorAmdAti;
    spec.device_id = device_id;
    spec.class_code = pci_ids::kClassDisplayOther;  // lspci: "Display controller"
    spec.bars = {
        BarSpec::memory64(0, vram, Prefetchable::Yes),
        BarSpec::memory64(2, 2 * MiB, Prefetchable::Yes),
        BarSpec::memory32(5, 512 * KiB, Prefetchable::No),
        BarSpec::rom(128 * KiB),
    };
    return spec;
}

std::vector<PassthroughDevice> catalog() {
    return {
        {"h100", "NVIDIA H100 PCIe (80 GB); BARs 16M, 128G 64p, 32M 64p", false,
         nvidia_compute(kNvidiaH100Pcie, 128 * GiB)},
        {"a100-80g", "NVIDIA A100 PCIe 80GB; BARs 16M 32np, 128G 64p, 32M 64p", false,
         nvidia_compute(kNvidiaA100Pcie80g, 128 * GiB)},
        {"a100-40g", "NVIDIA A100 PCIe 40GB; BARs 16M, 64G 64p, 32M", false,
         nvidia_compute(kNvidiaA100Pcie40g, 64 * GiB)},
        {"a30", "NVIDIA A30; BARs 16M 32np, 32G 64p, 32M 64p", false, nvidia_compute(kNvidiaA30, 32 * GiB)},
        {"v100", "NVIDIA Tesla V100 PCIe 16GB; BARs 16M 32np, 16G 64p, 32M", false,
         nvidia_compute(kNvidiaV100Pcie16g, 16 * GiB)},
        {"rtx4090", "NVIDIA GeForce RTX 4090; BARs 16M 32np, 256M 64p, 32M, IO 128, ROM 512K", false,
         nvidia_geforce(kNvidiaRtx4090, 256 * MiB)},
        {"rtx4090-rebar", "NVIDIA GeForce RTX 4090 with resizable BAR on: BAR 1 is 32G", false,
         nvidia_geforce(kNvidiaRtx4090, 32 * GiB)},
        {"amd-instinct-mi100",
         "AMD Instinct MI100 (32 GB): approximation from the typical AMD layout (VRAM 32G 64p, doorbell 2M 64p, "
         "registers 512K 32np, ROM 128K)",
         true, amd_instinct(kAmdInstinctMi100, 32 * GiB)},
    };
}

}  // namespace

std::optional<PassthroughDevice> find_passthrough_device(std::string_view name) {
    for (PassthroughDevice& device : catalog()) {
        if (device.name == name) return device;
    }
    return std::nullopt;
}

std::vector<std::string> passthrough_device_names() {
    std::vector<std::string> names;
    for (const PassthroughDevice& device : catalog()) names.push_back(device.name);
    return names;
}

}  // namespace aperture
