#include "devices/nvlink2_catalog.hpp"

#include "devices/pci_ids.hpp"

namespace aperture {

namespace {

constexpr std::uint16_t kV100Sxm2_16g = 0x1db1;  // GV100GL [Tesla V100 SXM2 16GB]
constexpr std::uint16_t kV100Sxm2_32g = 0x1db5;  // GV100GL [Tesla V100 SXM2 32GB]
constexpr std::uint16_t kVendorIbm = 0x1014;
constexpr std::uint16_t kIbmNpu2 = 0x04ea;       // skiboot hw/npu2.c npu2_populate_cfg: vendor/device 0x04ea1014
constexpr std::uint16_t kClassBridgeOther = 0x0680;  // npu2_populate_cfg: class 0x068001

// The GV100 layout lspci shows for the V100 PCIe board: BAR 0 registers 16M 32-bit, BAR 1 the
// framebuffer (64-bit prefetchable, the RAM size), BAR 3 32M 64-bit prefetchable.
PciFunctionSpec v100_sxm2(std::uint16_t device_id, u64 framebuffer) {
    PciFunctionSpec f;
    f.driver = "vfio-pci";
    f.vendor_id = pci_ids::kVendorNvidia;
    f.device_id = device_id;
    f.class_code = pci_ids::kClassDisplay3d;
    f.bars = {BarSpec::memory32(0, 16 * MiB, Prefetchable::No), BarSpec::memory64(1, framebuffer, Prefetchable::Yes),
              BarSpec::memory64(3, 32 * MiB, Prefetchable::Yes)};
    return f;
}

// skiboot hw/npu2.c: BAR0/1 the NTL BAR (64-bit, 0x10000 << 1 = 128 KiB as npu2_write_bar sets its size
// field to 1), BAR2/3 half of the stack's GENID BAR (64-bit, 64 KiB); both non-prefetchable.
PciFunctionSpec npu2_link() {
    PciFunctionSpec f;
    f.driver = "vfio-pci";
    f.vendor_id = kVendorIbm;
    f.device_id = kIbmNpu2;
    f.class_code = kClassBridgeOther;
    f.bars = {BarSpec::memory64(0, 128 * KiB, Prefetchable::No), BarSpec::memory64(2, 64 * KiB, Prefetchable::No)};
    return f;
}

std::vector<Nvlink2CatalogEntry> catalog() {
    return {
        {"v100-sxm2-16g-nvlink2", "NVIDIA Tesla V100 SXM2 16GB on NVLink2 (POWER9): BARs as the V100 PCIe (approximate), 16G GPU RAM",
         true, 16 * GiB, v100_sxm2(kV100Sxm2_16g, 16 * GiB)},
        {"v100-sxm2-32g-nvlink2", "NVIDIA Tesla V100 SXM2 32GB on NVLink2 (POWER9): BARs as the V100 PCIe (approximate), 32G GPU RAM",
         true, 32 * GiB, v100_sxm2(kV100Sxm2_32g, 32 * GiB)},
        {"ibm-npu2-nvlink", "IBM NPU2 NVLink bridge function (one per link; name its GPU: ibm-npu2-nvlink@GPUHOST); NTL 128K, GENID 64K",
         false, 0, npu2_link()},
    };
}

}  // namespace

std::optional<Nvlink2CatalogEntry> find_nvlink2_device(std::string_view name) {
    for (auto& e : catalog()) {
        if (e.name == name) return e;
    }
    return std::nullopt;
}

std::vector<std::string> nvlink2_device_names() {
    std::vector<std::string> names;
    for (const auto& e : catalog()) names.push_back(e.name);
    return names;
}

}  // namespace aperture
