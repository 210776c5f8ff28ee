#pragma once
// /proc/iomem: the kernel's tree of physical address ranges, "%*s%0*llx-%0*llx : %s" with two spaces of
// indent per level (kernel/resource.c, r_show). Read by anyone, but a reader without CAP_SYS_ADMIN sees
// every address as zero; the probe records that rather than trusting the zeros. Used to cross-check the
// BARs and bridge windows sysfs reports: the kernel claims each assigned one in this tree under the
// function's address ("0000:41:00.0") or the bridged bus ("PCI Bus 0000:42").

#include <string>
#include <vector>

#include "core/address.hpp"
#include "host/pci_device.hpp"

namespace aperture {

inline constexpr const char* kIomemFile = "/proc/iomem";

struct IomemEntry {
    unsigned depth = 0;  // nesting level, 0 at the top
    u64 start = 0;
    u64 end = 0;  // inclusive
    std::string name;

    friend bool operator==(const IomemEntry&, const IomemEntry&) = default;
};

struct Iomem {
    std::vector<IomemEntry> entries;  // in file order

    // Every range reads 0-0: the reader lacked CAP_SYS_ADMIN (kernel/resource.c, r_show).
    bool addresses_hidden() const;
    friend bool operator==(const Iomem&, const Iomem&) = default;
};

// Throws InputError naming `file` and the line for a line not in the kernel's form.
Iomem parse_iomem(const std::string& text, const std::string& file);

// Whether /proc/iomem and sysfs agree: every assigned memory BAR, ROM and memory window of `devices`
// must appear in `iomem` with exactly its range, under the function's address (BARs, ROM) or under
// "PCI Bus <domain>:<secondary bus>" (windows). I/O BARs live in /proc/ioports and are not compared.
struct IomemAgreement {
    unsigned compared = 0;
    std::vector<std::string> disagreements;  // one sentence each, naming the function and the range

    bool agrees() const { return disagreements.empty(); }
};
// Compares nothing when the addresses are hidden.
IomemAgreement check_iomem_agreement(const Iomem& iomem, const std::vector<HostPciDevice>& devices);

}  // namespace aperture
