#pragma once
// The shapes every JSON document aperture writes shares (docs/json.md, "Conventions"): an address, a
// range, a PCI address, a BAR, a limit and a verdict are written by these functions and nowhere else, so
// each has one naming in every schema.

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

#include "core/address.hpp"
#include "core/bdf.hpp"
#include "core/range.hpp"

namespace aperture::json_shape {

using nlohmann::ordered_json;

// `key` as a JSON integer and `key_hex` as "0x..." beside it (both null when there is no value): the integer
// for readers with 64-bit integers, the string for readers that hold numbers as doubles (exact only to 2^53).
void put_address(ordered_json& object, const std::string& key, std::optional<u64> address);

// {"base", "base_hex", "size", "last", "last_hex"}: an inclusive range, never empty.
ordered_json range(const AddressRange& range);
ordered_json range(const std::optional<AddressRange>& range);  // null when absent

// An empty object with room for `members` members. An object keeps its members in a vector of (const key,
// value) pairs, which cannot be moved, so each time the vector grows it copies every member it holds, value
// and all: an object that holds large members (a host's devices) reserves its room before they go in.
ordered_json object_with_room(std::size_t members);

// "DDDD:BB:DD.F": the PCI domain always written.
std::string pci_address(const Bdf& bdf, unsigned domain = 0);
// A host PCI address as the user or the host wrote it, with the domain 0000 added when it was left out.
std::string full_pci_address(const std::string& address);

// A BAR's identity and place, the same keys on every platform; writers add their own keys after these.
enum class BarJsonKind { Io, Mem32, Mem64, Rom };
struct BarJson {
    int index = 0;  // 0-5, 6 for the expansion ROM
    BarJsonKind kind = BarJsonKind::Mem32;
    bool prefetchable = false;  // false for I/O BARs
    u64 size = 0;
    std::optional<u64> base;  // nullopt: not placed
};
const char* to_string(BarJsonKind kind);
BarJsonKind bar_json_kind(bool io, bool rom, bool is64);
// {"index", "kind", "prefetchable", "size", "base", "base_hex"}.
ordered_json bar(const BarJson& bar);

// A resource limit: {"unlimited": true, "bytes": null} or {"unlimited": false, "bytes": N}.
ordered_json limit(std::optional<u64> bytes);

// How a run ended, the same three keys in every plan: "outcome" (a word), "failed" (what the exit status
// says) and "error" (null, or where the refusal came from and its message).
struct OutcomeJson {
    const char* outcome = "works";
    bool failed = false;
    const char* error_source = nullptr;  // "qemu", "xl", "firmware"; nullptr: no error
    std::string error_message;
};
void put_outcome(ordered_json& object, const OutcomeJson& outcome);

// The JSON text of a document: two-space indent, and bytes that are not UTF-8 (a name from the host, a
// message quoting the input) written as U+FFFD rather than aborting.
std::string document_text(const ordered_json& document);

}  // namespace aperture::json_shape
