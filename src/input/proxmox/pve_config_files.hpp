#pragma once
// The -readconfig files qemu-server installs in /usr/share/qemu-server and names on Proxmox VE's command
// lines (PVE/QemuServer.pm config_to_command: pve-q35-4.0.cfg for q35 machine types 4.0 and newer,
// pve-q35.cfg before; pve-usb.cfg for older i440fx USB). When the file is on this host aperture reads
// it; otherwise it uses its own copy of what the file declares, restated here as data.

#include <string_view>
#include <vector>

#include "input/qemu_config_file.hpp"

namespace aperture {

// Where qemu-server installs them (src/usr/Makefile: $(DESTDIR)/usr/share/qemu-server).
inline constexpr std::string_view kPveConfigDirectory = "/usr/share/qemu-server/";

// The qemu-server source the built-in copies restate: proxmox/qemu-server src/usr/*.cfg at commit
// e6352be67f70042a7433a3a3c712b36d02f9f7cb ("bump version to 9.2.6"). pve-q35-4.0.cfg last changed in
// 6af313f6 (2019-07-24), pve-q35.cfg in d705271e (2018-05-02), pve-usb.cfg never since the 2011 import,
// so Proxmox VE 6.x to 9.x (qemu-server 8.x for PVE 8.4, 9.x for PVE 9) install the same files.
inline constexpr std::string_view kPveConfigSource = "proxmox/qemu-server 9.2.6 (e6352be6)";

// The sections of the qemu-server file at `path` (kPveConfigDirectory + its name), each with the line it
// starts on in that file; nullptr for any other path.
const std::vector<QemuConfigSection>* builtin_pve_config(std::string_view path);

}  // namespace aperture
