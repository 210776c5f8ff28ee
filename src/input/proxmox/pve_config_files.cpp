#include "input/proxmox/pve_config_files.hpp"

#include <initializer_list>
#include <string>
#include <utility>

namespace aperture {

namespace {

using Properties = std::initializer_list<std::pair<const char*, const char*>>;

// One [device "id"] section that starts on `line`; its properties follow on the next lines, in order.
QemuConfigSection device(unsigned line, const char* id, Properties properties) {
    QemuConfigSection section{"device", std::string(id), line, {}};
    unsigned at = line;
    for (const auto& [key, value] : properties) section.entries.push_back({key, value, ++at});
    return section;
}

// The ICH9 USB controllers both q35 files declare (lines 1-58 of each): EHCI at 00:1d.7 with three UHCI
// companions at 00:1d.0-2, and a second set at 00:1a.
void add_q35_usb(std::vector<QemuConfigSection>& file) {
    file.push_back(device(1, "ehci", {{"driver", "ich9-usb-ehci1"}, {"multifunction", "on"}, {"bus", "pcie.0"}, {"addr", "1d.7"}}));
    file.push_back(device(7, "uhci-1", {{"driver", "ich9-usb-uhci1"}, {"multifunction", "on"}, {"bus", "pcie.0"}, {"addr", "1d.0"},
                                        {"masterbus", "ehci.0"}, {"firstport", "0"}}));
    file.push_back(device(15, "uhci-2", {{"driver", "ich9-usb-uhci2"}, {"multifunction", "on"}, {"bus", "pcie.0"}, {"addr", "1d.1"},
                                         {"masterbus", "ehci.0"}, {"firstport", "2"}}));
    file.push_back(device(23, "uhci-3", {{"driver", "ich9-usb-uhci3"}, {"multifunction", "on"}, {"bus", "pcie.0"}, {"addr", "1d.2"},
                                         {"masterbus", "ehci.0"}, {"firstport", "4"}}));
    file.push_back(device(31, "ehci-2", {{"driver", "ich9-usb-ehci2"}, {"multifunction", "on"}, {"bus", "pcie.0"}, {"addr", "1a.7"}}));
    file.push_back(device(37, "uhci-4", {{"driver", "ich9-usb-uhci4"}, {"multifunction", "on"}, {"bus", "pcie.0"}, {"addr", "1a.0"},
                                         {"masterbus", "ehci-2.0"}, {"firstport", "0"}}));
    file.push_back(device(45, "uhci-5", {{"driver", "ich9-usb-uhci5"}, {"multifunction", "on"}, {"bus", "pcie.0"}, {"addr", "1a.1"},
                                         {"masterbus", "ehci-2.0"}, {"firstport", "2"}}));
    file.push_back(device(53, "uhci-6", {{"driver", "ich9-usb-uhci6"}, {"multifunction", "on"}, {"bus", "pcie.0"}, {"addr", "1a.2"},
                                         {"masterbus", "ehci-2.0"}, {"firstport", "4"}}));
}

// The DMI-to-PCI bridge at 00:1e.0 and the four conventional PCI bridges pci.0-pci.3 behind it, where
// qemu-server puts its i440fx-style devices (balloon at pci.0 slot 3, NICs from slot 18, ...).
void add_q35_pci_bridges(std::vector<QemuConfigSection>& file, unsigned first_line) {
    const unsigned l = first_line;
    file.push_back(device(l, "pcidmi", {{"driver", "i82801b11-bridge"}, {"bus", "pcie.0"}, {"addr", "1e.0"}}));
    file.push_back(device(l + 5, "pci.0", {{"driver", "pci-bridge"}, {"bus", "pcidmi"}, {"addr", "1.0"}, {"chassis_nr", "1"}}));
    file.push_back(device(l + 11, "pci.1", {{"driver", "pci-bridge"}, {"bus", "pcidmi"}, {"addr", "2.0"}, {"chassis_nr", "2"}}));
    file.push_back(device(l + 17, "pci.2", {{"driver", "pci-bridge"}, {"bus", "pcidmi"}, {"addr", "3.0"}, {"chassis_nr", "3"}}));
    file.push_back(device(l + 23, "pci.3", {{"driver", "pci-bridge"}, {"bus", "pcidmi"}, {"addr", "4.0"}, {"chassis_nr", "4"}}));
}

// src/usr/pve-q35-4.0.cfg: the root ports are QEMU's generic pcie-root-port at Gen4 x32 link speed.
std::vector<QemuConfigSection> pve_q35_4_0() {
    std::vector<QemuConfigSection> file;
    add_q35_usb(file);
    file.push_back(device(64, "audio0", {{"driver", "ich9-intel-hda"}, {"bus", "pcie.0"}, {"addr", "1b.0"}}));
    const unsigned port_lines[] = {70, 80, 90, 100};
    const char* ids[] = {"ich9-pcie-port-1", "ich9-pcie-port-2", "ich9-pcie-port-3", "ich9-pcie-port-4"};
    const char* addrs[] = {"1c.0", "1c.1", "1c.2", "1c.3"};
    const char* numbers[] = {"1", "2", "3", "4"};
    for (int i = 0; i < 4; ++i) {
        file.push_back(device(port_lines[i], ids[i],
                              {{"driver", "pcie-root-port"}, {"x-speed", "16"}, {"x-width", "32"}, {"multifunction", "on"},
                               {"bus", "pcie.0"}, {"addr", addrs[i]}, {"port", numbers[i]}, {"chassis", numbers[i]}}));
    }
    add_q35_pci_bridges(file, 136);
    return file;
}

// src/usr/pve-q35.cfg: the same machine with Intel's ioh3420 root ports (q35 machine types before 4.0).
std::vector<QemuConfigSection> pve_q35() {
    std::vector<QemuConfigSection> file;
    add_q35_usb(file);
    file.push_back(device(62, "audio0", {{"driver", "ich9-intel-hda"}, {"bus", "pcie.0"}, {"addr", "1b.0"}}));
    const unsigned port_lines[] = {68, 76, 84, 92};
    const char* ids[] = {"ich9-pcie-port-1", "ich9-pcie-port-2", "ich9-pcie-port-3", "ich9-pcie-port-4"};
    const char* addrs[] = {"1c.0", "1c.1", "1c.2", "1c.3"};
    const char* numbers[] = {"1", "2", "3", "4"};
    for (int i = 0; i < 4; ++i) {
        file.push_back(device(port_lines[i], ids[i],
                              {{"driver", "ioh3420"}, {"multifunction", "on"}, {"bus", "pcie.0"}, {"addr", addrs[i]},
                               {"port", numbers[i]}, {"chassis", numbers[i]}}));
    }
    add_q35_pci_bridges(file, 126);
    return file;
}

// src/usr/pve-usb.cfg: ICH9 EHCI with three UHCI companions on the i440fx root bus (no bus= given).
std::vector<QemuConfigSection> pve_usb() {
    return {
        device(1, "ehci", {{"driver", "ich9-usb-ehci1"}, {"addr", "1d.7"}, {"multifunction", "on"}}),
        device(6, "uhci-1", {{"driver", "ich9-usb-uhci1"}, {"addr", "1d.0"}, {"multifunction", "on"}, {"masterbus", "ehci.0"},
                             {"firstport", "0"}}),
        device(13, "uhci-2", {{"driver", "ich9-usb-uhci2"}, {"addr", "1d.1"}, {"multifunction", "on"}, {"masterbus", "ehci.0"},
                              {"firstport", "2"}}),
        device(20, "uhci-3", {{"driver", "ich9-usb-uhci3"}, {"addr", "1d.2"}, {"multifunction", "on"}, {"masterbus", "ehci.0"},
                              {"firstport", "4"}}),
    };
}

}  // namespace

const std::vector<QemuConfigSection>* builtin_pve_config(std::string_view path) {
    static const std::vector<QemuConfigSection> q35_4_0 = pve_q35_4_0();
    static const std::vector<QemuConfigSection> q35 = pve_q35();
    static const std::vector<QemuConfigSection> usb = pve_usb();
    if (!path.starts_with(kPveConfigDirectory)) return nullptr;
    const std::string_view name = path.substr(kPveConfigDirectory.size());
    if (name == "pve-q35-4.0.cfg") return &q35_4_0;
    if (name == "pve-q35.cfg") return &q35;
    if (name == "pve-usb.cfg") return &usb;
    return nullptr;
}

}  // namespace aperture
