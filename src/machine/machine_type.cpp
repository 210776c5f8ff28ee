#include "machine/machine_type.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/error.hpp"

namespace aperture {

namespace {

// The versions of the pc-*-7.x machine types that QEMU 7.2 offers and aperture models.
constexpr int FIRST_MODELLED_MINOR = 0;
constexpr int LAST_MODELLED_MINOR = 2;

MachineType make(MachineFamily family, int minor) {
    MachineType type;
    type.family = family;
    type.minor = minor;
    type.name = fmt::format("{}-7.{}", family == MachineFamily::Q35 ? "pc-q35" : "pc-i440fx", minor);
    type.enforce_amd_1tb_hole = minor >= 1;
    type.virtio_rng_has_msix = minor >= 2;
    return type;
}

}  // namespace

std::vector<std::string> modelled_machine_types() {
    std::vector<std::string> names{"q35", "pc"};
    for (int minor = LAST_MODELLED_MINOR; minor >= FIRST_MODELLED_MINOR; --minor) {
        names.push_back(fmt::format("pc-q35-7.{}", minor));
        names.push_back(fmt::format("pc-i440fx-7.{}", minor));
    }
    return names;
}

MachineType resolve_machine_type(const std::string& written) {
    // QEMU 7.2 aliases: "q35" and "pc" are its newest versioned types.
    if (written == "q35") return make(MachineFamily::Q35, LAST_MODELLED_MINOR);
    if (written == "pc") return make(MachineFamily::I440fx, LAST_MODELLED_MINOR);
    for (int minor = FIRST_MODELLED_MINOR; minor <= LAST_MODELLED_MINOR; ++minor) {
        if (written == fmt::format("pc-q35-7.{}", minor)) return make(MachineFamily::Q35, minor);
        if (written == fmt::format("pc-i440fx-7.{}", minor)) return make(MachineFamily::I440fx, minor);
    }
    throw InputError(fmt::format("machine type '{}' is not modelled; aperture models QEMU 7.2's {}", written,
                                 fmt::join(modelled_machine_types(), ", ")));
}

}  // namespace aperture
