// vfio-pci (QEMU 7.2 hw/vfio/pci.c): a host device passed through. Its BARs are the host device's, so
// the layout comes from outside (PlugContext::passthrough_device, keyed by host= or sysfsdev=).

#include "devices/device_families.hpp"

namespace aperture {

namespace {

PciFunctionSpec build_vfio_pci(const DeviceProperties& properties, const PlugContext& context) {
    auto host = properties.string("host");
    if (!host) host = properties.string("sysfsdev");
    if (!host) properties.fail("property 'host' (or 'sysfsdev') must name the host device to pass through");
    std::optional<PciFunctionSpec> function;
    if (context.passthrough_device) function = context.passthrough_device(*host);
    if (!function) {
        properties.fail("host device '" + *host +
                        "' is not on the host aperture planned for (see `aperture host`); plan for the host that has it "
                        "(--host FILE from `aperture host --save`) or name a catalog device (--passthrough " + *host + "=h100)");
    }
    function->driver = "vfio-pci";
    // x-pci-vendor-id / x-pci-device-id override what the guest sees (hw/vfio/pci.c, vfio_pci_realize).
    if (auto vendor = properties.uint32("x-pci-vendor-id"); vendor && *vendor != 0xffffffff) {
        function->vendor_id = static_cast<std::uint16_t>(*vendor);
    }
    if (auto device = properties.uint32("x-pci-device-id"); device && *device != 0xffffffff) {
        function->device_id = static_cast<std::uint16_t>(*device);
    }
    const std::uint32_t gms = properties.uint32("x-igd-gms").value_or(0);
    const bool opregion = properties.boolean_or("x-igd-opregion", false);
    // vfio_pci_is / vfio_is_vga look at the IDs the guest sees, after the x-pci-* overrides.
    if (is_intel_vga(function->vendor_id, function->class_code)) {
        IgdFacts facts;
        facts.host = *host;
        facts.device_id = function->device_id;
        facts.has_rom = function->rom() != nullptr || properties.string("romfile").has_value();
        facts.x_igd_gms = gms;
        facts.x_igd_opregion = opregion;
        if (context.igd_registers) facts.host_registers = context.igd_registers(*host);
        function->igd = facts;
    }
    return *function;
}

}  // namespace

std::vector<DeviceModel> device_families::vfio_devices() {
    return {
        DeviceModel{
            .name = "vfio-pci",
            .default_romfile = "",
            .layout_neutral_properties = {"bootindex", "display", "x-balloon-allowed", "x-enable-migration",
                                          "x-intx-mmap-timeout-ms", "x-no-geforce-quirks", "x-no-kvm-intx",
                                          "x-no-kvm-ioeventfd", "x-no-kvm-msi", "x-no-kvm-msix", "x-no-mmap",
                                          "x-no-vfio-ioeventfd", "x-nv-gpudirect-clique", "x-pci-sub-device-id",
                                          "x-pci-sub-vendor-id", "x-pre-copy-dirty-page-tracking", "x-req", "xres",
                                          "yres"},
            .layout_properties = {"host", "sysfsdev", "x-pci-vendor-id", "x-pci-device-id", "x-igd-gms", "x-igd-opregion"},
            .build = build_vfio_pci,
            // Legacy VGA ranges, and MSI-X moved to a new BAR.
            .unmodelled_properties = {"x-vga", "x-msix-relocation"},
        },
    };
}

}  // namespace aperture
