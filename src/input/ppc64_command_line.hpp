#pragma once
// Reads a qemu-system-ppc64 command line for the pseries machine into a VmSpec. The words are split as
// QEMU's vl.c splits them (see qemu_command_line.hpp); each argument uses QEMU's syntax for its option
// (QemuOpts, keyval or JSON, qemu_option_syntax.hpp). Options that shape pseries' PCI address map are
// read (-machine, -m, -device, -global, -vga, -nodefaults, -accel, -smp, -object memory backends);
// options that do not are accepted and ignored; options that would change the map in ways aperture does
// not model (-numa, -virtfs, -drive if=virtio, a PCI -nic/-net model, -readconfig, -set) are refused,
// and an option qemu-system-ppc64 does not know is refused as QEMU refuses it.

#include <string>
#include <vector>

#include "config/vm_spec.hpp"
#include "input/qemu_command_line.hpp"

namespace aperture {

// The first word may name the binary (qemu-system-ppc64, a path to it); machine.type is "pseries" when
// no -machine is given (qemu-system-ppc64's default machine).
VmSpec read_ppc64_command_line(const std::vector<std::string>& args);
VmSpec read_ppc64_command_line(const std::vector<std::string>& args, const ArgsFileLoader& load_args_file);

// True when the words ask for a ppc64 guest: the binary is qemu-system-ppc64, or there is no binary and
// -machine/-M names a pseries type. @FILE words are looked into.
bool looks_like_ppc64_command_line(const std::vector<std::string>& args);

}  // namespace aperture
