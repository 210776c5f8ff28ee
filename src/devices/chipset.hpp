#pragma once
// The functions a machine type creates on its root bus by itself (QEMU 7.2), independent of -device.

#include "devices/pci_function.hpp"

namespace aperture {

// q35: hw/pci-host/q35.c (MCH), hw/isa/lpc_ich9.c, hw/ide/ich.c, hw/i2c/smbus_ich9.c
PciFunctionSpec make_q35_mch();          // 00:00.0
PciFunctionSpec make_ich9_lpc();         // 00:1f.0 (multifunction)
PciFunctionSpec make_ich9_ahci();        // 00:1f.2
PciFunctionSpec make_ich9_smbus();       // 00:1f.3

// pc: hw/pci-host/i440fx.c, hw/isa/piix3.c, hw/ide/piix.c, hw/acpi/piix4.c
PciFunctionSpec make_i440fx_host();      // 00:00.0
PciFunctionSpec make_piix3_isa();        // 00:01.0 (multifunction)
PciFunctionSpec make_piix3_ide();        // 00:01.1
PciFunctionSpec make_piix4_acpi();       // 00:01.3

}  // namespace aperture
