#pragma once
// What an xl.cfg asks for, as far as it shapes the guest-physical map of an HVM guest: memory, the MMIO
// hole, the device model, the emulated devices qemu-xen adds, and the host PCI devices to pass through.
// Defaults are libxl's (tools/libs/light/libxl_create.c libxl__domain_build_info_setdefault) and xl's
// (tools/xl/xl_parse.c parse_config_data), named at each field.

#include <optional>
#include <string>
#include <vector>

#include "core/address.hpp"
#include "input/xl_cfg/xl_cfg_syntax.hpp"

namespace aperture {

enum class XenDeviceModel { QemuXen, QemuXenTraditional };
const char* to_string(XenDeviceModel model);  // xl.cfg's spelling

enum class XenVga { Cirrus, Std, Qxl, None };
const char* to_string(XenVga vga);

// One PCI_SPEC_STRING of pci=[...] (docs/man/xl-pci-configuration.5.pod): [DDDD:]BB:SS.F[@VSLOT][,k=v...].
struct XlPciDevice {
    std::string host_address;  // "0000:41:00.0"; function 0 when all_functions
    bool all_functions = false;  // "BB:SS.*"
    std::optional<unsigned> vslot;  // the guest slot, parsed as hex (@VSLOT or vslot=)
    std::string spec;  // as written
    int line = 0;
};

// One vif=[...] entry that gives the guest an emulated NIC (type=ioemu, the HVM default).
struct XlNic {
    std::string model;  // libxl_nic.c libxl__device_nic_setdefault: "rtl8139" unless model= says otherwise
    int line = 0;
};

struct XlDomainConfig {
    std::string source;  // the file name, for messages
    std::string name;
    u64 memory_mib = 0;                // memory= (the target); maxmem= when absent, else libxl's 32 MiB
    std::optional<u64> maxmem_mib;     // maxmem=; libxl sets max = target when absent
    unsigned vcpus = 1;
    std::optional<u64> mmio_hole_mib;  // mmio_hole=
    int mmio_hole_line = 0;
    XenDeviceModel device_model = XenDeviceModel::QemuXen;  // libxl's default since Xen 4.3
    XenVga vga = XenVga::Cirrus;                            // libxl_create.c: UNKNOWN -> CIRRUS
    std::optional<u64> videoram_mib;
    bool usb = false;           // usb=1 or usbdevice=: -usb, a PIIX3 UHCI at 01.2
    unsigned usbversion = 0;    // 1..3: a separate USB controller
    bool ahci = false;          // hdtype="ahci"
    bool xen_platform_pci = true;         // xen_platform_pci=0 selects machine "pc" without the device
    bool xen_platform_pci_bar_uc = true;  // Xen 4.21+: false puts the platform BAR at the top of the hole
    bool gfx_passthru = false;
    bool vnuma = false;
    std::string soundhw;
    std::vector<XlNic> nics;
    std::vector<XlPciDevice> pci;
    // Settings that shape the map but aperture does not model, each with what it changes.
    std::vector<std::string> unmodelled;

    u64 max_memory_mib() const { return maxmem_mib.value_or(memory_mib); }
};

// Throws InputError "FILE:LINE: setting: what was expected" for values xl itself would refuse or that
// aperture cannot read, and UnsupportedError for a PV or PVH guest.
XlDomainConfig read_xl_domain_config(const XlConfig& config);
XlDomainConfig load_xl_domain_config(const std::string& path);

// "41:00.0@5,permissive=1" -> the device; throws InputError naming `where`.
XlPciDevice parse_pci_spec(const std::string& spec, const std::string& where);

}  // namespace aperture
