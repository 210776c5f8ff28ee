#pragma once
// POWER9 NVLink2 devices for pseries passthrough (QEMU 4.1-8.1 with a host kernel before 5.13): the
// V100 SXM2 GPU, whose on-board RAM vfio exposes as a region QEMU maps as guest memory, and the IBM NPU2
// NVLink bridge function, one per link, each with a 64 KiB ATSD register block. Chosen with
// `--passthrough HOST=v100-sxm2-16g-nvlink2` and `--passthrough HOST=ibm-npu2-nvlink@GPUHOST` (the link
// names the GPU it is wired to).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "devices/pci_function.hpp"

namespace aperture {

struct Nvlink2CatalogEntry {
    std::string name;
    std::string description;
    bool is_gpu = true;
    u64 ram_size = 0;  // GPU: the NVLink2 RAM region
    PciFunctionSpec function;
};

std::optional<Nvlink2CatalogEntry> find_nvlink2_device(std::string_view name);
std::vector<std::string> nvlink2_device_names();

}  // namespace aperture
