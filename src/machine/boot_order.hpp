#pragma once
// QEMU's fw_cfg "bootorder" file, as far as a firmware model needs it: whether it ends in HALT, and which
// devices it names. softmmu/bootdevice.c get_boot_devices_list appends "HALT" only under -boot strict=on
// and only when some device has a bootindex; SeaBIOS then skips the drivers of some devices the file does not
// name (src/boot.c is_bootprio_strict).

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "config/vm_spec.hpp"

namespace aperture {

// A bootindex= value as QEMU's int32 property reads it (strtoll, base 0: "010" is 8, "-0x2" is -2, leading
// blanks allowed); nullopt when QEMU refuses it ("Parameter 'bootindex' expects integer" or "... int32_t").
struct BootIndexValue {
    std::optional<std::int32_t> value;
    const char* refusal = nullptr;  // QEMU's words when value is nullopt
};
BootIndexValue parse_bootindex(std::string_view text);

// The devices' bootindex values as QEMU collects them while it creates the devices in command-line order.
class BootOrder {
public:
    // QEMU's message when `device` repeats a bootindex or gives one QEMU cannot read; empty when accepted.
    std::string add(const DeviceSpec& device);
    // softmmu/bootdevice.c: HALT follows the entries only with strict=on and at least one entry.
    bool halts(bool strict) const { return strict && !used_.empty(); }

private:
    std::set<std::int32_t> used_;
};

// The device's own bootindex, when it has one that puts it in the bootorder file (>= 0).
bool in_bootorder(const PropertyList& properties);

}  // namespace aperture
