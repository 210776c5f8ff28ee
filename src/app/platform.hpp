#pragma once
// Which platform models a VM: the only place aperture decides it.

#include <string>
#include <vector>

#include "app/request.hpp"

namespace aperture::app {

enum class Platform {
    QemuX86,      // qemu-system-x86_64 pc/q35 with SeaBIOS or OVMF (a command line or a libvirt domain)
    XenHvm,       // libxl + qemu-xen + hvmloader (an xl.cfg)
    QemuPseries,  // qemu-system-ppc64 pseries with SLOF (a command line, or a libvirt domain with arch ppc64/ppc64le)
};

// An xl.cfg is Xen. A libvirt domain is pseries when its <os><type arch=> is ppc64 or ppc64le (the file
// is read for it; one that cannot be read or parsed goes to the x86 reader, which says why), else x86. A
// command line is pseries when `arch` is "ppc64", or `arch` is empty and the command line names
// qemu-system-ppc64 or a pseries machine; everything else is QEMU x86.
Platform platform_of(const VmRequest& vm);

}  // namespace aperture::app
