#pragma once
// `aperture fix`: a libvirt domain XML with the diagnostics' fixes applied, changing nothing else. The
// document is edited as text: every byte outside the elements a fix touches stays as the user (or
// `virsh dumpxml`) wrote it, quotes, comments and indentation included, so the change reads as a small
// diff. New elements take the indentation of their surroundings.

#include <optional>
#include <string>
#include <vector>

#include "core/address.hpp"
#include "libvirt/qemu_namespace_uri.hpp"

namespace aperture {

// A device property libvirt has no element for, set through <qemu:override> (libvirt 8.2+).
struct QemuOverrideProperty {
    std::string alias;  // the device's libvirt alias, which is its QEMU id: "pci.3", "hostdev0", "ua-gpu"
    std::string name;   // "pref64-reserve"
    std::string type;   // "unsigned", "signed", "string", "bool"
    std::string value;

    friend bool operator==(const QemuOverrideProperty&, const QemuOverrideProperty&) = default;
};

// What to change. Each field left empty changes nothing.
struct DomainFix {
    std::optional<unsigned> maxphysaddr_bits;  // <cpu><maxphysaddr mode='emulate' bits='N'/>
    std::optional<u64> pcihole64_kib;          // <pcihole64 unit='KiB'> on the pci-root/pcie-root controller
    std::optional<u64> hard_limit_kib;         // <memtune><hard_limit unit='KiB'>
    // -fw_cfg name=opt/ovmf/X-PciMmio64Mb,string=N through <qemu:commandline>, replacing an earlier value.
    std::optional<u64> x_pci_mmio64_mb;
    std::vector<QemuOverrideProperty> overrides;

    bool empty() const {
        return !maxphysaddr_bits && !pcihole64_kib && !hard_limit_kib && !x_pci_mmio64_mb && overrides.empty();
    }
};

// Throws InputError naming `source` and the line for XML that does not parse or is not a <domain>.
std::string apply_domain_fix(const std::string& xml, const std::string& source, const DomainFix& fix);

}  // namespace aperture
