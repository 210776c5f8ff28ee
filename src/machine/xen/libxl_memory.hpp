#pragma once
// Where libxl puts an HVM guest's RAM before hvmloader runs (tools/libs/light/libxl_dom.c
// libxl__build_hvm, libxl_x86.c domain_construct_memmap), and what it tells hvmloader and qemu-xen
// about the MMIO hole (libxl_create.c: platform/mmio_hole_size; libxl_dm.c: max-ram-below-4g,
// hvmloader/allow-memory-relocate).

#include <optional>
#include <string>
#include <vector>

#include "core/address.hpp"
#include "input/xl_cfg/xl_domain_config.hpp"
#include "machine/e820.hpp"

namespace aperture {

struct LibxlMemoryLayout {
    u64 video_memkb = 0;      // libxl_create.c: by vga and device model
    u64 ram_bytes = 0;        // (max_memkb - video_memkb) << 10: the guest's RAM, below and above 4 GiB
    u64 mmio_start = 0;       // 4 GiB - mmio_size: RAM below 4 GiB stops here
    u64 lowmem_end = 0;       // hvm_info->low_mem_pgend << 12
    u64 highmem_end = 0;      // hvm_info->high_mem_pgend << 12; 0 without RAM above 4 GiB
    // platform/mmio_hole_size as hvmloader reads it (bytes); nullopt when libxl does not write it.
    std::optional<u64> mmio_hole_size;
    std::optional<u64> max_ram_below_4g;  // qemu-xen's -machine max-ram-below-4g
    bool allow_memory_relocate = false;   // hvmloader/allow-memory-relocate
    std::vector<E820Entry> memory_map;    // XENMEM_memory_map: what hvmloader's memory_map_setup reads
};

// Throws InputError for a configuration libxl refuses (its message), naming the setting.
LibxlMemoryLayout libxl_memory_layout(const XlDomainConfig& config);

// libxl_create.c: PoD (memory < maxmem) with PCI passthrough is refused; "" when accepted.
std::string libxl_refusal(const XlDomainConfig& config);

}  // namespace aperture
