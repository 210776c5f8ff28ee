#include "devices/pci_function.hpp"

namespace aperture {

const BarSpec* PciFunctionSpec::bar(int index) const {
    for (const auto& b : bars) {
        if (b.index == index) return &b;
    }
    return nullptr;
}

}  // namespace aperture
