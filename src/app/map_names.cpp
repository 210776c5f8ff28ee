#include "app/map_names.hpp"

namespace aperture::app {

const PciIds& machine_pci_ids() {
    static const PciIds ids = load_pci_ids("/");
    return ids;
}

}  // namespace aperture::app
