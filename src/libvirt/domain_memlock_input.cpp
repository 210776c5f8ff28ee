#include "libvirt/domain_memlock_input.hpp"

#include "libvirt/xml_memlock_input.hpp"

namespace aperture {

LibvirtMemlockInput libvirt_memlock_input(const LibvirtDomain& domain) {
    // No host facts: the full reader takes x86 domains only, and the host's IOMMU groups and NVLink2
    // GPUs matter to the ppc64 formula alone.
    return xml_memlock_input(domain.memlock, XmlMemlockHost{}).input;
}

}  // namespace aperture
