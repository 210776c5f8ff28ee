#pragma once
// The three syntaxes QEMU 7.2 uses for an option's argument, reproduced exactly so that aperture splits a
// command line the way QEMU does:
//   - QemuOpts (util/qemu-option.c): -device, -drive, -global, -m, -fw_cfg, -object, -accel, -net ...
//   - keyval   (util/keyval.c):      -machine, -smp, -blockdev
//   - JSON     (qobject_from_json):  -device {...}, -object {...}, -blockdev {...}
// A function that can refuse throws InputError whose message starts with `where` (the argument read).

#include <optional>
#include <string>
#include <string_view>

#include "config/vm_spec.hpp"
#include "core/address.hpp"

namespace aperture::qemu_syntax {

// One QemuOpts argument, split.
struct QemuOpts {
    std::optional<std::string> id;  // the first id=..., as opts_parse_id takes it; never in `entries`
    PropertyList entries;           // in order; a bare "flag" is flag=on and "noflag" is flag=off
    bool help = false;              // a bare "help" or "?" asked QEMU to print help
};

// qemu_opts_parse(): "key=value,..." where ",," is a literal comma; any text parses. When `implied_key` is given (QEMU's
// permit_abbrev with the list's implied_opt_name), a first element without '=' is the value of that key.
QemuOpts parse_qemu_opts(std::string_view text, const char* implied_key);

// qemu_opts_create(): a list that keeps one set of options per id refuses an id that is not well formed.
// (A list that merges its options, like -m, refuses any id instead.)
void check_id(const QemuOpts& opts, const std::string& where);

// keyval_parse(): like QemuOpts, but keys must be QAPI names (dotted for nesting), a bare key is an error
// ("Expected '=' after parameter ..."), and the implied value ends at the first comma (no ",," there).
struct Keyval {
    PropertyList entries;  // keys as written, dotted ("file.filename"); later duplicates override
    bool help = false;
};
Keyval parse_keyval(std::string_view text, const char* implied_key, const std::string& where);

// A JSON object argument ("{...}"), flattened to dotted keys; strings as written, numbers in decimal,
// booleans as on/off, null as "". Throws if `text` is not a JSON object.
PropertyList parse_json_object(std::string_view text, const std::string& where);

// QEMU's qapi_bool_parse(): on/yes/true/y and off/no/false/n. nullopt for anything else.
std::optional<bool> parse_bool(std::string_view text);

// QEMU_OPT_NUMBER (qemu_strtou64, base 0): decimal, 0x hex, or 0-prefixed octal.
std::optional<u64> parse_number(std::string_view text);

// id_wellformed(): letters, digits, '-', '.', '_', starting with a letter.
bool is_well_formed_id(std::string_view id);

// True when `text` has the shape of a QEMU size (digits or 0x hex digits, optional fraction, optional
// one-letter suffix), whatever its magnitude: tells "too large" apart from "not a size" in messages.
bool looks_like_size(std::string_view text);

}  // namespace aperture::qemu_syntax
