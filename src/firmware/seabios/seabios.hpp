#pragma once
// SeaBIOS rel-1.16.2 (src/fw/pciinit.c pci_setup): bus numbering, device probing, BAR sizing, window
// placement, per-device fixups, and the e820 table it hands the OS. Each pass is one function named
// after SeaBIOS's own, so the model can be read next to the original.

#include "firmware/firmware_result.hpp"
#include "machine/machine.hpp"

namespace aperture {

FirmwareResult run_seabios_1_16_2(const Machine& machine);

}  // namespace aperture
