#pragma once
// What libvirt's memlock formula reads (LibvirtMemlockInput), for a domain the full libvirt XML reader
// read: the same reading and conversion `aperture memlock --xml` uses (read_libvirt_memlock_domain,
// xml_memlock_input), so `check --xml` and `memlock --xml` give one limit.

#include "input/libvirt_xml/domain.hpp"
#include "libvirt/memlock_limit.hpp"

namespace aperture {

LibvirtMemlockInput libvirt_memlock_input(const LibvirtDomain& domain);

}  // namespace aperture
