#include "machine/xen/libxl_memory.hpp"

#include <fmt/format.h>

#include "core/error.hpp"
#include "machine/xen/xen_layout.hpp"

namespace aperture {

namespace {

// tools/libs/light/libxl_create.c libxl__domain_build_info_setdefault: video RAM by device model and vga.
u64 default_video_memkb(const XlDomainConfig& c) {
    if (c.device_model == XenDeviceModel::QemuXenTraditional) {
        switch (c.vga) {
            case XenVga::None: return 0;
            case XenVga::Std: return 8 * 1024;
            case XenVga::Cirrus: return 4 * 1024;
            case XenVga::Qxl: throw InputError(fmt::format("{}: vga = \"qxl\": qemu upstream required for qxl vga", c.source));
        }
    }
    switch (c.vga) {
        case XenVga::None: return 0;
        case XenVga::Qxl: return 128 * 1024;
        case XenVga::Std: return 16 * 1024;
        case XenVga::Cirrus: return 8 * 1024;
    }
    return 8 * 1024;
}

u64 minimum_video_memkb(const XlDomainConfig& c) {
    if (c.device_model == XenDeviceModel::QemuXenTraditional) return c.vga == XenVga::Std ? 8 * 1024 : 0;
    switch (c.vga) {
        case XenVga::Qxl: return 128 * 1024;
        case XenVga::Std: return 16 * 1024;
        case XenVga::Cirrus: return 8 * 1024;
        case XenVga::None: return 0;
    }
    return 0;
}

}  // namespace

std::string libxl_refusal(const XlDomainConfig& config) {
    // libxl_create.c domcreate: pod_enabled = target < max; with passthrough: ERROR_INVAL.
    if (!config.pci.empty() && config.max_memory_mib() > config.memory_mib) {
        return "IOMMU required for device passthrough but not supported together with PoD";
    }
    return {};
}

LibxlMemoryLayout libxl_memory_layout(const XlDomainConfig& config) {
    LibxlMemoryLayout m;
    m.video_memkb = default_video_memkb(config);
    if (config.videoram_mib) {
        m.video_memkb = *config.videoram_mib * 1024;
        if (m.video_memkb < minimum_video_memkb(config)) {
            throw InputError(fmt::format("{}: videoram = {}: videoram must be at least {} MB for {} on {}", config.source, *config.videoram_mib,
                                         minimum_video_memkb(config) / 1024, to_string(config.vga), to_string(config.device_model)));
        }
    }
    const u64 max_memkb = config.max_memory_mib() * 1024;
    if (max_memkb <= m.video_memkb) {
        throw InputError(fmt::format("{}: memory ({} MiB) leaves no guest RAM beside {} MiB of video RAM", config.source, config.max_memory_mib(), m.video_memkb / 1024));
    }
    // libxl_dom.c libxl__build_hvm: mem_size = (max_memkb - video_memkb) << 10.
    m.ram_bytes = (max_memkb - m.video_memkb) * KiB;

    // libxl_dom.c: mmio_hole only counts when 4G - hole < HVM_BELOW_4G_MMIO_START (strictly);
    // libxl_create.c writes platform/mmio_hole_size when it is <=, which is the same hole either way.
    u64 mmio_size = xen::HVM_BELOW_4G_MMIO_LENGTH;
    if (config.mmio_hole_mib) {
        const u64 hole = *config.mmio_hole_mib * MiB;
        const u64 max_ram_below_4g = 4 * GiB - hole;
        if (max_ram_below_4g < xen::HVM_BELOW_4G_MMIO_START) mmio_size = hole;
        if (max_ram_below_4g <= xen::HVM_BELOW_4G_MMIO_START) {
            m.mmio_hole_size = hole;
            if (config.device_model == XenDeviceModel::QemuXen) m.max_ram_below_4g = max_ram_below_4g;
        }
    }
    m.mmio_start = 4 * GiB - mmio_size;
    m.lowmem_end = m.ram_bytes;
    if (m.lowmem_end > m.mmio_start) {
        m.highmem_end = 4 * GiB + (m.lowmem_end - m.mmio_start);
        m.lowmem_end = m.mmio_start;
    }
    // libxl_dm.c: relocation only for qemu-xen-traditional without vNUMA (always 0 from 4.21 on).
    m.allow_memory_relocate = config.device_model == XenDeviceModel::QemuXenTraditional && !config.vnuma;

    // libxl_x86.c domain_construct_memmap: low RAM from 1 MiB (a device model exists), RAM above 4 GiB.
    m.memory_map.push_back({xen::GUEST_LOW_MEM_START, m.lowmem_end - xen::GUEST_LOW_MEM_START, E820Type::Ram});
    if (m.highmem_end) m.memory_map.push_back({4 * GiB, m.highmem_end - 4 * GiB, E820Type::Ram});
    return m;
}

}  // namespace aperture
