#pragma once
// What libvirt's memlock formula reads (LibvirtMemlockInput), taken from a domain as the libvirt XML
// reader saw it.

#include "config/vm_spec.hpp"
#include "input/libvirt_xml/domain.hpp"
#include "libvirt/memlock_limit.hpp"

namespace aperture {

LibvirtMemlockInput libvirt_memlock_input(const LibvirtDomain& domain);

}  // namespace aperture
