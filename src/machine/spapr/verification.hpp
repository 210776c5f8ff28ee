#pragma once
// Which parts of the pseries model the real QEMU + SLOF boot checks (tests/oracle/pseries) and which stay
// modelled from upstream source alone, per QEMU release: what the report's label says.

#include <string>
#include <string_view>
#include <vector>

#include "machine/spapr/qemu_release.hpp"

namespace aperture::spapr {

enum class SpaprPart {
    PhbWindows,         // each PHB's IO, 32-bit and 64-bit windows (the PHB's "ranges")
    SlofBars,           // every BAR and ROM SLOF programs, with the device compat properties of the machine type
    BridgeWindows,      // bus numbers and windows of pci-bridges SLOF walks behind
    DdwWindows,         // DMA windows the guest creates through RTAS (ibm,create-pe-dma-window)
    Nvlink2,            // GPU RAM and ATSD windows (needs a POWER9 host and VFIO)
    Vfio,               // passed-through functions' BARs as the host reports them
    GuestReassignment,  // what Linux reassigns on pseries-4.2 and newer
};

struct SpaprVerification {
    std::string_view stack;  // the oracle stack ("QEMU 7.2 + SLOF 20220719"); empty: nothing was checked
    std::string_view record; // what the oracle showed, in words; empty with `stack`
    std::vector<SpaprPart> checked;
    std::vector<SpaprPart> source_only;
};

SpaprVerification spapr_verification(QemuRelease release);

// The label in words: what is checked against which stack and with what record, and what is source only.
std::string verification_text(QemuRelease release);

std::string_view part_key(SpaprPart part);   // "phb-windows", ...
std::string_view part_text(SpaprPart part);  // "PHB windows", ...

}  // namespace aperture::spapr
