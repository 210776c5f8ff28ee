#include "host/iommu.hpp"

#include <algorithm>
#include <limits>
#include <tuple>

#include "host/kernel_text.hpp"

namespace aperture {

namespace {

// drivers/iommu/intel/iommu.h: cap_mgaw(c) ((((c) >> 16) & 0x3f) + 1), cap_sagaw(c) (((c) >> 8) & 0x1f)
constexpr unsigned kMgawShift = 16;
constexpr u64 kMgawMask = 0x3f;
constexpr unsigned kSagawShift = 8;
constexpr u64 kSagawMask = 0x1f;
// drivers/iommu/intel/iommu.h: agaw_to_width(agaw) = min(30 + agaw * LEVEL_STRIDE, MAX_AGAW_WIDTH)
constexpr unsigned kAgawBaseWidth = 30;
constexpr unsigned kLevelStride = 9;
constexpr unsigned kMaxAgawWidth = 64;
constexpr unsigned kSagawBits = 5;
// drivers/iommu/intel/iommu.h: DEFAULT_DOMAIN_ADDRESS_WIDTH 57, i.e. agaw 3 (width_to_agaw rounds up)
constexpr unsigned kDefaultDomainAgaw = 3;

unsigned agaw_to_width(unsigned agaw) { return std::min(kAgawBaseWidth + agaw * kLevelStride, kMaxAgawWidth); }

std::optional<u64> read_register(const HostFiles& files, const std::string& path) {
    const auto text = files.read(path, kKernelAttributeMaxBytes);
    if (!text) return std::nullopt;
    // intel-iommu cap_show/ecap_show: "%llx\n"
    const auto value = parse_kernel_hex(trim_blanks(*text), HexPrefix::Absent);
    if (!value) throw kernel_file_error(files.describe(path), "expected a register value in hex without 0x (\"%llx\")");
    return value;
}

IommuUnit read_unit(const HostFiles& files, const std::string& name) {
    const std::string dir = std::string(kIommuClassDir) + "/" + name;
    IommuUnit unit{name, IommuVendor::Other, std::nullopt, std::nullopt};
    if (files.exists(dir + "/intel-iommu")) {
        unit.vendor = IommuVendor::Intel;
        unit.cap = read_register(files, dir + "/intel-iommu/cap");
        unit.ecap = read_register(files, dir + "/intel-iommu/ecap");
    } else if (files.exists(dir + "/amd-iommu")) {
        unit.vendor = IommuVendor::Amd;
    }
    return unit;
}

IommuGroup read_group(const HostFiles& files, const std::string& name, unsigned id) {
    const std::string dir = std::string(kIommuGroupsDir) + "/" + name;
    IommuGroup group;
    group.id = id;
    const std::string regions_path = dir + "/reserved_regions";
    if (const auto text = files.read(regions_path, kKernelAttributeMaxBytes)) {
        group.reserved = parse_reserved_regions(*text, files.describe(regions_path));
    }
    group.devices = files.list(dir + "/devices");
    return group;
}

bool by_type_then_address(const ReservedRegion& a, const ReservedRegion& b) {
    return std::forward_as_tuple(a.type, a.range.first(), a.range.last()) <
           std::forward_as_tuple(b.type, b.range.first(), b.range.last());
}

bool by_address_then_type(const ReservedRegion& a, const ReservedRegion& b) {
    return std::forward_as_tuple(a.range.first(), a.range.last(), a.type) <
           std::forward_as_tuple(b.range.first(), b.range.last(), b.type);
}

// drivers/iommu/iommu.c, iommu_group_resv_type_string: the words a reserved_regions line ends with.
bool is_region_type(std::string_view word) {
    return std::all_of(word.begin(), word.end(), [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; });
}

}  // namespace

const char* to_string(IommuVendor vendor) {
    switch (vendor) {
        case IommuVendor::Intel: return "intel";
        case IommuVendor::Amd: return "amd";
        case IommuVendor::Other: return "other";
    }
    return "other";
}

unsigned intel_mgaw(u64 cap) { return static_cast<unsigned>((cap >> kMgawShift) & kMgawMask) + 1; }

unsigned intel_sagaw(u64 cap) { return static_cast<unsigned>((cap >> kSagawShift) & kSagawMask); }

std::vector<unsigned> intel_sagaw_widths(u64 cap) {
    std::vector<unsigned> widths;
    const unsigned sagaw = intel_sagaw(cap);
    for (unsigned agaw = 0; agaw < kSagawBits; ++agaw) {
        if (sagaw & (1u << agaw)) widths.push_back(agaw_to_width(agaw));
    }
    return widths;
}

std::optional<unsigned> intel_domain_width(u64 cap) {
    const unsigned sagaw = intel_sagaw(cap);
    for (unsigned agaw = kDefaultDomainAgaw + 1; agaw-- > 0;) {
        if (sagaw & (1u << agaw)) return std::min(agaw_to_width(agaw), intel_mgaw(cap));
    }
    return std::nullopt;
}

const IommuGroup* IommuInfo::group(unsigned id) const {
    for (const auto& g : groups) {
        if (g.id == id) return &g;
    }
    return nullptr;
}

std::vector<ReservedRegion> parse_reserved_regions(const std::string& text, const std::string& file) {
    std::vector<ReservedRegion> regions;
    const auto lines = split_lines(text);
    for (std::size_t i = 0; i < lines.size(); ++i) {
        const auto words = split_words(lines[i]);
        const auto malformed = [&] {
            return kernel_text_error(
                file, i + 1,
                "expected '<start> <end> <type>' with 0x-prefixed hex addresses, got '" + std::string(lines[i]) + "'");
        };
        if (words.size() != 3) throw malformed();
        // value_or after the checks: GCC's -O3 flow analysis cannot see through two optionals here.
        const auto parsed_start = parse_kernel_hex(words[0], HexPrefix::Required);
        const auto parsed_end = parse_kernel_hex(words[1], HexPrefix::Required);
        if (!parsed_start || !parsed_end) throw malformed();
        const u64 start = parsed_start.value_or(0);
        const u64 end = parsed_end.value_or(0);
        if (start > end) {
            throw kernel_text_error(file, i + 1, "the region starts at " + hex(start) + ", above its end " + hex(end));
        }
        if (start == 0 && end == std::numeric_limits<u64>::max()) throw kernel_text_error(file, i + 1, "the region covers all 2^64 addresses");
        // Regions are merged by type, and a snapshot holds text as UTF-8: a type outside the kernel's
        // alphabet would merge one way here and another once written and read back.
        if (!is_region_type(words[2])) {
            throw kernel_text_error(file, i + 1, "expected a region type of lowercase letters, digits and '-' (the kernel's: direct, "
                                                 "direct-relaxable, reserved, msi), got '" + std::string(words[2]) + "'");
        }
        regions.push_back(ReservedRegion{AddressRange::from_first_and_last(start, end), std::string(words[2])});
    }
    return regions;
}

std::vector<ReservedRegion> merged_reserved_regions(const std::vector<IommuGroup>& groups) {
    std::vector<ReservedRegion> all;
    for (const auto& group : groups) all.insert(all.end(), group.reserved.begin(), group.reserved.end());
    // Same type together, ascending, so overlapping or touching neighbours can be folded in one pass.
    std::sort(all.begin(), all.end(), by_type_then_address);
    std::vector<ReservedRegion> merged;
    for (const auto& region : all) {
        if (!merged.empty() && merged.back().type == region.type) {
            const AddressRange& last = merged.back().range;
            const auto last_end = last.end();  // nullopt: it reaches 2^64 - 1 and so covers the rest
            if (!last_end || region.range.first() <= *last_end) {
                const u64 new_last = std::max(last.last(), region.range.last());
                merged.back().range = AddressRange::from_first_and_last(last.first(), new_last);
                continue;
            }
        }
        merged.push_back(region);
    }
    std::sort(merged.begin(), merged.end(), by_address_then_type);
    return merged;
}

IommuInfo read_iommu(const HostFiles& files) {
    IommuInfo info;
    for (const auto& name : files.list(kIommuClassDir)) info.units.push_back(read_unit(files, name));
    for (const auto& name : files.list(kIommuGroupsDir)) {
        const auto id = parse_kernel_decimal(name);
        if (!id || *id > std::numeric_limits<unsigned>::max()) {
            throw kernel_file_error(files.describe(kIommuGroupsDir),
                                    "expected numbered group directories, found '" + name + "'");
        }
        info.groups.push_back(read_group(files, name, static_cast<unsigned>(*id)));
    }
    std::sort(info.groups.begin(), info.groups.end(),
              [](const IommuGroup& a, const IommuGroup& b) { return a.id < b.id; });
    // Regions of one type that touch are merged, so groups can together reserve every address: no range
    // of a snapshot can say so (a size is below 2^64), and no IOVA would be left for VFIO to map.
    for (const auto& region : merged_reserved_regions(info.groups)) {
        if (!region.range.end() && region.range.first() == 0) {
            throw kernel_file_error(files.describe(kIommuGroupsDir),
                                    "the groups' " + region.type + " regions together cover all 2^64 addresses");
        }
    }
    return info;
}

}  // namespace aperture
