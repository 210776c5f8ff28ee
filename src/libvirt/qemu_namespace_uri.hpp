#pragma once
// The XML namespace of libvirt's QEMU pass-through elements (<qemu:commandline>, <qemu:override>): what
// the reader matches, the fixes write and `fix` declares as xmlns:qemu.

namespace aperture {

// src/qemu/qemu_domain.c QEMU_NAMESPACE_HREF.
inline constexpr const char* kLibvirtQemuNamespace = "http://libvirt.org/schemas/domain/qemu/1.0";

}  // namespace aperture
