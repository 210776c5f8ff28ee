#include "firmware/seabios/scsi_boot_luns.hpp"

#include <algorithm>
#include <array>
#include <fmt/format.h>
#include <string_view>

#include "core/error.hpp"
#include "core/size_parse.hpp"

namespace aperture::seabios {

namespace {

// QEMU's -device drivers that create a SCSI bus (hw/scsi/*.c, hw/usb/dev-storage-bot.c, dev-uas.c): a scsi-*
// device without bus= goes to one of them (qdev_device_add's qbus_find_recursive over TYPE_SCSI_BUS).
constexpr std::array<std::string_view, 13> SCSI_BUS_DRIVERS{
    "virtio-scsi-pci", "virtio-scsi-pci-transitional", "virtio-scsi-pci-non-transitional", "lsi53c895a", "lsi53c810",
    "megasas",         "megasas-gen2",                 "mptsas1068",                       "am53c974",   "dc390",
    "pvscsi",          "usb-bot",                      "usb-uas",
};

// src/hw/blockcmd.c scsi_drive_setup: DISK_SECTOR_SIZE, the only block size a disk is registered with.
constexpr u64 SEABIOS_DISK_SECTOR_SIZE = 512;

bool creates_scsi_bus(std::string_view driver) {
    return std::find(SCSI_BUS_DRIVERS.begin(), SCSI_BUS_DRIVERS.end(), driver) != SCSI_BUS_DRIVERS.end();
}

std::size_t scsi_controller_count(const Machine& machine) {
    std::size_t count = 0;
    for (const auto& bus : machine.pci.buses()) {
        for (const auto& node : bus.devices) {
            if (creates_scsi_bus(node.function.driver)) ++count;
        }
    }
    for (const auto& d : machine.bus_devices) {
        if (creates_scsi_bus(d.driver)) ++count;
    }
    return count;
}

ScsiLunOutcome outcome_of(const DeviceSpec& device) {
    if (device.driver == "scsi-cd") return ScsiLunOutcome::Registered;
    const std::string* block = device.properties.find("logical_block_size");
    if (block == nullptr) return ScsiLunOutcome::Registered;
    const auto size = parse_size(*block);
    if (!size) {
        throw UnsupportedError(fmt::format("{}: logical_block_size={} is not a size aperture can read", device.where.text, *block));
    }
    return *size == SEABIOS_DISK_SECTOR_SIZE ? ScsiLunOutcome::Registered : ScsiLunOutcome::Rejected;
}

}  // namespace

std::vector<ScsiLun> scsi_luns_on(const Machine& machine, const PciNode& controller) {
    std::vector<ScsiLun> luns;
    const std::string bus_name = controller.id.empty() ? std::string{} : controller.id + ".0";
    for (const auto& d : machine.bus_devices) {
        if (!d.driver.starts_with("scsi-")) continue;
        bool here = false;
        if (d.bus) {
            here = !bus_name.empty() && *d.bus == bus_name;
        } else if (scsi_controller_count(machine) == 1) {
            here = true;
        } else {
            throw UnsupportedError(fmt::format("{}: {} without bus= next to several SCSI controllers: which one QEMU "
                                               "gives it is not modelled; name the controller's bus (bus=<id>.0)",
                                               d.where.text, d.driver));
        }
        if (!here) continue;
        if (d.driver != "scsi-hd" && d.driver != "scsi-cd") {
            throw UnsupportedError(fmt::format("{}: {} passes a host SCSI device through; whether SeaBIOS registers it "
                                               "(and so keeps {}'s queue in ZoneHigh) depends on what the host device "
                                               "answers, which aperture does not model",
                                               d.where.text, d.driver, controller.function.driver));
        }
        luns.push_back({&d, outcome_of(d)});
    }
    return luns;
}

}  // namespace aperture::seabios
