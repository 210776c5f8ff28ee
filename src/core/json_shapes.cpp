#include "core/json_shapes.hpp"

#include <fmt/format.h>

namespace aperture::json_shape {

void put_address(ordered_json& object, const std::string& key, std::optional<u64> address) {
    object[key] = address ? ordered_json(*address) : ordered_json(nullptr);
    object[key + "_hex"] = address ? ordered_json(hex(*address)) : ordered_json(nullptr);
}

ordered_json range(const AddressRange& r) {
    ordered_json j;
    put_address(j, "base", r.first());
    j["size"] = r.size();
    put_address(j, "last", r.last());
    return j;
}

ordered_json object_with_room(std::size_t members) {
    ordered_json j = ordered_json::object();
    j.get_ref<ordered_json::object_t&>().reserve(members);
    return j;
}

ordered_json range(const std::optional<AddressRange>& r) { return r ? range(*r) : ordered_json(nullptr); }

std::string pci_address(const Bdf& bdf, unsigned domain) { return fmt::format("{:04x}:{}", domain, bdf.to_string()); }

std::string full_pci_address(const std::string& address) {
    // "BB:DD.F" has one colon, "DDDD:BB:DD.F" two.
    const bool has_domain = address.find(':') != address.rfind(':');
    return has_domain ? address : "0000:" + address;
}

const char* to_string(BarJsonKind kind) {
    switch (kind) {
        case BarJsonKind::Io: return "io";
        case BarJsonKind::Mem32: return "mem32";
        case BarJsonKind::Mem64: return "mem64";
        case BarJsonKind::Rom: return "rom";
    }
    return "mem32";
}

BarJsonKind bar_json_kind(bool io, bool rom, bool is64) {
    if (io) return BarJsonKind::Io;
    if (rom) return BarJsonKind::Rom;
    return is64 ? BarJsonKind::Mem64 : BarJsonKind::Mem32;
}

ordered_json bar(const BarJson& b) {
    ordered_json j;
    j["index"] = b.index;
    j["kind"] = to_string(b.kind);
    j["prefetchable"] = b.prefetchable;
    j["size"] = b.size;
    put_address(j, "base", b.base);
    return j;
}

ordered_json limit(std::optional<u64> bytes) {
    return {{"unlimited", !bytes.has_value()}, {"bytes", bytes ? ordered_json(*bytes) : ordered_json(nullptr)}};
}

void put_outcome(ordered_json& object, const OutcomeJson& o) {
    object["outcome"] = o.outcome;
    object["failed"] = o.failed;
    object["error"] = o.error_source ? ordered_json{{"source", o.error_source}, {"message", o.error_message}} : ordered_json(nullptr);
}

std::string document_text(const ordered_json& document) {
    return document.dump(2, ' ', false, ordered_json::error_handler_t::replace) + "\n";
}

}  // namespace aperture::json_shape
