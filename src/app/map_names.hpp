#pragma once
// The names the HTML and SVG maps give PCI functions: this machine's pci.ids (Debian's pci.ids package),
// read once per process, so a scheduler or a fuzzer drawing many maps parses the 1.3 MiB file once. Without
// the file the maps simply carry no names.

#include "host/pci_ids.hpp"

namespace aperture::app {

const PciIds& machine_pci_ids();

}  // namespace aperture::app
