// Typed readers for -device properties, with QEMU 7.2's parsing rules and error messages that name the
// device, the property and what was expected.

#include <cctype>
#include <limits>

#include "core/error.hpp"
#include "core/size_parse.hpp"
#include "devices/device_model.hpp"
#include "machine/qemu_release.hpp"

namespace aperture {

namespace {

// QEMU parses integer properties with base 0 (qemu_strtou64).
std::optional<u64> parse_qemu_uint(const std::string& text) { return parse_uint_base0(text); }

}  // namespace

DeviceProperties::DeviceProperties(const DeviceSpec& spec, const QemuRelease& qemu) : spec_(spec), qemu_(qemu) {}

std::string DeviceProperties::device_name() const {
    if (spec_.id.empty()) return spec_.driver;
    return spec_.driver + " '" + spec_.id + "'";
}

namespace {
std::string location_of(const DeviceSpec& spec) {
    return spec.where.text.empty() ? "-device " + spec.driver : spec.where.text;
}
}  // namespace

void DeviceProperties::fail(const std::string& message) const {
    throw InputError(location_of(spec_) + ": " + device_name() + ": " + message);
}

void DeviceProperties::refuse(const std::string& explanation, const std::string& qemu_message) const {
    throw DeviceRefusal(
        location_of(spec_) + ": " + device_name() + ": " + explanation + " (" + std::string(qemu_.display_name) +
            " refuses it: " + qemu_message + ")",
        DeviceRefusal::Kind::Error, qemu_message);
}

void DeviceProperties::refuse_abort(const std::string& explanation, const std::string& qemu_line) const {
    throw DeviceRefusal(
        location_of(spec_) + ": " + device_name() + ": " + explanation + " (" + std::string(qemu_.display_name) +
            " aborts: " + qemu_line + ")",
        DeviceRefusal::Kind::Abort, qemu_line);
}

std::optional<std::string> DeviceProperties::string(const std::string& key) const {
    const std::string* value = spec_.properties.find(key);
    if (value == nullptr) return std::nullopt;
    return *value;
}

std::optional<u64> DeviceProperties::size(const std::string& key) const {
    const std::string* value = spec_.properties.find(key);
    if (value == nullptr) return std::nullopt;
    auto parsed = parse_size(*value, DefaultSuffix::Bytes);
    if (!parsed) {
        refuse("property '" + key + "' expects a size below 16 EiB such as 4096, 64M or 0x1000, got '" + *value + "'",
               "Parameter '" + key + "' expects size");
    }
    return parsed;
}

std::optional<u64> DeviceProperties::uint(const std::string& key) const {
    return unsigned_in_range(key, std::numeric_limits<u64>::max(), "uint64_t");
}

std::optional<u64> DeviceProperties::unsigned_in_range(const std::string& key, u64 max, const char* type_name) const {
    const std::string* value = spec_.properties.find(key);
    if (value == nullptr) return std::nullopt;
    // qemu_strtou64 also reads "-N" (as 2^64 - N): a number out of range, not a malformed one.
    const bool negative = !value->empty() && (*value)[0] == '-';
    auto parsed = parse_qemu_uint(negative ? value->substr(1) : *value);
    if (!parsed) {
        refuse("property '" + key + "' expects an integer, got '" + *value + "'",
               "Parameter '" + key + "' expects integer");
    }
    if (negative || *parsed > max) {
        refuse("property '" + key + "' expects an integer of type " + type_name + " (0 to " + std::to_string(max) +
                   "), got '" + *value + "'",
               "Parameter '" + key + "' expects " + type_name);
    }
    return parsed;
}

std::optional<std::uint8_t> DeviceProperties::uint8(const std::string& key) const {
    auto value = unsigned_in_range(key, std::numeric_limits<std::uint8_t>::max(), "uint8_t");
    if (!value) return std::nullopt;
    return static_cast<std::uint8_t>(*value);
}

std::optional<std::uint16_t> DeviceProperties::uint16(const std::string& key) const {
    auto value = unsigned_in_range(key, std::numeric_limits<std::uint16_t>::max(), "uint16_t");
    if (!value) return std::nullopt;
    return static_cast<std::uint16_t>(*value);
}

std::optional<std::uint32_t> DeviceProperties::uint32(const std::string& key) const {
    auto value = unsigned_in_range(key, std::numeric_limits<std::uint32_t>::max(), "uint32_t");
    if (!value) return std::nullopt;
    return static_cast<std::uint32_t>(*value);
}

std::optional<std::int32_t> DeviceProperties::int32(const std::string& key) const {
    const std::string* value = spec_.properties.find(key);
    if (value == nullptr) return std::nullopt;
    const bool negative = !value->empty() && (*value)[0] == '-';
    auto magnitude = parse_qemu_uint(negative ? value->substr(1) : *value);
    if (!magnitude) {
        refuse("property '" + key + "' expects an integer, got '" + *value + "'",
               "Parameter '" + key + "' expects integer");
    }
    const u64 limit = negative ? u64{1} << 31 : (u64{1} << 31) - 1;
    if (*magnitude > limit) {
        refuse("property '" + key + "' expects an integer of type int32_t, got '" + *value + "'",
               "Parameter '" + key + "' expects int32_t");
    }
    const std::int64_t signed_value =
        negative ? -static_cast<std::int64_t>(*magnitude) : static_cast<std::int64_t>(*magnitude);
    return static_cast<std::int32_t>(signed_value);
}

std::optional<bool> DeviceProperties::boolean(const std::string& key) const {
    const std::string* value = spec_.properties.find(key);
    if (value == nullptr) return std::nullopt;
    // qapi/qapi-util.c, qapi_bool_parse
    if (*value == "on" || *value == "yes" || *value == "true" || *value == "y") return true;
    if (*value == "off" || *value == "no" || *value == "false" || *value == "n") return false;
    refuse("property '" + key + "' expects on/off (or yes/no, true/false), got '" + *value + "'",
           "Parameter '" + key + "' expects 'on' or 'off'");
}

bool DeviceProperties::boolean_or(const std::string& key, bool default_value) const {
    return boolean(key).value_or(default_value);
}

DeviceProperties::OnOffAuto DeviceProperties::on_off_auto(const std::string& key) const {
    const std::string* value = spec_.properties.find(key);
    if (value == nullptr) return OnOffAuto::Auto;
    if (*value == "on") return OnOffAuto::On;
    if (*value == "off") return OnOffAuto::Off;
    if (*value == "auto") return OnOffAuto::Auto;
    refuse("property '" + key + "' expects on, off or auto, got '" + *value + "'",
           "Parameter '" + key + "' does not accept value '" + *value + "'");
}

}  // namespace aperture
