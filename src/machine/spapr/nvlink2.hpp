#pragma once
// NVLink2 GPU RAM and ATSD windows (QEMU 4.1 through 8.1, pseries-4.1 and later machine types;
// hw/ppc/spapr_pci_nvlink2.c spapr_phb_nvgpu_setup). On a POWER9 host with the vfio_pci_nvlink2 driver
// (Linux before 5.13), a passed-through V100 SXM2 exposes its on-board RAM as a region QEMU maps as guest
// RAM, and each IBM NPU2 NVLink bridge function an ATSD (address translation shootdown) register block.
// At every PHB reset QEMU walks the PHB's bus in slot order and stacks:
//   - each GPU's RAM from the PHB's nv2_gpa (64 TiB + index * 2 TiB), back to back, unaligned;
//   - each NPU link's 64 KiB ATSD block from its nv2_atsd (128 TiB + index * 1152 KiB).
// GPUs and links are tied by their NVLink2 target address ("tgt"); at most 6 per PHB, 3 links per GPU.
// Any error drops every NVLink2 window of that PHB (QEMU only prints it).

#include <optional>
#include <string>
#include <vector>

#include "core/address.hpp"
#include "core/range.hpp"

namespace aperture::spapr {

enum class Nvlink2Role { Gpu, NpuLink };

// One function on the PHB's bus that vfio-pci gives NVLink2 properties ("nvlink2-tgt").
struct Nvlink2Function {
    std::string name;   // for messages: the -device id or host address
    unsigned devfn = 0; // its place on the bus: the walk is in ascending devfn
    Nvlink2Role role = Nvlink2Role::Gpu;
    u64 tgt = 0;        // the GPU this belongs to (non-zero)
    u64 ram_size = 0;   // GPU only: the NVLink2 RAM region (vfio_pci_nvidia_v100_ram_init)
};

struct Nvlink2GpuWindows {
    std::string name;
    u64 tgt = 0;
    AddressRange ram;
    std::vector<AddressRange> atsd;  // one per link wired to this GPU, in walk order
};

struct Nvlink2Layout {
    std::vector<Nvlink2GpuWindows> gpus;
    std::string error;              // QEMU's message when it dropped the PHB's windows ("Found too many GPUs per vPHB")
    std::optional<u64> ram_end;     // first address past the last GPU RAM
    unsigned atsd_count = 0;        // ATSD blocks mapped (the device tree carries at most 8)
};

// `functions` in any order; they are walked in ascending devfn as QEMU does. nv2_gpa or nv2_atsd 0: the
// machine places no NVLink2 windows and the layout is empty.
Nvlink2Layout layout_nvlink2(u64 nv2_gpa, u64 nv2_atsd, std::vector<Nvlink2Function> functions);

}  // namespace aperture::spapr
