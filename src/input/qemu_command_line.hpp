#pragma once
// Reads a qemu-system-x86_64 (QEMU 7.2) command line into a VmSpec.
//
// The words are split exactly as QEMU's softmmu/vl.c splits them: "-opt" and "--opt" are the same option,
// an option that takes an argument always takes the next word (there is no "-opt=value"), and a word that
// does not start with '-' is a disk image. Each argument is then parsed with the syntax QEMU uses for that
// option (QemuOpts, keyval or JSON; see qemu_option_syntax.hpp).
//
// Every QEMU 7.2 x86 option is known: those that shape the guest-physical address map fill the VmSpec,
// those that do not are accepted and ignored, and those that would change the map in a way aperture does
// not model are refused with an InputError saying so. An option QEMU does not know is refused as QEMU
// refuses it. Refusals QEMU makes while reading its options are reproduced with QEMU's own message,
// prefixed with the argument: "argument 3 (-m 4G,maxmem=2G): invalid value of maxmem: ...".
//
// Arguments are numbered from 1 in the order given (the qemu binary, when present, is argument 1).
// A word "@FILE" where a disk image could stand is replaced by the words of FILE (see args_file.hpp);
// their locations read "FILE:LINE".

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/vm_spec.hpp"
#include "input/args_file.hpp"
#include "machine/qemu_release.hpp"

namespace aperture {

// Returns the text of an @FILE; throws InputError when it cannot. The default reads the file system.
using ArgsFileLoader = std::function<std::string(const std::string& path)>;

// `args` as they follow `aperture plan --`. The first may be the qemu binary (qemu-system-x86_64,
// /usr/bin/qemu-system-x86_64, qemu-kvm); any other qemu-system-* binary is refused.
// `qemu` is the release the command line is read for: its messages name it ("QEMU 7.2 warns: ...").
VmSpec read_qemu_command_line(const std::vector<std::string>& args, const QemuRelease& qemu = default_qemu_release());
VmSpec read_qemu_command_line(const std::vector<std::string>& args, const ArgsFileLoader& load_args_file,
                              const QemuRelease& qemu = default_qemu_release());

// Words that already carry their origin ("vm.xml:42" for a libvirt <qemu:arg>); no qemu binary first.
VmSpec read_qemu_command_line_located(std::vector<LocatedArg> args, const QemuRelease& qemu = default_qemu_release());

// Whether QEMU's option `name` ("device", without the dash) takes the next word as its argument; nullopt
// for an option QEMU does not know. For readers of dialects that add options of their own (Proxmox VE).
std::optional<bool> qemu_option_takes_argument(std::string_view name);

// The words of an @FILE (implemented in args_file.cpp).
std::vector<std::string> read_args_file(const std::string& path);
std::vector<std::string> split_args_text(std::string_view text, const std::string& file_name);

}  // namespace aperture
