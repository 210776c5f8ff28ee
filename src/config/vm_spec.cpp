#include "config/vm_spec.hpp"

namespace aperture {

const std::string* PropertyList::find(const std::string& key) const {
    // The last occurrence wins, as in QEMU's QemuOpts.
    for (auto it = entries.rbegin(); it != entries.rend(); ++it) {
        if (it->first == key) return &it->second;
    }
    return nullptr;
}

}  // namespace aperture
