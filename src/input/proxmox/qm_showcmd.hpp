#pragma once
// Proxmox VE's QEMU command line, as `qm showcmd VMID` prints it (with --pretty: one option a line, joined
// by backslash-newline), read into the words of an ordinary QEMU command line. qemu-server
// (PVE/QemuServer.pm config_to_command) runs pve-qemu-kvm as /usr/bin/kvm with three things upstream QEMU
// does not take, which this reader resolves before the QEMU reader (qemu_command_line.hpp) reads the rest:
//   - "-id VMID" (pve-qemu-kvm's own option: the VM's number, for its sockets): checked and dropped;
//   - "-readconfig FILE": the file's sections become the options they stand for ([device "id"] a -device,
//     [machine] a -machine, [global] a -global), in its place, each word located "FILE:LINE". A qemu-server
//     file (/usr/share/qemu-server/pve-q35-4.0.cfg, ...) that is not on this host is taken from
//     aperture's copy (input/proxmox/pve_config_files.hpp), and a note says so;
//   - machine types with a Proxmox revision ("pc-q35-9.2+pve0"): the upstream type, with a note
//     (input/proxmox/pve_machine_type.hpp);
//   - "-loadstate FILE" (resuming a hibernated VM: the state was saved under the same command line): dropped
//     with a note.
// Everything else is QEMU's, and the QEMU reader accepts, ignores or refuses it as it does any command line.

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/vm_spec.hpp"
#include "input/args_file.hpp"
#include "input/proxmox/pve_machine_type.hpp"

namespace aperture {

struct ProxmoxCommandLine {
    std::vector<LocatedArg> args;           // QEMU's words, the binary first, for read_qemu_command_line_located
    std::string vmid;                       // -id's
    std::optional<PveMachineType> machine;  // the last -machine type, when it carries a Proxmox revision
    std::string machine_where;              // "vm100.cmd:41 (-machine type=pc-q35-9.2+pve0)"
    std::vector<InputNote> notes;           // for VmSpec::notes
};

// The text of a -readconfig file; nullopt when there is no file at `path` on this host. Throws InputError
// when the file is there but cannot be read.
using ReadconfigLoader = std::function<std::optional<std::string>(const std::string& path)>;

// `text` is the contents of `file_name`, which locations name. Throws InputError "FILE:LINE (...): ..." for
// what qemu-server never prints or QEMU would refuse while reading these options.
ProxmoxCommandLine read_qm_showcmd(std::string_view text, const std::string& file_name, const ReadconfigLoader& load);
// Reads the file at `path`, and -readconfig files from this host.
ProxmoxCommandLine read_qm_showcmd_file(const std::string& path);

}  // namespace aperture
