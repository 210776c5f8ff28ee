#include "machine/xen/xenfv_bus.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "core/error.hpp"
#include "devices/chipset.hpp"
#include "devices/device_model.hpp"
#include "devices/option_rom.hpp"
#include "devices/pci_ids.hpp"

namespace aperture {

namespace {

// hw/i386/xen/xen_platform.c: PCI_DEVICE_ID_XEN_PLATFORM, class PCI_CLASS_OTHERS << 8 | 0x80, an I/O BAR 0
// of 256 ports and a 16 MiB prefetchable memory BAR 1 ("xen-mmio", where the guest maps grant tables).
constexpr std::uint16_t kXenPlatformDeviceId = 0x0001;
constexpr std::uint16_t kXenPlatformClass = 0xff80;
constexpr u64 kXenPlatformIoSize = 0x100;
constexpr u64 kXenPlatformMmioSize = 0x100'0000;
// hw/display/cirrus_vga.c pci_cirrus_vga_realize: BAR 0 the 32 MiB prefetchable framebuffer window
// (whatever vgamem_mb is), BAR 1 the 4 KiB MMIO registers of the CLGD5446; ROM vgabios-cirrus.bin.
constexpr std::uint16_t kVendorCirrus = 0x1013;
constexpr std::uint16_t kCirrus5446DeviceId = 0x00b8;
constexpr u64 kCirrusFramebufferSize = 0x200'0000;
constexpr u64 kCirrusMmioSize = 0x1000;
// hw/net/rtl8139.c pci_rtl8139_realize: I/O BAR 0 and memory BAR 1, 256 bytes each; ROM efi-rtl8139.rom.
constexpr std::uint16_t kVendorRealtek = 0x10ec;
constexpr std::uint16_t kRtl8139DeviceId = 0x8139;
constexpr u64 kRtl8139RegisterSize = 0x100;
// QEMU 7.2 romfiles (hw/net/rtl8139.c, hw/display/cirrus_vga.c class_init).
constexpr const char* kRtl8139Rom = "efi-rtl8139.rom";
constexpr const char* kCirrusRom = "vgabios-cirrus.bin";
// libxl_dm.c: usbversion=2 puts the EHCI at 1d.7 and its UHCI companions at 1d.0-2.
constexpr std::uint8_t kIch9UsbSlot = 0x1d;

void add_rom(PciFunctionSpec& spec, const char* romfile) {
    // hw/pci/pci.c pci_add_option_rom: the ROM BAR is the file size rounded up to a power of two.
    const auto size = debian12_rom_file_size(romfile);
    if (size) spec.bars.push_back(BarSpec::rom(*power_of_two_ceil(*size)));
}

PciFunctionSpec make_cirrus_vga() {
    PciFunctionSpec spec;
    spec.driver = "cirrus-vga";
    spec.vendor_id = kVendorCirrus;
    spec.device_id = kCirrus5446DeviceId;
    spec.class_code = pci_ids::kClassDisplayVga;
    spec.bars = {BarSpec::memory32(0, kCirrusFramebufferSize, Prefetchable::Yes),
                 BarSpec::memory32(1, kCirrusMmioSize, Prefetchable::No)};
    add_rom(spec, kCirrusRom);
    return spec;
}

PciFunctionSpec make_rtl8139() {
    PciFunctionSpec spec;
    spec.driver = "rtl8139";
    spec.vendor_id = kVendorRealtek;
    spec.device_id = kRtl8139DeviceId;
    spec.class_code = pci_ids::kClassNetworkEthernet;
    spec.bars = {BarSpec::io(0, kRtl8139RegisterSize), BarSpec::memory32(1, kRtl8139RegisterSize, Prefetchable::No)};
    add_rom(spec, kRtl8139Rom);
    return spec;
}

// A device aperture's QEMU 7.2 catalog models, built as `-device DRIVER[,props]` on pci.0 of an i440fx.
PciFunctionSpec catalog_device(const std::string& driver, PropertyList properties, const std::string& why) {
    if (!find_device_model(driver)) {
        throw UnsupportedError(fmt::format("{}: qemu-xen device '{}' is not modelled by aperture", why, driver));
    }
    DeviceSpec device;
    device.driver = driver;
    device.properties = std::move(properties);
    device.where = {why};
    PlugContext context;
    context.machine = MachineFamily::I440fx;
    context.bus_is_root = true;
    return build_device(device, context);
}

class Bus {
public:
    void place(DevFn devfn, PciFunctionSpec spec, const std::string& where) {
        if (occupied(devfn)) {
            throw InputError(fmt::format("{}: slot {:02x}.{} is already taken by {}", where, devfn.device, devfn.function,
                                         std::find_if(nodes_.begin(), nodes_.end(), [&](const PciNode& n) { return n.devfn == devfn; })->function.driver));
        }
        PciNode node;
        node.devfn = devfn;
        node.function = std::move(spec);
        node.where = where;
        nodes_.push_back(std::move(node));
    }
    // QEMU's rule for a device without addr=: the first slot whose function 0 is free.
    DevFn first_free(const std::string& where) const {
        for (std::uint8_t slot = 0; slot < 32; ++slot) {
            if (!occupied({slot, 0})) return {slot, 0};
        }
        throw InputError(fmt::format("{}: no free PCI slot left on bus 0", where));
    }
    bool occupied(DevFn devfn) const {
        return std::any_of(nodes_.begin(), nodes_.end(), [&](const PciNode& n) { return n.devfn == devfn; });
    }
    std::vector<PciNode> take() {
        std::sort(nodes_.begin(), nodes_.end(), [](const PciNode& a, const PciNode& b) { return a.devfn < b.devfn; });
        return std::move(nodes_);
    }

private:
    std::vector<PciNode> nodes_;
};

}  // namespace

PciFunctionSpec make_xen_platform_device() {
    PciFunctionSpec spec;
    spec.driver = "xen-platform";
    spec.vendor_id = kXenVendorId;
    spec.device_id = kXenPlatformDeviceId;
    spec.class_code = kXenPlatformClass;
    spec.bars = {BarSpec::io(0, kXenPlatformIoSize), BarSpec::memory32(1, kXenPlatformMmioSize, Prefetchable::Yes)};
    return spec;
}

XenBus build_xenfv_bus(const XlDomainConfig& config, const std::map<std::string, PciFunctionSpec>& passthrough,
                       const std::map<std::string, std::string>& not_passable) {
    Bus bus;
    // QEMU 7.2 hw/i386/pc_piix.c pc_init1: host bridge at 00.0, PIIX3 at the first free slot (1) with
    // IDE at .1, UHCI at .2 when -usb, the PIIX4 power management function at .3 (ACPI on).
    bus.place({0, 0}, make_i440fx_host(), "xenfv machine");
    bus.place({1, 0}, make_piix3_isa(), "xenfv machine");
    bus.place({1, 1}, make_piix3_ide(), "xenfv machine");
    if (config.usb) bus.place({1, 2}, make_piix3_uhci(), "usb=1");
    bus.place({1, 3}, make_piix4_acpi(), "xenfv machine");
    // pc_piix.c pc_xen_hvm_init: the platform device right after the machine, before any -device.
    if (config.xen_platform_pci) bus.place(bus.first_free("xen-platform"), make_xen_platform_device(), "xenfv machine");

    switch (config.vga) {
        case XenVga::Cirrus: bus.place(bus.first_free("vga"), make_cirrus_vga(), "vga (cirrus, the default)"); break;
        case XenVga::Std: {
            // libxl_dm.c: -device VGA,vgamem_mb=<videoram>
            const u64 mib = config.videoram_mib.value_or(16);
            bus.place(bus.first_free("vga"), catalog_device("VGA", {{{"vgamem_mb", std::to_string(mib)}}}, "vga = \"stdvga\""), "vga = \"stdvga\"");
            break;
        }
        case XenVga::Qxl: throw UnsupportedError(fmt::format("{}: vga = \"qxl\": the qxl-vga device is not modelled by aperture", config.source));
        case XenVga::None: break;
    }
    switch (config.usbversion) {
        case 1: bus.place(bus.first_free("usbversion"), make_piix3_uhci(), "usbversion=1"); break;
        case 2:
            bus.place({kIch9UsbSlot, 7}, make_ich9_ehci(), "usbversion=2");
            for (int i = 1; i < 4; ++i) bus.place({kIch9UsbSlot, static_cast<std::uint8_t>(i - 1)}, make_ich9_uhci(i), "usbversion=2");
            break;
        case 3: bus.place(bus.first_free("usbversion"), catalog_device("nec-usb-xhci", {}, "usbversion=3"), "usbversion=3"); break;
        default: break;
    }
    for (std::size_t i = 0; i < config.nics.size(); ++i) {
        const XlNic& nic = config.nics[i];
        const std::string where = fmt::format("{}:{}: vif[{}] model={}", config.source, nic.line, i, nic.model);
        PciFunctionSpec spec = nic.model == "rtl8139" ? make_rtl8139() : catalog_device(nic.model, {}, where);
        bus.place(bus.first_free(where), std::move(spec), where);
    }
    if (config.ahci) bus.place(bus.first_free("hdtype=ahci"), make_ich9_ahci(), "hdtype = \"ahci\"");

    XenBus result;
    std::vector<std::pair<DevFn, std::string>> placed;
    for (std::size_t i = 0; i < config.pci.size(); ++i) {
        const XlPciDevice& device = config.pci[i];
        const std::string where = fmt::format("{}:{}: pci[{}] '{}'", config.source, device.line, i, device.spec);
        std::vector<std::pair<std::string, const PciFunctionSpec*>> functions;
        if (device.all_functions) {
            const std::string prefix = device.host_address.substr(0, device.host_address.size() - 1);
            for (const auto& [address, spec] : passthrough) {
                if (address.starts_with(prefix)) functions.emplace_back(address, &spec);
            }
        } else if (auto it = passthrough.find(device.host_address); it != passthrough.end()) {
            functions.emplace_back(it->first, &it->second);
        }
        if (auto why = not_passable.find(device.host_address); functions.empty() && why != not_passable.end()) {
            throw InputError(fmt::format("{}: {}", where, why->second));
        }
        if (functions.empty()) {
            throw InputError(fmt::format("{}: host device {} is not known: plan with the host that has it (--host FILE from "
                                         "`aperture host --save`) or name a catalog device (--passthrough {}=h100)",
                                         where, device.host_address, device.host_address));
        }
        const DevFn slot = device.vslot ? DevFn{static_cast<std::uint8_t>(*device.vslot), 0} : bus.first_free(where);
        for (const auto& [address, spec] : functions) {
            const auto function = static_cast<std::uint8_t>(address.back() - '0');
            // Each function keeps its number in the guest slot (libxl_pci.c: vdevfn = slot | func).
            DevFn devfn{slot.device, device.all_functions ? function : std::uint8_t{0}};
            PciFunctionSpec copy = *spec;
            copy.driver = "xen-pci-passthrough";
            bus.place(devfn, std::move(copy), where);
            placed.emplace_back(devfn, address);
        }
    }
    result.functions = bus.take();
    for (const auto& [devfn, address] : placed) {
        for (std::size_t i = 0; i < result.functions.size(); ++i) {
            if (result.functions[i].devfn == devfn) result.host_addresses[i] = address;
        }
    }
    return result;
}

}  // namespace aperture
