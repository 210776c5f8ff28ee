#pragma once
// SeaBIOS (src/fw/pciinit.c pci_setup; its releases in firmware/seabios/seabios_release.hpp): bus
// numbering, device probing, BAR sizing, window placement, per-device fixups, and the e820 table it hands
// the OS. Each pass is one function named after SeaBIOS's own, so the model can be read next to the original.

#include "firmware/firmware_result.hpp"
#include "firmware/seabios/seabios_release.hpp"
#include "machine/machine.hpp"

namespace aperture {

FirmwareResult run_seabios(const Machine& machine, const SeabiosRelease& release);

}  // namespace aperture
