#pragma once
// QEMU's configuration-file format, as -readconfig FILE reads it (qemu-options.hx "-readconfig";
// util/qemu-config.c qemu_config_parse), reproduced with its limits:
//   [group "id"]      starts a section of an option group that takes ids ([device "ehci"]);
//   [group]           starts one that does not ([machine]);
//   key = "value"     a property of the current section: blanks around '=' as QEMU's sscanf needs them
//                     (the key runs to the first blank, so `key="value"` is no property), no escapes;
//   a line whose first character is '#' is a comment, and an empty line is skipped.
// Anything else, a property before the first section, or a name or value longer than QEMU's buffers hold,
// is refused with "FILE:LINE: ..." as QEMU refuses it. Which groups exist is the caller's business.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace aperture {

// QEMU's buffers: group names, ids and keys are read with %63s, values with %1023[^"].
inline constexpr std::size_t kQemuConfigNameMax = 63;
inline constexpr std::size_t kQemuConfigValueMax = 1023;

struct QemuConfigEntry {
    std::string key;
    std::string value;
    unsigned line = 0;
};

struct QemuConfigSection {
    std::string group;              // "device", "machine"
    std::optional<std::string> id;  // [device "ehci"]: "ehci"
    unsigned line = 0;              // of the [group] line
    std::vector<QemuConfigEntry> entries;  // in the file's order
};

// The sections of `text` (the contents of `file_name`, which messages name). Throws InputError
// "FILE:LINE: ..." for a line QEMU would refuse.
std::vector<QemuConfigSection> parse_qemu_config(std::string_view text, const std::string& file_name);

}  // namespace aperture
