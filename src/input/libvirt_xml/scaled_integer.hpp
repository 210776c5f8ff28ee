#pragma once
// libvirt's scaled integers: <memory unit='GiB'>8</memory>, <pcihole64 unit='KiB'>...,
// <hard_limit unit='M'>. The units and limits of src/util/virutil.c virScaleInteger.

#include <optional>
#include <pugixml.hpp>
#include <string>
#include <string_view>

#include "core/address.hpp"

namespace aperture::libvirt_xml {

// src/util/virutil.c virMemoryMaxValue: on a 64-bit host a memory size is below 2^63 (off_t).
inline constexpr u64 kLibvirtMemoryMax = (u64{1} << 63) - 1;

struct ScaledValue {
    std::optional<u64> bytes;  // nullopt: see `error`
    std::string error;         // libvirt's wording: "unknown suffix 'XiB'", "value too large: 9EiB"
};

// `value` times the unit's scale; an empty unit means `default_scale`. "b"/"byte"/"bytes" are 1;
// "k"/"KiB" 1024, "KB" 1000, and so on through E (letters in either case). Over `limit` is an error.
ScaledValue scale_integer(u64 value, std::string_view unit, u64 default_scale, u64 limit);

class XmlDocument;
// src/conf/domain_conf.c virDomainParseMemory: the element's text scaled by its `unit_attribute`
// (default KiB), in bytes rounded up to whole KiB; an error names the element's file:line.
u64 parse_memory(const XmlDocument& xml, pugi::xml_node node, const char* unit_attribute = "unit");

}  // namespace aperture::libvirt_xml
