#include "app/will_attach_option.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/error.hpp"
#include "core/size_parse.hpp"
#include "devices/passthrough_catalog.hpp"
#include "machine/machine.hpp"

namespace aperture::app {

namespace {

// BAR indices 0..5 (PCI_NUM_REGIONS - 1, the ROM aside); a 64-bit BAR takes two.
constexpr int kBarSlots = 6;

std::string expected_forms() {
    return fmt::format("expected a size (the largest 64-bit prefetchable BAR, a power of two, e.g. 32G), a passthrough catalog "
                       "device ({}), a host BDF of the --host snapshot (e.g. 0000:41:00.0) or mem32=SIZE,mem64=SIZE",
                       fmt::join(passthrough_device_names(), ", "));
}

std::optional<u64> bar_size(const std::string& text) {
    const auto size = parse_size(text);
    if (!size || *size == 0 || !is_power_of_two(*size)) return std::nullopt;
    return size;
}

// "mem32=16M,mem64=256M": the BARs in order, each naturally sized.
PciFunctionSpec listed_bars(const std::string& option, const std::string& device) {
    PciFunctionSpec function;
    int index = 0;
    std::size_t start = 0;
    while (true) {
        const auto comma = device.find(',', start);
        const std::string part = device.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        const auto eq = part.find('=');
        const std::string kind = eq == std::string::npos ? "" : part.substr(0, eq);
        const auto size = eq == std::string::npos ? std::nullopt : bar_size(part.substr(eq + 1));
        if ((kind != "mem32" && kind != "mem64") || !size) {
            throw InputError(fmt::format("--will-attach {}: '{}' is not mem32=SIZE or mem64=SIZE (a power of two, e.g. mem32=16M); {}",
                                         option, part, expected_forms()));
        }
        const bool is64 = kind == "mem64";
        if (index + (is64 ? 2 : 1) > kBarSlots) throw InputError(fmt::format("--will-attach {}: more BARs than a PCI function has (6 slots)", option));
        function.bars.push_back(is64 ? BarSpec::memory64(index, *size, Prefetchable::Yes) : BarSpec::memory32(index, *size, Prefetchable::No));
        index += is64 ? 2 : 1;
        if (comma == std::string::npos) break;
        start = comma + 1;
    }
    return function;
}

}  // namespace

AttachedDevice parse_attached_device(const std::string& option, const std::string& device, const KnownHostDevices& host) {
    AttachedDevice attached;
    attached.what = device;
    if (device.empty()) throw InputError(fmt::format("--will-attach {}: no device given; {}", option, expected_forms()));
    if (auto catalog = find_passthrough_device(device)) {
        attached.kind = AttachedKind::Catalog;
        attached.function = catalog->function;
        return attached;
    }
    if (auto size = bar_size(device)) {
        attached.kind = AttachedKind::LargestBar;
        attached.function.bars.push_back(BarSpec::memory64(0, *size, Prefetchable::Yes));
        return attached;
    }
    if (device.find('=') != std::string::npos) {
        attached.kind = AttachedKind::BarList;
        attached.function = listed_bars(option, device);
        return attached;
    }
    if (device.find(':') == std::string::npos) {
        throw InputError(fmt::format("--will-attach {}: '{}' is not a device aperture knows; {}", option, device, expected_forms()));
    }
    const std::string address = normalize_host_pci_address(device);
    if (auto it = host.passable.find(address); it != host.passable.end()) {
        attached.kind = AttachedKind::HostDevice;
        attached.function = it->second;
        attached.host_address = address;
        return attached;
    }
    if (auto it = host.not_passable.find(address); it != host.not_passable.end()) {
        throw InputError(fmt::format("--will-attach {}: host device {} cannot be passed through: {}", option, address, it->second));
    }
    throw InputError(fmt::format("--will-attach {}: host device {} is not known: give a --host snapshot that has it, or "
                                 "--passthrough {}=NAME naming its model from the passthrough catalog",
                                 option, address, address));
}

PortAttachment parse_port_attachment(const std::string& option, const KnownHostDevices& host) {
    const auto eq = option.find('=');
    if (eq == std::string::npos || eq == 0) {
        throw InputError(fmt::format("--will-attach {}: expected PORT=DEVICE, the id of the port it will be plugged behind and the "
                                     "device (e.g. rp3=32G, rp3=h100 or rp3=0000:41:00.0)",
                                     option));
    }
    return PortAttachment{option.substr(0, eq), parse_attached_device(option, option.substr(eq + 1), host)};
}

}  // namespace aperture::app
