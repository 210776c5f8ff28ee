#include "firmware/seabios/high_zone.hpp"

#include <algorithm>
#include <array>
#include <fmt/format.h>

#include "core/error.hpp"
#include "core/size_parse.hpp"
#include "devices/vfio_igd.hpp"
#include "machine/boot_order.hpp"
#include "firmware/seabios/builtin_acpi.hpp"
#include "firmware/seabios/seabios_layout.hpp"
#include "firmware/seabios/seabios_pci_ids.hpp"
#include "firmware/seabios/scsi_boot_luns.hpp"
#include "firmware/seabios/usb_boot_devices.hpp"

namespace aperture::seabios {

namespace {

// --- QEMU 7.2 facts --------------------------------------------------------------------------------------
// hw/i386/acpi-build.c: the tables blob is padded to a multiple of ACPI_BUILD_TABLE_SIZE and loaded into
// ZoneHigh with bios_linker_loader_alloc(..., 64 /* Ensure FACS is aligned */, false /* high memory */).
constexpr u32 ACPI_BUILD_TABLE_SIZE = 0x20000;
constexpr u32 ACPI_TABLES_ALIGN = 64;
// acpi_build warns "ACPI table size %u exceeds %d bytes" above half the padding; the bound below stays
// under it, where the blob is exactly one ACPI_BUILD_TABLE_SIZE.
constexpr u64 ACPI_TABLES_BOUND_LIMIT = ACPI_BUILD_TABLE_SIZE / 2;
// An upper bound of the raw tables, from QEMU 7.2 boots (FACS..RSDT summed in guest memory): pc 6781 B
// and q35 8820 B with nothing added; +3.1 KiB per pci-bridge (hotplug AML for 32 slots), +162 B per
// pcie-root-port, +94 B per possible CPU, +128..276 B per memory slot, under +20 B per endpoint.
constexpr u64 ACPI_BOUND_BASE = 16 * KiB;
constexpr u64 ACPI_BOUND_PER_BRIDGE = 4 * KiB;       // conventional buses: ACPI hotplug AML for 32 slots
constexpr u64 ACPI_BOUND_PER_PCIE_PORT = 256;        // PCIe root, upstream and downstream ports
constexpr u64 ACPI_BOUND_PER_FUNCTION = 64;
constexpr u64 ACPI_BOUND_PER_CPU = 128;
constexpr u64 ACPI_BOUND_PER_MEMORY_SLOT = 512;

// hw/smbios/smbios.c (QEMU 7.2) with the defaults hw/i386/pc_{piix,q35}.c set (smbios_set_defaults):
// sizeof() of each structure QEMU builds, and the strings it gives them.
constexpr u32 SMBIOS_TYPE1_SIZE = 27;
constexpr u32 SMBIOS_TYPE3_SIZE = 22;
constexpr u32 SMBIOS_TYPE4_SIZE = 42;
constexpr u32 SMBIOS_TYPE16_SIZE = 23;
constexpr u32 SMBIOS_TYPE17_SIZE = 40;
constexpr u32 SMBIOS_TYPE19_SIZE = 31;
constexpr u32 SMBIOS_TYPE32_SIZE = 11;
constexpr u32 SMBIOS_TYPE127_SIZE = 4;
constexpr u64 SMBIOS_MAX_DIMM_SIZE = 16 * GiB;  // MAX_DIMM_SZ: one type 17 per 16 GiB of -m
constexpr const char* SMBIOS_MANUFACTURER = "QEMU";
constexpr const char* I440FX_DESC = "Standard PC (i440FX + PIIX, 1996)";  // hw/i386/pc_piix.c m->desc
constexpr const char* Q35_DESC = "Standard PC (Q35 + ICH9, 2009)";        // hw/i386/pc_q35.c m->desc

// hw/usb/hcd-xhci.h XHCI_MAXSLOTS: qemu-xhci and nec-usb-xhci report 64 slots in HCSPARAMS1.
constexpr u32 QEMU_XHCI_SLOTS = 64;
// hw/nvme/ctrl.c: CAP.MQES defaults to 0x7ff ("mqes" property).
constexpr u64 QEMU_NVME_MQES_DEFAULT = 0x7ff;

// The BARs SeaBIOS's drivers use (src/hw/pcidevice.c pci_enable_membar / pci_enable_iobar).
constexpr int PCI_BASE_ADDRESS_0 = 0;
constexpr int AHCI_BAR = 5;          // src/hw/ahci.c: pci_enable_membar(pci, PCI_BASE_ADDRESS_5)
constexpr int UHCI_BAR = 4;          // src/hw/usb-uhci.c: pci_enable_iobar(pci, PCI_BASE_ADDRESS_4)
// pci_enable_membar: "Bar doesn't look valid (it is in last 4M or first 16M)" when bar + 4M < 20M (u32).
constexpr u32 MEMBAR_GUARD = 4 * MiB;
constexpr u32 MEMBAR_VALID_FROM = 20 * MiB;

bool is_virtio(const PciNode& node, std::uint16_t legacy_id, std::uint16_t modern_id) {
    const auto& f = node.function;
    return f.vendor_id == PCI_VENDOR_ID_REDHAT_QUMRANET && (f.device_id == legacy_id || f.device_id == modern_id);
}

// src/hw/pcidevice.c pci_enable_membar: a memory BAR a 32-bit driver can use.
bool membar_usable(const FoundFunction& fn, int bar) {
    const auto& value = fn.bars[static_cast<std::size_t>(bar)];
    if (!value || *value >= 4 * GiB) return false;  // "Can not map memory bar over 4Gig"
    return static_cast<u32>(*value) + MEMBAR_GUARD >= MEMBAR_VALID_FROM;
}

// pci_enable_iobar: a non-zero I/O BAR below 64 KiB.
bool iobar_usable(const FoundFunction& fn, int bar) {
    const auto& value = fn.bars[static_cast<std::size_t>(bar)];
    return value && *value != 0 && *value <= 0xffff;
}

std::string label(const FoundFunction& fn) {
    const PciNode& n = *fn.node;
    return fmt::format("{:02x}.{} {}", n.devfn.device, n.devfn.function, n.function.driver);
}

u64 property_uint(const PciNode& node, const char* key, u64 fallback) {
    const std::string* text = node.properties.find(key);
    if (!text) return fallback;
    auto value = parse_uint(*text);
    if (!value) throw UnsupportedError(fmt::format("{}: {}={} is not a number aperture can read", node.where, key, *text));
    return *value;
}

// Each racing virtio-scsi controller doubles the possible orders; past this many they are not listed.
constexpr std::size_t MAX_RACING_SCSI_CONTROLLERS = 8;

class Planner {
public:
    Planner(const Machine& machine, const std::vector<FoundFunction>& functions, const std::optional<SeabiosBuiltinAcpi>& builtin_acpi,
            SeabiosUsbHid usb_hid)
        : machine_(machine), found_(functions), builtin_acpi_(builtin_acpi), usb_hid_(usb_hid) {}

    HighZonePlan plan() {
        check_supported();
        igd_opregion();
        smbios_setup();
        acpi_table_loader();
        usb_setup();
        block_setup();
        usb_device_setup();
        late_frees();
        return std::move(plan_);
    }

private:
    // src/fw/pciinit.c intel_igd_setup, from pci_setup: before anything else lands in ZoneHigh.
    void igd_opregion() {
        if (!machine_.igd || !machine_.igd->opregion_size) return;
        for (const auto& fn : found_) {
            if (!is_intel_vga(fn.node->function.vendor_id, fn.node->function.class_code)) continue;
            allocate("IGD OpRegion", static_cast<u32>(*machine_.igd->opregion_size), IGD_OPREGION_ALIGN);
            return;  // "more than one is undefined": QEMU passes one OpRegion
        }
    }

    int allocate(std::string what, u32 size, u32 align) {
        plan_.steps.push_back({HighZoneStep::Kind::Allocate, std::move(what), size, align, -1});
        return static_cast<int>(plan_.steps.size()) - 1;
    }
    void free_later(int step) { late_.push_back(step); }

    std::vector<const FoundFunction*> found_with(auto predicate) const {
        std::vector<const FoundFunction*> out;
        for (const auto& fn : found_) {
            if (predicate(*fn.node)) out.push_back(&fn);
        }
        return out;
    }
    bool any_bus_device(auto predicate) const {
        return std::any_of(machine_.bus_devices.begin(), machine_.bus_devices.end(), predicate);
    }

    // What this model has no measured allocation sequence for.
    void check_supported() {
        for (const auto& d : machine_.bus_devices) {
            if (d.driver.starts_with("tpm-")) {
                throw UnsupportedError(fmt::format("{}: SeaBIOS's TPM support (the TPM event log QEMU's table-loader "
                                                   "places in ZoneHigh, src/tcgbios.c) is not modelled",
                                                   d.where.text));
            }
        }
        for (const auto& fn : found_) {
            const PciNode& n = *fn.node;
            const std::uint16_t cls = n.function.class_code;
            if (cls == PCI_CLASS_SERIAL_USB) {
                if (usb_controller_kind(n) == UsbControllerKind::None) {
                    throw UnsupportedError(fmt::format("{}: SeaBIOS's boot-time allocations for USB controller {} "
                                                       "(OHCI, or a passed-through controller) are not modelled",
                                                       n.where, n.function.driver));
                }
            }
            const bool emulated = n.function.driver != "vfio-pci";
            const bool driven_class = cls == PCI_CLASS_STORAGE_SCSI || cls == PCI_CLASS_STORAGE_SATA ||
                                      cls == PCI_CLASS_STORAGE_NVME || cls == PCI_CLASS_STORAGE_SAS ||
                                      cls == PCI_CLASS_STORAGE_RAID || cls == PCI_CLASS_STORAGE_OTHER ||
                                      cls == PCI_CLASS_SYSTEM_SDHCI;
            if (!emulated && driven_class) {
                throw UnsupportedError(fmt::format("{}: SeaBIOS may drive this passed-through storage controller "
                                                   "(class {:04x}); its ZoneHigh allocations are not modelled",
                                                   n.where, cls));
            }
        }
        if (!machine_.acpi) return;  // QEMU's tables, and the bound below, are only there with ACPI on
        const u64 bound = acpi_tables_bound(machine_);
        if (bound > ACPI_TABLES_BOUND_LIMIT) {
            throw UnsupportedError(fmt::format("SeaBIOS model: QEMU's ACPI tables may pass {} bytes (bound {}), and "
                                               "then the padding to {} KiB that fixes ZoneHigh's use is not certain",
                                               ACPI_TABLES_BOUND_LIMIT, bound, ACPI_BUILD_TABLE_SIZE / KiB));
        }
    }

    // src/fw/biostables.c smbios_romfile_setup -> smbios_build_tables: f-segment unless too long.
    void smbios_setup() {
        const u32 length = smbios_table_length(machine_);
        if (length > BUILD_MAX_SMBIOS_FSEG) allocate("SMBIOS structure table", length, MALLOC_MIN_ALIGN);
    }

    // src/fw/romfile_loader.c romfile_loader_allocate for etc/acpi/tables (ROMFILE_LOADER_ALLOC_ZONE_HIGH).
    // With ACPI off QEMU gives no table-loader, and qemu_platform_setup falls back to acpi_setup.
    void acpi_table_loader() {
        if (machine_.acpi) {
            allocate("ACPI tables (etc/acpi/tables)", ACPI_BUILD_TABLE_SIZE, ACPI_TABLES_ALIGN);
            return;
        }
        if (!builtin_acpi_) return;  // 1.17.0 on: "ACPI tables for qemu 1.6 and older are not supported any more"
        for (auto& table : builtin_acpi_allocations(machine_, *builtin_acpi_)) {
            allocate("SeaBIOS's own ACPI " + table.what, table.size, table.align);
        }
    }

    // src/hw/usb.c usb_setup: xhci_setup, ehci_setup, uhci_setup, each over the PCI list. Each
    // controller's thread allocates before its first yield; with no device taken by a driver it frees all
    // of it when its port scan ends (usb_enumerate waits out usb_time_sigatt, 100 ms), after every driver
    // below has allocated. EHCI and UHCI keep nothing else in ZoneHigh: their control pipes are
    // memalign_tmphigh, their interrupt and bulk pipes memalign_low/malloc_low (usb-ehci.c, usb-uhci.c).
    void usb_setup() {
        std::vector<const PciNode*> driven;
        for (const auto& fn : found_) {
            const UsbControllerKind kind = usb_controller_kind(*fn.node);
            if (kind == UsbControllerKind::Xhci || kind == UsbControllerKind::Ehci) {
                if (membar_usable(fn, PCI_BASE_ADDRESS_0)) driven.push_back(fn.node);
            } else if (kind == UsbControllerKind::Uhci) {
                if (iobar_usable(fn, UHCI_BAR)) driven.push_back(fn.node);
            }
        }
        usb_devices_ = usb_boot_devices(machine_, driven, usb_hid_);
        const auto keeps = [&](const PciNode& controller) {
            return std::any_of(usb_devices_.begin(), usb_devices_.end(), [&](const UsbBootDevice& d) {
                return d.controller == &controller && d.taken;
            });
        };
        const auto driven_of = [&](UsbControllerKind kind) {
            return found_with([&](const PciNode& n) {
                return usb_controller_kind(n) == kind && std::find(driven.begin(), driven.end(), &n) != driven.end();
            });
        };
        for (const FoundFunction* fn : driven_of(UsbControllerKind::Xhci)) {
            const std::string who = label(*fn);
            // xhci_controller_setup, then configure_xhci in its thread.
            const int xhci = allocate(who + " struct usb_xhci_s", XHCI_STRUCT_SIZE, MALLOC_MIN_ALIGN);
            const int devs = allocate(who + " device context array", (QEMU_XHCI_SLOTS + 1) * XHCI_DEVS_ENTRY_SIZE, XHCI_DEVS_ALIGN);
            const int eseg = allocate(who + " event ring segment table", XHCI_ER_SEG_SIZE, XHCI_ER_SEG_ALIGN);
            const int cmds = allocate(who + " command ring", XHCI_RING_STRUCT_SIZE, XHCI_RING_SIZE);
            const int evts = allocate(who + " event ring", XHCI_RING_STRUCT_SIZE, XHCI_RING_SIZE);
            // "XHCI no devices found": free(eseg, evts, cmds, devs, xhci)
            if (!keeps(*fn->node)) {
                for (int step : {eseg, evts, cmds, devs, xhci}) xhci_steps_.push_back(step);
            }
        }
        for (const FoundFunction* fn : driven_of(UsbControllerKind::Ehci)) {
            const std::string who = label(*fn);
            // configure_ehci; ehci_free_pipes and "no devices" free them again.
            const int fl = allocate(who + " frame list", EHCI_FRAMELIST_SIZE, EHCI_FRAMELIST_SIZE);
            const int intr = allocate(who + " interrupt queue head", EHCI_QH_SIZE, EHCI_QH_ALIGN);
            const int async = allocate(who + " async queue head", EHCI_QH_SIZE, EHCI_QH_ALIGN);
            if (!keeps(*fn->node)) {
                for (int step : {fl, intr, async}) {
                    free_later(step);
                    usb_scan_frees_.push_back(step);
                }
            }
        }
        for (const FoundFunction* fn : driven_of(UsbControllerKind::Uhci)) {
            const std::string who = label(*fn);
            // configure_uhci: term_td, fl, intr_pipe, term_pipe.
            const int td = allocate(who + " terminating TD", UHCI_TD_SIZE, MALLOC_MIN_ALIGN);
            const int fl = allocate(who + " frame list", UHCI_FRAMELIST_SIZE, UHCI_FRAMELIST_SIZE);
            const int intr = allocate(who + " interrupt pipe", UHCI_PIPE_SIZE, MALLOC_MIN_ALIGN);
            const int term = allocate(who + " terminating pipe", UHCI_PIPE_SIZE, MALLOC_MIN_ALIGN);
            if (!keeps(*fn->node)) {
                for (int step : {td, fl, intr, term}) {
                    free_later(step);
                    usb_scan_frees_.push_back(step);
                }
            }
        }
    }

    // The devices on xHCI controllers. Enumeration waits for port resets (usb_set_address sleeps
    // USB_TIME_RSTRCY first), so their allocations come after block_setup's: each device's control pipe
    // (xhci_alloc_pipe, memalign_high) and slot context, which stay whether or not a driver takes it (the
    // pipe goes to the controller's free list, the slot context is never freed), and for a boot keyboard or
    // mouse the interrupt pipe's buffer (maxpacket bytes; the pipe itself is memalign_low). Port threads
    // take the controller's reset lock in turn, so the order between devices is not fixed; it does not
    // matter: every device's pipe and slot context have the same sizes, and a buffer of at most 8 bytes
    // (16-byte aligned) takes the first gap from the top that fits, in the controller's own blocks'
    // alignment slack, never below the lowest block (high_zone_test checks both orders).
    void usb_device_setup() {
        usb_device_first_step_ = static_cast<int>(plan_.steps.size());
        for (const UsbBootDevice& d : usb_devices_) {
            if (usb_controller_kind(*d.controller) != UsbControllerKind::Xhci) continue;
            const std::string who = d.device->driver;
            allocate(who + " control pipe (struct xhci_pipe)", XHCI_PIPE_SIZE, XHCI_RING_SIZE);
            allocate(who + " slot context", XHCI_SLOT_CONTEXT_SIZE, XHCI_SLOT_CONTEXT_SIZE);
            if (d.interrupt_buffer != 0) allocate(who + " interrupt buffer", d.interrupt_buffer, MALLOC_MIN_ALIGN);
        }
        usb_device_end_step_ = static_cast<int>(plan_.steps.size());
    }

    // src/block.c block_setup: ahci_setup, virtio_blk_setup, virtio_scsi_setup, ..., nvme_setup.
    void block_setup() {
        ahci_setup();
        virtio_blk_setup();
        virtio_scsi_setup();
        nvme_setup();
    }

    // src/hw/ahci.c: every port with a device moves its command list, FIS and command table from the
    // temporary zones to ZoneHigh (ahci_port_realloc) once it has identified the drive. Seen on real
    // boots before the virtio-blk queues, while the main thread is still starting port threads.
    void ahci_setup() {
        for (const FoundFunction* fn : found_with([](const PciNode& n) { return n.function.driver == "ich9-ahci"; })) {
            if (!membar_usable(*fn, AHCI_BAR)) continue;
            const unsigned ports = ahci_ports_with_drive(*fn->node);
            for (unsigned port = 0; port < ports; ++port) {
                const std::string who = fmt::format("{} port with a drive", label(*fn));
                allocate(who + " command list", AHCI_CMD_LIST_SIZE, AHCI_CMD_LIST_SIZE);
                allocate(who + " received FIS", AHCI_FIS_SIZE, AHCI_FIS_SIZE);
                allocate(who + " command table", AHCI_CMD_TABLE_SIZE, AHCI_CMD_TABLE_SIZE);
            }
        }
    }

    // Drives on one AHCI controller (src/hw/ahci.c ahci_scan drives every one, in PCI order; each port's
    // allocations are the same, so their order does not matter). q35's own at 00:1f.2 has no id: QEMU names
    // its buses ide.0..ide.5 and puts IDE drives without bus= (ide-cd, ide-hd, the default CD-ROM) there.
    // A -device ich9-ahci (libvirt's <controller type='sata'>, and every SATA controller on pc) names its
    // buses ID.0..ID.5 (qbus_init_internal), and a drive is on it when its bus= says so.
    unsigned ahci_ports_with_drive(const PciNode& ahci) {
        // A -device ich9-ahci without id= names its buses ide.N as well, so no drive can name them: only one
        // id-less AHCI (q35's own) gets the drives.
        const bool chipset = machine_.type.family == MachineFamily::Q35 && ahci.id.empty() && !chipset_ahci_seen_;
        if (ahci.id.empty()) chipset_ahci_seen_ = true;
        if (!chipset && ahci.id.empty()) return 0;
        unsigned ports = chipset && machine_.default_cdrom ? 1 : 0;
        for (const auto& d : machine_.bus_devices) {
            if (d.driver != "ide-cd" && d.driver != "ide-hd") continue;
            const bool on_it = chipset ? (!d.bus || d.bus->starts_with("ide.")) : (d.bus && d.bus->starts_with(ahci.id + "."));
            if (on_it) ++ports;
        }
        return ports;
    }

    // src/hw/virtio-blk.c init_virtio_blk: vp_find_vq allocates the queue page-aligned; a block size
    // other than 512 fails the device before (modern) or frees the queue at once (legacy).
    void virtio_blk_setup() {
        for (const FoundFunction* fn : found_with([](const PciNode& n) {
                 return is_virtio(n, PCI_DEVICE_ID_VIRTIO_BLK_09, PCI_DEVICE_ID_VIRTIO_BLK_10);
             })) {
            if (skipped_as_unbootable(*fn->node)) continue;
            const std::string* block = fn->node->properties.find("logical_block_size");
            if (block && parse_size(*block) != std::optional<u64>{512}) continue;
            allocate(label(*fn) + " virtqueue", VRING_VIRTQUEUE_SIZE, SEABIOS_PAGE_SIZE);
        }
    }

    // src/hw/virtio-scsi.c init_virtio_scsi: vp_device and request queue, allocated before the thread's
    // first yield; freed again when no LUN of its scan of 256 targets registers ("if (!tot) goto fail").
    // The LUNs themselves (struct virtio_lun_s) are malloc_low, scsi_drive_setup's buffers malloc_tmp:
    // a controller with a registered disk keeps exactly these two blocks, and has nothing to race. With
    // HALT in the bootorder, virtio_scsi_add_lun skips every LUN without a bootindex of its own
    // (bootprio_find_scsi_device < 0) before scsi_drive_setup.
    void virtio_scsi_setup() {
        const auto vscsi = found_with([&](const PciNode& n) {
            return is_virtio(n, PCI_DEVICE_ID_VIRTIO_SCSI_09, PCI_DEVICE_ID_VIRTIO_SCSI_10) && !skipped_as_unbootable(n);
        });
        for (const FoundFunction* fn : vscsi) {
            const auto luns = scsi_luns_on(machine_, *fn->node);
            const bool registers = std::any_of(luns.begin(), luns.end(), [&](const ScsiLun& lun) {
                const bool skipped = machine_.bootorder_halts && !in_bootorder(lun.device->properties);
                return lun.outcome == ScsiLunOutcome::Registered && !skipped;
            });
            const int vp = allocate(label(*fn) + " struct vp_device", VP_DEVICE_SIZE, MALLOC_MIN_ALIGN);
            const int vq = allocate(label(*fn) + " virtqueue", VRING_VIRTQUEUE_SIZE, SEABIOS_PAGE_SIZE);
            if (registers) continue;
            free_later(vp);
            free_later(vq);
            scsi_steps_.push_back({vp, vq});
        }
        virtio_scsi_count_ = scsi_steps_.size();
    }

    // src/hw/nvme.c nvme_controller_setup: the controller and admin queues before the first command,
    // the I/O queues after "identify controller", the shared bounce buffer when the first active
    // namespace is probed. QEMU reports 256 namespaces with or without a drive; only drives are active.
    void nvme_setup() {
        const auto nvme = found_with([&](const PciNode& n) {
            return n.function.class_code == PCI_CLASS_STORAGE_NVME && n.function.driver == "nvme" && !skipped_as_unbootable(n);
        });
        std::vector<const FoundFunction*> enabled;
        nvme_first_step_ = static_cast<int>(plan_.steps.size());
        for (const FoundFunction* fn : nvme) {
            if (!membar_usable(*fn, PCI_BASE_ADDRESS_0)) continue;
            enabled.push_back(fn);
            const std::string who = label(*fn);
            allocate(who + " struct nvme_ctrl", NVME_CTRL_SIZE, MALLOC_MIN_ALIGN);
            allocate(who + " admin completion queue", NVME_PAGE_SIZE, NVME_PAGE_SIZE);
            allocate(who + " admin submission queue", NVME_PAGE_SIZE, NVME_PAGE_SIZE);
        }
        bool active_namespace = false;
        for (const FoundFunction* fn : enabled) {
            const std::string who = label(*fn);
            // nvme_create_io_cq / _sq: 1 + CAP.MQES entries, at most NVME_PAGE_SIZE / sizeof(cqe) (sic).
            const u64 entries = std::min<u64>(property_uint(*fn->node, "mqes", QEMU_NVME_MQES_DEFAULT) + 1, NVME_PAGE_SIZE / NVME_CQE_SIZE);
            allocate(who + " I/O completion queue", static_cast<u32>(entries * NVME_CQE_SIZE), NVME_PAGE_SIZE);
            allocate(who + " I/O submission queue", static_cast<u32>(entries * NVME_SQE_SIZE), NVME_PAGE_SIZE);
            if (has_namespace(*fn->node)) active_namespace = true;
        }
        if (active_namespace) allocate("NVMe DMA bounce buffer (nvme_dma_buffer)", NVME_PAGE_SIZE, NVME_PAGE_SIZE);
        nvme_end_step_ = static_cast<int>(plan_.steps.size());
        if (!enabled.empty() && virtio_scsi_count_ > 0) {
            race_ = true;
            plan_.notes.push_back(
                "SeaBIOS ZoneHigh: virtio-scsi without disks frees its queue when its target scan ends, which races "
                "with NVMe initialisation; the e820 table assumes the usual order (the scan ends after NVMe's "
                "allocations), and e820_alternatives gives the tables of the other orders (the scan ending before "
                "NVMe starts, or between two of its allocations), seen in a minority of boots.");
        }
    }

    // With HALT in the bootorder, SeaBIOS 1.16 skips a virtio-blk, virtio-scsi or NVMe controller whose path no
    // entry starts with (src/hw/virtio-blk.c virtio_blk_setup, virtio-scsi.c virtio_scsi_setup, nvme.c
    // nvme_controller_setup: bootprio_find_pci_device < 0): one that has no bootindex and no device on it with one.
    // SeaBIOS names every bridge "pci-bridge" and the device "*" (src/boot.c build_pci_path), as QEMU's paths of
    // bridges of class 0604 read, so the entry of a device below a controller starts with the controller's path.
    bool skipped_as_unbootable(const PciNode& controller) const {
        if (!machine_.bootorder_halts || in_bootorder(controller.properties)) return false;
        for (const auto& d : machine_.bus_devices) {
            if (in_bootorder(d.properties) && sits_on(d, controller)) return false;
        }
        return true;
    }

    // A bus device on this controller: nvme-ns on its NVMe (bus named by the controller's id), scsi-* on its
    // SCSI bus ("<id>.0"). Without bus= QEMU takes the first free bus of the type, which this model knows only
    // when the controller is the only one that has such a bus.
    bool sits_on(const DeviceSpec& device, const PciNode& controller) const {
        const bool nvme_ns = device.driver == "nvme-ns";
        const bool scsi = device.driver.starts_with("scsi-");
        if (!nvme_ns && !scsi) return false;
        const auto has_bus = [&](const PciNode& n) {
            return nvme_ns ? n.function.driver == "nvme" : is_virtio(n, PCI_DEVICE_ID_VIRTIO_SCSI_09, PCI_DEVICE_ID_VIRTIO_SCSI_10);
        };
        if (!has_bus(controller)) return false;
        if (device.bus) return !controller.id.empty() && *device.bus == (nvme_ns ? controller.id : controller.id + ".0");
        if (found_with(has_bus).size() == 1) return true;
        throw UnsupportedError(fmt::format("{}: a {} with a bootindex and no bus= under -boot strict=on: which of the "
                                           "controllers QEMU puts it on decides which one SeaBIOS skips, and is not "
                                           "modelled; give bus=",
                                           device.where.text, device.driver));
    }

    bool has_namespace(const PciNode& nvme) const {
        if (nvme.properties.has("drive")) return true;
        return any_bus_device([&](const DeviceSpec& d) {
            return d.driver == "nvme-ns" && (!d.bus || (!nvme.id.empty() && *d.bus == nvme.id));
        });
    }

    void late_frees() {
        late_.insert(late_.end(), xhci_steps_.begin(), xhci_steps_.end());
        for (int step : late_) {
            plan_.steps.push_back({HighZoneStep::Kind::Free, "free " + plan_.steps[static_cast<std::size_t>(step)].what, 0, 0, step});
        }
        usb_scan_race();
        if (!race_) return;
        // Every non-empty set of controllers whose scan ends first.
        const std::size_t controllers = scsi_steps_.size();
        if (controllers > MAX_RACING_SCSI_CONTROLLERS) {
            throw UnsupportedError(fmt::format("SeaBIOS model: {} virtio-scsi controllers racing NVMe give {} possible "
                                               "e820 tables; aperture lists them for at most {} controllers",
                                               controllers, (u64{1} << std::min<std::size_t>(controllers, 63)),
                                               MAX_RACING_SCSI_CONTROLLERS));
        }
        // NVMe's thread yields while it waits for each command, so a scan can end between any two of its
        // allocations (seen on real boots under load: a table between the usual one and the scan-first one).
        for (std::size_t mask = 1; mask < (std::size_t{1} << controllers); ++mask) {
            std::vector<int> early;
            for (std::size_t c = 0; c < controllers; ++c) {
                if (mask & (std::size_t{1} << c)) early.insert(early.end(), scsi_steps_[c].begin(), scsi_steps_[c].end());
            }
            for (int at = nvme_first_step_; at < nvme_end_step_; ++at) plan_.alternative_steps.push_back(frees_before(early, at));
        }
    }

    // An EHCI or UHCI with no device taken frees its schedule when its port scan gives up waiting
    // (usb_enumerate: usb_time_sigatt, 100 ms), while devices on an xHCI enumerate one at a time under the
    // controller's reset lock (USB_TIME_RSTRCY and more per device). On a fast guest the xHCI devices have
    // allocated long before; on a slow one (seen on real boots with -icount shift=8) the frees come first
    // or in between. Each such order is an alternative.
    void usb_scan_race() {
        if (usb_scan_frees_.empty() || usb_device_first_step_ == usb_device_end_step_) return;
        for (int at = usb_device_first_step_; at < usb_device_end_step_; ++at) {
            plan_.alternative_steps.push_back(frees_before(usb_scan_frees_, at));
        }
        plan_.notes.push_back(
            "SeaBIOS ZoneHigh: an EHCI/UHCI controller without a device SeaBIOS drives frees its memory when its port "
            "scan times out, which races with the enumeration of the devices on an xHCI controller; the e820 table "
            "assumes the usual order (the xHCI devices first), and e820_alternatives gives the tables of the other "
            "orders, seen when the guest runs slowly.");
    }

    // The same boot with the frees of `early` allocations moved in front of step `at` (one of NVMe's
    // allocations); the Free steps that refer to allocations from that point on follow them to their new index.
    std::vector<HighZoneStep> frees_before(const std::vector<int>& early, int at) const {
        const auto is_scsi_free = [&](const HighZoneStep& step) {
            return step.kind == HighZoneStep::Kind::Free && std::find(early.begin(), early.end(), step.frees) != early.end();
        };
        std::vector<HighZoneStep> moved;
        for (const auto& step : plan_.steps) {
            if (is_scsi_free(step)) moved.push_back(step);
        }
        const int shift = static_cast<int>(moved.size());
        std::vector<HighZoneStep> steps(plan_.steps.begin(), plan_.steps.begin() + at);
        steps.insert(steps.end(), moved.begin(), moved.end());
        for (auto it = plan_.steps.begin() + at; it != plan_.steps.end(); ++it) {
            if (is_scsi_free(*it)) continue;
            HighZoneStep step = *it;
            if (step.kind == HighZoneStep::Kind::Free && step.frees >= at) step.frees += shift;
            steps.push_back(step);
        }
        return steps;
    }

    const Machine& machine_;
    const std::vector<FoundFunction>& found_;
    const std::optional<SeabiosBuiltinAcpi>& builtin_acpi_;
    SeabiosUsbHid usb_hid_;
    HighZonePlan plan_;
    std::vector<int> late_;
    std::vector<int> xhci_steps_;  // xHCI controllers' allocations, freed when no device on them is taken
    std::vector<std::vector<int>> scsi_steps_;  // per virtio-scsi controller: allocations freed when its scan ends
    std::vector<int> usb_scan_frees_;  // EHCI/UHCI allocations freed when their port scan times out
    int usb_device_first_step_ = 0;
    int usb_device_end_step_ = 0;  // one past the last xHCI device allocation
    int nvme_first_step_ = 0;
    int nvme_end_step_ = 0;  // one past NVMe's last allocation
    bool race_ = false;
    std::vector<UsbBootDevice> usb_devices_;
    std::size_t virtio_scsi_count_ = 0;  // those without a registered LUN, which free their queue when the scan ends
    bool chipset_ahci_seen_ = false;     // ahci_ports_with_drive: q35's own AHCI has had its drives
};

u32 string_length(const std::string& s) { return static_cast<u32>(s.size()) + 1; }

}  // namespace

HighZone::HighZone(u32 start, u32 end) : ranges_{{start, end, 0}} {}

std::optional<u32> HighZone::allocate(u32 size, u32 align) {
    for (std::size_t i = 0; i < ranges_.size(); ++i) {
        Range& r = ranges_[i];
        const u32 alloc_end = r.start + r.size;
        if (r.end < size) continue;  // the u32 wrap alloc_new's "new_range_end <= range_end" test catches
        const u32 new_end = (r.end - size) & ~(align - 1);
        if (new_end >= alloc_end && new_end <= r.end) {
            const Range fill{new_end, r.end, size};
            r.end = new_end;
            ranges_.insert(ranges_.begin() + static_cast<std::ptrdiff_t>(i), fill);
            return new_end;
        }
    }
    return std::nullopt;
}

bool HighZone::free(u32 address) {
    for (std::size_t i = 0; i + 1 < ranges_.size(); ++i) {
        if (ranges_[i].start != address || ranges_[i].size == 0) continue;
        Range& below = ranges_[i + 1];
        if (below.end == ranges_[i].start) below.end = ranges_[i].end;
        ranges_.erase(ranges_.begin() + static_cast<std::ptrdiff_t>(i));
        return true;
    }
    return false;
}

u32 HighZone::giveback() const {
    const Range& lowest = ranges_.back();
    return (lowest.end - lowest.start) & ~(SEABIOS_PAGE_SIZE - 1);
}

HighZonePlan plan_high_zone(const Machine& machine, const std::vector<FoundFunction>& functions,
                            const std::optional<SeabiosBuiltinAcpi>& builtin_acpi, SeabiosUsbHid usb_hid) {
    return Planner(machine, functions, builtin_acpi, usb_hid).plan();
}

u64 high_zone_giveback(const HighZonePlan& plan, u64 zone_start, u64 zone_size) {
    if (zone_start + zone_size > 4 * GiB) throw UnsupportedError("SeaBIOS model: ZoneHigh must lie below 4 GiB");
    HighZone zone(static_cast<u32>(zone_start), static_cast<u32>(zone_start + zone_size));
    std::vector<std::optional<u32>> address(plan.steps.size());
    for (std::size_t i = 0; i < plan.steps.size(); ++i) {
        const HighZoneStep& step = plan.steps[i];
        if (step.kind == HighZoneStep::Kind::Allocate) {
            address[i] = zone.allocate(step.size, step.align);
            if (!address[i]) {
                throw UnsupportedError(fmt::format("SeaBIOS model: {} ({} bytes) does not fit in ZoneHigh", step.what, step.size));
            }
        } else if (address.at(static_cast<std::size_t>(step.frees))) {
            zone.free(*address[static_cast<std::size_t>(step.frees)]);
        }
    }
    return zone.giveback();
}

u32 smbios_table_length(const Machine& machine) {
    const std::string& name = machine.type.name;
    const std::string desc = machine.type.family == MachineFamily::Q35 ? Q35_DESC : I440FX_DESC;
    const std::string manufacturer = SMBIOS_MANUFACTURER;
    // SMBIOS_BUILD_TABLE_POST: a structure with strings ends in one more NUL, one without in two.
    u32 length = SMBIOS_TYPE1_SIZE + string_length(manufacturer) + string_length(desc) + string_length(name) + 1;
    length += SMBIOS_TYPE3_SIZE + string_length(manufacturer) + string_length(name) + 1;
    // smbios_get_tables: DIV_ROUND_UP(smp_cpus, smp_cores * smp_threads) type 4 tables, "CPU%2x".
    const unsigned per_socket = std::max(1u, machine.smp.cores * machine.smp.threads);
    const unsigned sockets = std::max(1u, (machine.cpus + per_socket - 1) / per_socket);
    for (unsigned i = 0; i < sockets; ++i) {
        length += SMBIOS_TYPE4_SIZE + string_length(fmt::format("CPU{:2x}", i)) + string_length(manufacturer) +
                  string_length(name) + 1;
    }
    length += SMBIOS_TYPE16_SIZE + 2;
    const u64 dimms = std::max<u64>(1, (machine.memory.ram_size + SMBIOS_MAX_DIMM_SIZE - 1) / SMBIOS_MAX_DIMM_SIZE);
    for (u64 i = 0; i < dimms; ++i) {
        length += SMBIOS_TYPE17_SIZE + string_length(fmt::format("DIMM {}", i)) + string_length(manufacturer) + 1;
    }
    // hw/i386/fw_cfg.c fw_cfg_build_smbios: one type 19 per RAM entry of QEMU's e820 table.
    for (const auto& e : machine.memory.qemu_e820) {
        if (e.type == E820Type::Ram) length += SMBIOS_TYPE19_SIZE + 2;
    }
    length += SMBIOS_TYPE32_SIZE + 2;
    length += SMBIOS_TYPE127_SIZE + 2;
    // QEMU builds no type 0 by default (smbios_build_type_0_table is optional); SeaBIOS adds its own.
    return length + SMBIOS_TYPE0_LENGTH;
}

u64 acpi_tables_bound(const Machine& machine) {
    u64 bridges = 0, ports = 0, functions = 0;
    for (const auto& bus : machine.pci.buses()) {
        for (const auto& node : bus.devices) {
            ++functions;
            if (!node.function.bridge) continue;
            const BridgeKind kind = node.function.bridge->kind;
            if (kind == BridgeKind::PciBridge || kind == BridgeKind::PcieToPciBridge) ++bridges;
            else ++ports;
        }
    }
    const u64 cpus = std::max<u64>({1, machine.cpus, machine.smp.max_cpus});
    return ACPI_BOUND_BASE + bridges * ACPI_BOUND_PER_BRIDGE + ports * ACPI_BOUND_PER_PCIE_PORT + functions * ACPI_BOUND_PER_FUNCTION +
           cpus * ACPI_BOUND_PER_CPU + u64{machine.memory_slots} * ACPI_BOUND_PER_MEMORY_SLOT;
}

}  // namespace aperture::seabios
