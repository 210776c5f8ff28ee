#include "input/proxmox/pve_machine_type.hpp"

#include <algorithm>
#include <cctype>

#include "core/error.hpp"

namespace aperture {

namespace {

// Machine.pm's pattern for a revision: "+pve" and decimal digits (qemu-server keeps them below 10).
constexpr std::string_view kRevisionMarker = "+pve";
// More digits than a revision can have: refuse rather than overflow.
constexpr std::size_t kMaxRevisionDigits = 9;

}  // namespace

std::optional<PveMachineType> parse_pve_machine_type(std::string_view type, const std::string& where) {
    const auto marker = type.rfind(kRevisionMarker);
    if (marker == std::string_view::npos) return std::nullopt;
    const std::string_view digits = type.substr(marker + kRevisionMarker.size());
    const bool numeric = !digits.empty() && digits.size() <= kMaxRevisionDigits &&
                         std::all_of(digits.begin(), digits.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; });
    if (marker == 0 || !numeric) {
        throw InputError(where + ": machine type '" + std::string(type) +
                         "': expected QEMU's type followed by a Proxmox revision, \"+pve\" and its number (pc-q35-9.2+pve0, q35+pve1)");
    }
    PveMachineType parsed;
    parsed.upstream = std::string(type.substr(0, marker));
    parsed.revision = static_cast<unsigned>(std::stoul(std::string(digits)));
    return parsed;
}

const QemuRelease* oldest_release_offering(std::string_view upstream) {
    const QemuRelease* oldest = nullptr;
    for (const auto& name : qemu_release_names()) {
        const QemuRelease* release = find_qemu_release(name);
        const bool offers = std::any_of(release->machine_types.begin(), release->machine_types.end(),
                                        [&](const MachineTypeFacts& facts) { return facts.name == upstream; });
        // The table lists releases oldest first after the default; compare by the types offered instead
        // of trusting that order: the release with the fewest types is the oldest.
        if (offers && (oldest == nullptr || release->machine_types.size() < oldest->machine_types.size())) oldest = release;
    }
    return oldest;
}

}  // namespace aperture
