#pragma once
// The PCI functions QEMU 7.2's x86 machines create themselves, at fixed addresses on bus 0. The
// machine model places them; these builders only say what each function is. Measured with QMP
// query-pci on q35 and pc (i440fx) with -nodefaults (tests/oracle/devices/probe.py).

#include "devices/pci_function.hpp"

namespace aperture {

// --- q35 (hw/pci-host/q35.c, hw/isa/lpc_ich9.c, hw/ide/ich.c, hw/i2c/smbus_ich9.c) ---
PciFunctionSpec make_q35_mch();     // 00:00.0 8086:29c0 host bridge, no BARs
PciFunctionSpec make_ich9_lpc();    // 00:1f.0 8086:2918 ISA bridge, no BARs (PMBASE/RCBA are config registers)
PciFunctionSpec make_ich9_ahci();   // 00:1f.2 8086:2922 SATA: BAR 4 I/O 32 (index/data), BAR 5 MMIO 4 KiB (ABAR)
PciFunctionSpec make_ich9_smbus();  // 00:1f.3 8086:2930 SMBus: BAR 4 I/O 64
// -machine q35,usb=on (or -usb): ICH9 USB at 00:1d (hw/usb/hcd-uhci.c, hcd-ehci-pci.c)
PciFunctionSpec make_ich9_uhci(int companion);  // 00:1d.0/1/2 8086:2934/2935/2936: BAR 4 I/O 32; companion 1..3
PciFunctionSpec make_ich9_ehci();               // 00:1d.7 8086:293a: BAR 0 MMIO 4 KiB

// --- pc / i440fx (hw/pci-host/i440fx.c, hw/isa/piix3.c, hw/ide/piix.c, hw/acpi/piix4.c) ---
PciFunctionSpec make_i440fx_host();  // 00:00.0 8086:1237 host bridge, no BARs
PciFunctionSpec make_piix3_isa();    // 00:01.0 8086:7000 ISA bridge, multifunction, no BARs
PciFunctionSpec make_piix3_ide();    // 00:01.1 8086:7010 IDE: BAR 4 I/O 16 (bus master DMA)
PciFunctionSpec make_piix3_uhci();   // 00:01.2 8086:7020 USB (usb=on / -usb): BAR 4 I/O 32
PciFunctionSpec make_piix4_acpi();   // 00:01.3 8086:7113 ACPI/PM: no BARs (PM and SMBus bases are config registers)

}  // namespace aperture
