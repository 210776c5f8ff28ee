#pragma once
// The host IOMMU as sysfs shows it: its units (/sys/class/iommu) with the Intel VT-d address widths, and
// its groups (/sys/kernel/iommu_groups) with the IOVA ranges each group reserves. Since Linux 5.4 VFIO
// refuses DMA maps into a reserved range, so guest RAM placed there fails with VFIO_MAP_DMA: -22 (AMD's
// HyperTransport hole 0xfd00000000-0xffffffffff is the best-known case).

#include <optional>
#include <string>
#include <vector>

#include "core/range.hpp"
#include "host/host_files.hpp"

namespace aperture {

inline constexpr const char* kIommuClassDir = "/sys/class/iommu";
inline constexpr const char* kIommuGroupsDir = "/sys/kernel/iommu_groups";

enum class IommuVendor { Intel, Amd, Other };
const char* to_string(IommuVendor vendor);  // "intel", "amd", "other"

struct IommuUnit {
    std::string name;  // "dmar0", "ivhd0"
    IommuVendor vendor = IommuVendor::Other;
    // Intel only: the VT-d capability and extended capability registers (intel-iommu/cap, /ecap). AMD's
    // units expose no address width this way, so theirs stays unknown.
    std::optional<u64> cap;
    std::optional<u64> ecap;

    friend bool operator==(const IommuUnit&, const IommuUnit&) = default;
};

// VT-d capability register fields (drivers/iommu/intel/iommu.h, cap_mgaw and cap_sagaw).
// Maximum guest address width: bits 21:16 plus one.
unsigned intel_mgaw(u64 cap);
// Supported adjusted guest address widths: bits 12:8; bit n is an (n + 2)-level table covering
// min(30 + 9n, 64) bits (agaw_to_level, agaw_to_width).
unsigned intel_sagaw(u64 cap);
// The widths SAGAW lists, ascending: {39, 48} for 0b00110.
std::vector<unsigned> intel_sagaw_widths(u64 cap);
// The IOVA width Linux gives a DMA domain on this unit in second-level (legacy) translation: the widest
// SAGAW width up to 57 bits (iommu_calculate_agaw with DEFAULT_DOMAIN_ADDRESS_WIDTH), capped at MGAW
// (paging_domain_alloc). nullopt when SAGAW lists no width up to 57 bits.
std::optional<unsigned> intel_domain_width(u64 cap);

// One line of reserved_regions: "0x%016llx 0x%016llx %s" with an inclusive end (drivers/iommu/iommu.c,
// iommu_group_show_resv_regions). Types: "direct", "direct-relaxable", "reserved", "msi".
struct ReservedRegion {
    AddressRange range;
    std::string type;

    friend bool operator==(const ReservedRegion&, const ReservedRegion&) = default;
};

struct IommuGroup {
    unsigned id = 0;
    std::vector<ReservedRegion> reserved;  // in the kernel's order (ascending start)
    std::vector<std::string> devices;      // PCI addresses ("0000:41:00.0") and other devices in the group

    friend bool operator==(const IommuGroup&, const IommuGroup&) = default;
};

struct IommuInfo {
    std::vector<IommuUnit> units;    // by name
    std::vector<IommuGroup> groups;  // by id; empty when the IOMMU is off or absent

    const IommuGroup* group(unsigned id) const;
    friend bool operator==(const IommuInfo&, const IommuInfo&) = default;
};

// Throws InputError naming `file` and the line for a line not in the kernel's form.
std::vector<ReservedRegion> parse_reserved_regions(const std::string& text, const std::string& file);

// Every group's regions as one set: regions of the same type that overlap or touch become one; regions of
// different types stay apart. Ascending by start, then end, then type.
std::vector<ReservedRegion> merged_reserved_regions(const std::vector<IommuGroup>& groups);

IommuInfo read_iommu(const HostFiles& files);

}  // namespace aperture
