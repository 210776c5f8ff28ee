#pragma once
// Proxmox VE's machine types: qemu-server writes QEMU's own type with a "+pveN" revision
// ("pc-q35-9.2+pve0", "q35+pve1"; PVE/QemuServer/Machine.pm get_vm_machine). The revision counts changes
// qemu-server made to its own command line for that upstream type ($PVE_MACHINE_VERSION: "9.2" +pve1
// disables S3/S4 by default, ...); pve-qemu-kvm drops the suffix and builds QEMU's type unchanged. So
// what the guest sees is the upstream type's, and the command line qemu-server printed already carries
// every change its revision made.

#include <optional>
#include <string>
#include <string_view>

#include "machine/qemu_release.hpp"

namespace aperture {

struct PveMachineType {
    std::string upstream;       // "pc-q35-9.2", "q35"
    unsigned revision = 0;      // the N of +pveN
};

// "pc-q35-9.2+pve0" -> {"pc-q35-9.2", 0}; nullopt when `type` carries no "+pveN" (a plain QEMU type).
// Throws InputError naming `where` for a "+pve" suffix that is not followed by a revision number.
std::optional<PveMachineType> parse_pve_machine_type(std::string_view type, const std::string& where);

// The modelled QEMU release that first offers the versioned type `upstream` ("pc-q35-9.2" -> QEMU 9.2,
// "pc-q35-10.1" -> QEMU 11.1): a versioned type keeps the guest-visible behaviour of the release that
// introduced it in every later release. nullptr for an alias ("q35", "pc") or a type no modelled release
// offers.
const QemuRelease* oldest_release_offering(std::string_view upstream);

}  // namespace aperture
