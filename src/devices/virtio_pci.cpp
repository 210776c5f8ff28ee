// virtio over PCI (QEMU 7.2 hw/virtio/virtio-pci.c and the per-device hw/virtio/virtio-*-pci.c,
// hw/display/virtio-gpu-pci.c, hw/display/virtio-vga.c).
//
// Every virtio-pci function has up to four BARs, each present or not by its own rule:
//   legacy I/O (BAR 0)      when legacy is on: the legacy header (24 bytes with MSI-X, 20 without) plus the
//                           device's config space, rounded up to a power of two;
//   MSI-X (BAR 1)           when the vector count is accepted by msix_init (1..2048 after truncation to 16 bits);
//   modern PIO notify (2)   4 bytes of I/O with modern-pio-notify=on and modern on;
//   modern memory (BAR 4)   64-bit prefetchable, 16 KiB (or 8 MiB with page-per-vq=on) when modern is on.
// Legacy is on unless disable-legacy=on; "auto" (the default) means off exactly when the device sits
// on a PCI Express bus that is not a root bus (behind a root port or switch port). q35's pcie.0 is a
// root bus, so devices there are transitional. -transitional / -non-transitional names fix legacy
// on / off and have no disable-legacy / disable-modern properties.

#include <algorithm>
#include <string>
#include <fmt/format.h>

#include "devices/device_families.hpp"
#include "devices/msix.hpp"
#include "devices/pci_ids.hpp"
#include "machine/qemu_release.hpp"

namespace aperture {

namespace {

// include/hw/virtio/virtio.h: VIRTIO_QUEUE_MAX
constexpr u64 kVirtioQueueMax = 1024;
// hw/virtio/virtio-pci.c: QEMU_VIRTIO_PCI_QUEUE_MEM_MULT, the notify stride with page-per-vq=on (else 4)
constexpr u64 kNotifyStridePagePerVq = 0x1000;
constexpr u64 kNotifyStrideDefault = 4;
// hw/virtio/virtio-pci.c, virtio_pci_realize: common, isr and device config take 4 KiB each before notify
constexpr u64 kNotifyOffset = 0x3000;
// hw/virtio/virtio-pci.c, virtio_pci_device_plugged: "virtio-pci-io", the modern PIO notify BAR
constexpr u64 kModernPioNotifySize = 4;
// include/standard-headers/linux/virtio_pci.h: VIRTIO_PCI_CONFIG_OFF(msix_enabled)
constexpr u64 kLegacyHeaderWithMsix = 24;
constexpr u64 kLegacyHeaderWithoutMsix = 20;
// hw/virtio/virtio-pci.c, virtio_pci_device_plugged: modern-only devices use 0x1040 + virtio device ID
constexpr std::uint16_t kModernDeviceIdBase = 0x1040;
// hw/9pfs/virtio-9p-pci.c virtio_9p_pci_class_init: pcidev_k->class_id = 0x2 (measured: class 0x0002)
constexpr std::uint16_t kClassVirtio9p = 0x0002;
// include/hw/virtio/virtio-pci.h: DEV_NVECTORS_UNSPECIFIED (vectors=4294967295 means "not given")
constexpr u32 kVectorsUnspecified = 0xffffffff;

// hw/virtio/virtio-pci.c, virtio_pci_realize: legacy I/O 0, MSI-X 1, modern PIO 2, modern memory 4
struct BarIndices {
    int legacy_io;
    int msix;
    int modern_io;
    int modern_memory;
};
constexpr BarIndices kStandardBars{0, 1, 2, 4};
// hw/display/virtio-vga.c, virtio_vga_base_realize: stdvga's VRAM is BAR 0, virtio moves to 2, 4 and 5
constexpr BarIndices kVirtioVgaBars{0, 4, 5, 2};

enum class Transport { Generic, Transitional, NonTransitional };

// What the device behind the proxy decides: its config space size (the legacy BAR's payload), its
// vector count when vectors is unspecified, and its class code. Computing it also checks the
// device's own refusals.
struct DeviceFacts {
    u64 config_size = 0;
    u32 unspecified_vectors = 0;
    std::optional<std::uint16_t> class_code;  // overrides the model's class
};

struct VirtioModel {
    std::string name;
    std::uint16_t virtio_id;         // include/standard-headers/linux/virtio_ids.h
    std::uint16_t legacy_device_id;  // include/hw/pci/pci.h PCI_DEVICE_ID_VIRTIO_*; 0: modern only
    std::uint16_t class_code;
    bool has_vectors_property;
    // Set where only some releases have the vectors property: the QemuRelease fact that says so.
    bool QemuRelease::*vectors_property_in = nullptr;
    u32 default_vectors;
    BarIndices bars;
    std::string default_romfile;
    DeviceFacts (*facts)(const DeviceProperties&, const PlugContext&);
    std::vector<std::string> layout_properties;
    std::vector<std::string> neutral_properties;
    bool has_transitional_names;
};

// --- per-device facts ---

// hw/net/virtio-net.c feature_sizes: the config space ends after the last field a host feature needs.
DeviceFacts virtio_net_facts(const DeviceProperties& properties, const PlugContext&) {
    // include/standard-headers/linux/virtio_net.h struct virtio_net_config: endof(mac), endof(status),
    // endof(max_virtqueue_pairs), endof(mtu), endof(duplex), endof(supported_hash_types)
    constexpr u64 kEndOfMac = 6, kEndOfStatus = 8, kEndOfMaxQueuePairs = 10, kEndOfMtu = 12, kEndOfDuplex = 17,
                  kEndOfSupportedHashTypes = 24;
    u64 size = kEndOfMac;  // VIRTIO_NET_F_MAC is always added for the size (virtio_net_set_config_size)
    if (properties.boolean_or("status", true)) size = kEndOfStatus;
    if (properties.boolean_or("mq", false)) size = kEndOfMaxQueuePairs;
    if (properties.uint16("host_mtu").value_or(0) != 0) size = kEndOfMtu;
    // virtio_net_device_realize checks duplex, then speed.
    if (auto duplex = properties.string("duplex")) {
        if (*duplex != "half" && *duplex != "full") {
            properties.refuse("property 'duplex' must be 'half' or 'full'", "'duplex' must be 'half' or 'full'");
        }
        size = kEndOfDuplex;
    }
    const auto speed = properties.int32("speed").value_or(-1);
    if (speed < -1) {
        properties.refuse("property 'speed' must be between 0 and INT_MAX, or -1 for unknown",
                          "'speed' must be between 0 and INT_MAX");
    }
    if (speed >= 0) size = std::max(size, kEndOfDuplex);
    if (properties.boolean_or("rss", false) || properties.boolean_or("hash", false)) size = kEndOfSupportedHashTypes;
    // hw/virtio/virtio-net-pci.c: 2 * MAX(netdev queues, 1) + config + control vectors. The netdev's
    // queues= is not visible here; aperture assumes a single-queue netdev.
    return {.config_size = size, .unspecified_vectors = 2 * 1 + 2, .class_code = std::nullopt};
}

// hw/block/virtio-blk.c feature_sizes and VIRTIO_BLK_CFG_SIZE (endof num_queues).
DeviceFacts virtio_blk_facts(const DeviceProperties& properties, const PlugContext& context) {
    // include/standard-headers/linux/virtio_blk.h struct virtio_blk_config: endof(num_queues),
    // endof(discard_sector_alignment), endof(write_zeroes_may_unmap)
    constexpr u64 kEndOfNumQueues = 36, kEndOfDiscard = 48, kEndOfWriteZeroes = 60;
    // hw/block/virtio-blk.c: VIRTIO_BLK_AUTO_NUM_QUEUES, num-queues' default
    constexpr std::uint16_t kAutoNumQueues = 0xffff;
    if (!properties.string("drive")) properties.refuse("property 'drive' must be set", "drive property not set");
    u64 size = kEndOfNumQueues;
    if (properties.boolean_or("discard", true)) size = kEndOfDiscard;
    if (properties.boolean_or("write-zeroes", true)) size = kEndOfWriteZeroes;
    u64 queues = properties.uint16("num-queues").value_or(kAutoNumQueues);
    if (queues == kAutoNumQueues) queues = std::min<u64>(context.boot_cpus, kVirtioQueueMax);
    if (queues == 0) {
        properties.refuse("property 'num-queues' must be larger than 0", "num-queues property must be larger than 0");
    }
    if (queues > kVirtioQueueMax) {
        // virtio_add_queue aborts without a message once VIRTIO_QUEUE_MAX queues exist.
        properties.refuse_abort(
            "property 'num-queues' is " + std::to_string(queues) + ", above VIRTIO_QUEUE_MAX (1024)", "");
    }
    DeviceFacts facts{.config_size = size, .unspecified_vectors = static_cast<u32>(queues + 1), .class_code = {}};
    // hw/virtio/virtio-blk-pci.c: class= (uint32) replaces the class word when not 0
    if (auto class_code = properties.uint32("class"); class_code && *class_code != 0) {
        facts.class_code = static_cast<std::uint16_t>(*class_code & 0xffff);
    }
    return facts;
}

// hw/scsi/virtio-scsi.c: struct virtio_scsi_config is 36 bytes; num_queues + 2 fixed queues (control, event).
DeviceFacts virtio_scsi_facts(const DeviceProperties& properties, const PlugContext& context) {
    constexpr u64 kConfigSize = 36;
    // include/hw/virtio/virtio-scsi.h: VIRTIO_SCSI_VQ_NUM_FIXED, VIRTIO_SCSI_AUTO_NUM_QUEUES
    constexpr u64 kFixedQueues = 2;
    constexpr u32 kAutoNumQueues = 0xffffffff;
    u64 queues = properties.uint32("num_queues").value_or(kAutoNumQueues);
    if (queues == kAutoNumQueues) queues = std::min<u64>(context.boot_cpus, kVirtioQueueMax - kFixedQueues);
    if (queues == 0 || queues > kVirtioQueueMax - kFixedQueues) {
        properties.refuse(
            "property 'num_queues' is " + std::to_string(queues) + "; it must be between 1 and 1022",
            "Invalid number of queues (= " + std::to_string(queues) + "), must be a positive integer less than 1022.");
    }
    // hw/virtio/virtio-scsi-pci.c: num_queues + VIRTIO_SCSI_VQ_NUM_FIXED + 1 (config)
    return {.config_size = kConfigSize,
            .unspecified_vectors = static_cast<u32>(queues + kFixedQueues + 1),
            .class_code = {}};
}

// hw/virtio/virtio-rng.c has no config space; hw/virtio/virtio-rng-pci.c: 2 vectors when unspecified.
DeviceFacts virtio_rng_facts(const DeviceProperties&, const PlugContext&) {
    return {.config_size = 0, .unspecified_vectors = 2, .class_code = {}};
}

// hw/virtio/virtio-balloon.c, virtio_balloon_config_size.
DeviceFacts virtio_balloon_facts(const DeviceProperties& properties, const PlugContext&) {
    // include/standard-headers/linux/virtio_balloon.h: offsetof(free_page_hint_cmd_id),
    // offsetof(poison_val), sizeof(struct virtio_balloon_config)
    constexpr u64 kUpToActual = 8, kUpToFreePageHint = 12, kFullConfig = 16;
    const bool free_page_hint = properties.boolean_or("free-page-hint", false);
    if (free_page_hint && !properties.string("iothread")) {
        properties.refuse("property 'free-page-hint' requires 'iothread' to be set",
                          "'free-page-hint' requires 'iothread' to be set");
    }
    u64 size = kUpToActual;
    if (properties.boolean_or("qemu-4-0-config-size", false) || properties.boolean_or("page-poison", true)) {
        size = kFullConfig;
    } else if (free_page_hint) {
        size = kUpToFreePageHint;
    }
    // hw/virtio/virtio-balloon-pci.c forces PCI_CLASS_OTHERS; from 10.0 it takes 2 vectors when unspecified.
    return {.config_size = size, .unspecified_vectors = 2, .class_code = pci_ids::kClassOthers};
}

// hw/char/virtio-serial-bus.c: struct virtio_console_config, emerg_wr only with emergency-write=on.
DeviceFacts virtio_serial_facts(const DeviceProperties& properties, const PlugContext&) {
    constexpr u64 kUpToEmergencyWrite = 8, kFullConfig = 12;
    // hw/char/virtio-serial-bus.c: max_ports default 31; VIRTIO_QUEUE_MAX / 2 - 1 at most
    constexpr u64 kDefaultMaxPorts = 31;
    constexpr u64 kMaxPorts = kVirtioQueueMax / 2 - 1;
    const u64 max_ports = properties.uint32("max_ports").value_or(kDefaultMaxPorts);
    if (max_ports == 0) {
        properties.refuse("property 'max_ports' must not be 0", "Maximum number of serial ports not specified");
    }
    if (max_ports > kMaxPorts) {
        properties.refuse("property 'max_ports' is above 511", "maximum ports supported: 511");
    }
    DeviceFacts facts{.config_size = properties.boolean_or("emergency-write", true) ? kFullConfig : kUpToEmergencyWrite,
                      .unspecified_vectors = static_cast<u32>(max_ports + 1),
                      .class_code = pci_ids::kClassCommunicationOther};
    // hw/virtio/virtio-serial-pci.c: class= is kept only if it is one of three historical values.
    const u32 class_code = properties.uint32("class").value_or(0);
    if (class_code == pci_ids::kClassDisplayOther || class_code == pci_ids::kClassOthers) {
        facts.class_code = static_cast<std::uint16_t>(class_code);
    }
    return facts;
}

// hw/9pfs/virtio-9p-device.c virtio_9p_device_realize: struct virtio_9p_config (a u16 tag length) then the
// mount tag; hw/9pfs/9p.c v9fs_device_realize_common refuses a device without an fsdev or mount tag.
DeviceFacts virtio_9p_facts(const DeviceProperties& properties, const PlugContext&) {
    constexpr u64 kTagLengthField = 2;
    constexpr u64 kMaxTagLength = 31;  // hw/9pfs/9p.h MAX_TAG_LEN (32) less the NUL; QEMU 7.2 and 10.0 measured
    const auto fsdev = properties.string("fsdev");
    if (!fsdev) properties.refuse("property 'fsdev' must name an -fsdev", "9pfs device couldn't find fsdev with the id = NULL");
    const auto tag = properties.string("mount_tag");
    if (!tag || tag->empty()) {
        properties.refuse("property 'mount_tag' must be set (or -virtfs ...,mount_tag= used)",
                          "fsdev with id " + *fsdev + " needs mount_tag arguments");
    }
    if (tag->size() > kMaxTagLength) {
        properties.refuse("mount_tag '" + *tag + "' is longer than 31 bytes",
                          "mount tag '" + *tag + "' (" + std::to_string(tag->size()) + " bytes) is longer than maximum (31 bytes)");
    }
    // hw/9pfs/virtio-9p-pci.c: 2 vectors.
    return {.config_size = kTagLengthField + tag->size(), .unspecified_vectors = 2, .class_code = {}};
}

// hw/input/virtio-input-host.c virtio_input_host_realize: "evdev property is required".
DeviceFacts virtio_input_host_facts(const DeviceProperties& properties, const PlugContext&) {
    if (!properties.string("evdev")) properties.refuse("property 'evdev' must name the host's /dev/input/eventN", "evdev property is required");
    return {};
}

// Modern-only devices (virtio_pci_force_virtio_1): no legacy BAR, so no config size needed.
DeviceFacts modern_only_facts(const DeviceProperties&, const PlugContext&) { return {}; }

// --- the proxy ---

struct Modes {
    bool legacy;
    bool modern;
};

Modes resolve_modes(const VirtioModel& model, Transport transport, const DeviceProperties& properties,
                    const PlugContext& context) {
    const bool pcie_port = context.bus_is_express && !context.bus_is_root;
    Modes modes{};
    if (transport == Transport::Generic) {
        const auto disable_legacy = properties.on_off_auto("disable-legacy");
        const bool legacy_disabled = disable_legacy == DeviceProperties::OnOffAuto::Auto
                                         ? pcie_port
                                         : disable_legacy == DeviceProperties::OnOffAuto::On;
        modes = {.legacy = !legacy_disabled, .modern = !properties.boolean_or("disable-modern", false)};
    } else {
        modes = {.legacy = transport == Transport::Transitional, .modern = true};
    }
    if (!modes.legacy && !modes.modern) {
        // QEMU adds the hint "Set either disable-modern or disable-legacy to off" on a line of its own.
        properties.refuse("neither modern nor legacy virtio is enabled; set disable-modern or disable-legacy to off",
                          "device cannot work as neither modern nor legacy mode is enabled");
    }
    if (model.legacy_device_id == 0) modes = {.legacy = false, .modern = true};  // virtio_pci_force_virtio_1
    return modes;
}

PciFunctionSpec build_virtio(const VirtioModel& model, Transport transport, const std::string& driver,
                             const DeviceProperties& properties, const PlugContext& context) {
    const Modes modes = resolve_modes(model, transport, properties, context);
    const DeviceFacts facts = model.facts(properties, context);
    if (modes.legacy && properties.boolean_or("iommu_platform", false)) {
        properties.refuse("iommu_platform=on needs a modern-only device: set disable-legacy=on",
                          "VIRTIO_F_IOMMU_PLATFORM was supported by neither legacy nor transitional device");
    }

    u32 vectors = 0;
    const bool has_vectors = model.has_vectors_property || (model.vectors_property_in && (*context.qemu).*model.vectors_property_in);
    if (!has_vectors && properties.string("vectors")) {
        properties.refuse(fmt::format("{} has no property 'vectors' in {}", driver, context.qemu->display_name),
                          fmt::format("Property '{}.vectors' not found", driver));
    }
    if (has_vectors) {
        vectors = properties.uint32("vectors").value_or(model.default_vectors);
        if (vectors == kVectorsUnspecified && facts.unspecified_vectors != 0) vectors = facts.unspecified_vectors;
    }
    // msix_init_exclusive_bar takes an unsigned short; a refused count leaves the device without MSI-X.
    std::optional<u64> msix_bar;
    if (vectors != 0) msix_bar = msix_exclusive_bar_size(static_cast<std::uint16_t>(vectors & 0xffff));

    PciFunctionSpec spec;
    spec.driver = driver;
    spec.vendor_id = pci_ids::kVendorRedHatQumranet;
    spec.device_id =
        modes.legacy ? model.legacy_device_id : static_cast<std::uint16_t>(kModernDeviceIdBase + model.virtio_id);
    spec.class_code = facts.class_code.value_or(model.class_code);

    if (modes.legacy) {
        const u64 header = msix_bar ? kLegacyHeaderWithMsix : kLegacyHeaderWithoutMsix;
        spec.bars.push_back(BarSpec::io(model.bars.legacy_io, *power_of_two_ceil(header + facts.config_size)));
    }
    if (msix_bar) spec.bars.push_back(BarSpec::memory32(model.bars.msix, *msix_bar, Prefetchable::No));
    if (modes.modern) {
        if (properties.boolean_or("modern-pio-notify", false)) {
            spec.bars.push_back(BarSpec::io(model.bars.modern_io, kModernPioNotifySize));
        }
        const u64 stride = properties.boolean_or("page-per-vq", false) ? kNotifyStridePagePerVq : kNotifyStrideDefault;
        const u64 modern_size = *power_of_two_ceil(kNotifyOffset + stride * kVirtioQueueMax);
        spec.bars.push_back(BarSpec::memory64(model.bars.modern_memory, modern_size, Prefetchable::Yes));
    }
    return spec;
}

// virtio-vga: stdvga's VRAM in BAR 0 in front of a virtio-gpu (hw/display/virtio-vga.c).
PciFunctionSpec build_virtio_vga(const VirtioModel& model, const DeviceProperties& properties,
                                 const PlugContext& context) {
    // hw/display/virtio-vga.c, virtio_vga_base_realize: vram_size_mb = 8, BAR 0 32-bit prefetchable
    constexpr u64 kVgaRamSize = 8 * MiB;
    constexpr int kVgaRamBar = 0;
    PciFunctionSpec spec = build_virtio(model, Transport::Generic, "virtio-vga", properties, context);
    spec.bars.push_back(BarSpec::memory32(kVgaRamBar, kVgaRamSize, Prefetchable::Yes));
    std::sort(spec.bars.begin(), spec.bars.end(), [](const BarSpec& a, const BarSpec& b) { return a.index < b.index; });
    return spec;
}

std::vector<std::string> proxy_layout_properties(Transport transport, bool has_vectors) {
    std::vector<std::string> names{"page-per-vq", "modern-pio-notify", "iommu_platform"};
    if (transport == Transport::Generic) {
        names.push_back("disable-legacy");
        names.push_back("disable-modern");
    }
    if (has_vectors) names.push_back("vectors");
    return names;
}

const std::vector<std::string>& proxy_neutral_properties() {
    static const std::vector<std::string> names{"aer",
                                                "any_layout",
                                                "ats",
                                                "event_idx",
                                                "indirect_desc",
                                                "migrate-extra",
                                                "notify_on_empty",
                                                "packed",
                                                "queue_reset",
                                                "use-disabled-flag",
                                                "use-started",
                                                "virtio-pci-bus-master-bug-migration",
                                                "x-ats-page-aligned",
                                                "x-disable-legacy-check",
                                                "x-disable-pcie",
                                                "x-ignore-backend-features",
                                                "x-pcie-deverr-init",
                                                "x-pcie-flr-init",
                                                "x-pcie-lnkctl-init",
                                                "x-pcie-pm-init"};
    return names;
}

std::vector<VirtioModel> virtio_models() {
    // include/hw/pci/pci.h PCI_DEVICE_ID_VIRTIO_*; include/standard-headers/linux/virtio_ids.h VIRTIO_ID_*
    return {
        VirtioModel{
            .name = "virtio-net-pci",
            .virtio_id = 1,
            .legacy_device_id = 0x1000,
            .class_code = pci_ids::kClassNetworkEthernet,
            .has_vectors_property = true,
            .default_vectors = kVectorsUnspecified,
            .bars = kStandardBars,
            .default_romfile = "efi-virtio.rom",
            .facts = virtio_net_facts,
            .layout_properties = {"status", "mq", "host_mtu", "speed", "duplex", "rss", "hash"},
            .neutral_properties = {"bootindex",
                                   "csum",
                                   "ctrl_guest_offloads",
                                   "ctrl_mac_addr",
                                   "ctrl_rx",
                                   "ctrl_rx_extra",
                                   "ctrl_vlan",
                                   "ctrl_vq",
                                   "failover",
                                   "gso",
                                   "guest_announce",
                                   "guest_csum",
                                   "guest_ecn",
                                   "guest_rsc_ext",
                                   "guest_tso4",
                                   "guest_tso6",
                                   "guest_ufo",
                                   "host_ecn",
                                   "host_tso4",
                                   "host_tso6",
                                   "host_ufo",
                                   "ioeventfd",
                                   "mac",
                                   "mrg_rxbuf",
                                   "netdev",
                                   "rsc_interval",
                                   "rx_queue_size",
                                   "tx",
                                   "tx_queue_size",
                                   "x-mtu-bypass-backend",
                                   "x-txburst",
                                   "x-txtimer"},
            .has_transitional_names = true,
        },
        VirtioModel{
            .name = "virtio-blk-pci",
            .virtio_id = 2,
            .legacy_device_id = 0x1001,
            .class_code = pci_ids::kClassStorageScsi,
            .has_vectors_property = true,
            .default_vectors = kVectorsUnspecified,
            .bars = kStandardBars,
            .default_romfile = "",
            .facts = virtio_blk_facts,
            .layout_properties = {"drive", "discard", "write-zeroes", "num-queues", "class"},
            .neutral_properties = {"account-failed",
                                   "account-invalid",
                                   "backend_defaults",
                                   "bootindex",
                                   "config-wce",
                                   "cyls",
                                   "discard_granularity",
                                   "heads",
                                   "ioeventfd",
                                   "iothread",
                                   "lcyls",
                                   "lheads",
                                   "logical_block_size",
                                   "lsecs",
                                   "max-discard-sectors",
                                   "max-write-zeroes-sectors",
                                   "min_io_size",
                                   "opt_io_size",
                                   "physical_block_size",
                                   "queue-size",
                                   "report-discard-granularity",
                                   "request-merging",
                                   "rerror",
                                   "scsi",
                                   "secs",
                                   "seg-max-adjust",
                                   "serial",
                                   "share-rw",
                                   "werror",
                                   "write-cache",
                                   "x-enable-wce-if-config-wce"},
            .has_transitional_names = true,
        },
        VirtioModel{
            .name = "virtio-scsi-pci",
            .virtio_id = 8,
            .legacy_device_id = 0x1004,
            .class_code = pci_ids::kClassStorageScsi,
            .has_vectors_property = true,
            .default_vectors = kVectorsUnspecified,
            .bars = kStandardBars,
            .default_romfile = "",
            .facts = virtio_scsi_facts,
            .layout_properties = {"num_queues"},
            .neutral_properties = {"cmd_per_lun", "hotplug", "ioeventfd", "iothread", "max_sectors", "param_change",
                                   "seg_max_adjust", "virtqueue_size"},
            .has_transitional_names = true,
        },
        VirtioModel{
            .name = "virtio-rng-pci",
            .virtio_id = 4,
            .legacy_device_id = 0x1005,
            .class_code = pci_ids::kClassOthers,
            .has_vectors_property = true,
            .default_vectors = kVectorsUnspecified,
            .bars = kStandardBars,
            .default_romfile = "",
            .facts = virtio_rng_facts,
            .layout_properties = {},
            .neutral_properties = {"ioeventfd", "max-bytes", "period", "rng"},
            .has_transitional_names = true,
        },
        VirtioModel{
            .name = "virtio-balloon-pci",
            .virtio_id = 5,
            .legacy_device_id = 0x1002,
            .class_code = pci_ids::kClassOthers,
            .has_vectors_property = false,
            .vectors_property_in = &QemuRelease::virtio_balloon_has_vectors,
            .default_vectors = kVectorsUnspecified,
            .bars = kStandardBars,
            .default_romfile = "",
            .facts = virtio_balloon_facts,
            .layout_properties = {"page-poison", "free-page-hint", "iothread", "qemu-4-0-config-size"},
            .neutral_properties = {"deflate-on-oom", "free-page-reporting", "guest-stats",
                                   "guest-stats-polling-interval"},
            .has_transitional_names = true,
        },
        VirtioModel{
            .name = "virtio-serial-pci",
            .virtio_id = 3,
            .legacy_device_id = 0x1003,
            .class_code = pci_ids::kClassCommunicationOther,
            .has_vectors_property = true,
            .default_vectors = 2,
            .bars = kStandardBars,
            .default_romfile = "",
            .facts = virtio_serial_facts,
            .layout_properties = {"emergency-write", "max_ports", "class"},
            .neutral_properties = {"ioeventfd"},
            .has_transitional_names = true,
        },
        VirtioModel{
            .name = "virtio-9p-pci",
            .virtio_id = 9,
            .legacy_device_id = 0x1009,
            .class_code = kClassVirtio9p,
            .has_vectors_property = true,
            .default_vectors = 2,
            .bars = kStandardBars,
            .default_romfile = "",
            .facts = virtio_9p_facts,
            .layout_properties = {"fsdev", "mount_tag"},
            .neutral_properties = {"ioeventfd"},
            .has_transitional_names = true,
        },
        VirtioModel{
            .name = "virtio-gpu-pci",
            .virtio_id = 16,
            .legacy_device_id = 0,
            .class_code = pci_ids::kClassDisplayOther,
            .has_vectors_property = true,
            .default_vectors = 3,
            .bars = kStandardBars,
            .default_romfile = "",
            .facts = modern_only_facts,
            .layout_properties = {},
            .neutral_properties = {"blob", "edid", "ioeventfd", "max_hostmem", "max_outputs", "xres", "yres"},
            .has_transitional_names = false,
        },
        VirtioModel{
            .name = "virtio-vga",
            .virtio_id = 16,
            .legacy_device_id = 0,
            .class_code = pci_ids::kClassDisplayVga,
            .has_vectors_property = true,
            .default_vectors = 3,
            .bars = kVirtioVgaBars,
            .default_romfile = "vgabios-virtio.bin",
            .facts = modern_only_facts,
            .layout_properties = {},
            .neutral_properties = {"big-endian-framebuffer", "blob", "edid", "ioeventfd", "max_hostmem", "max_outputs",
                                   "xres", "yres"},
            .has_transitional_names = false,
        },
        VirtioModel{
            // hw/virtio/virtio-input-host-pci.c: libvirt's <input type='passthrough' bus='virtio'>; the base
            // class virtio_input_pci_class_init leaves it PCI_CLASS_INPUT_OTHER. Its layout is the other
            // virtio-input devices' (it cannot be measured here: realize opens the host's evdev).
            .name = "virtio-input-host-pci",
            .virtio_id = 18,
            .legacy_device_id = 0,
            .class_code = pci_ids::kClassInputOther,
            .has_vectors_property = true,
            .default_vectors = 2,
            .bars = kStandardBars,
            .default_romfile = "",
            .facts = virtio_input_host_facts,
            .layout_properties = {"evdev"},
            .neutral_properties = {"serial"},
            .has_transitional_names = false,
        },
        VirtioModel{
            .name = "virtio-keyboard-pci",
            .virtio_id = 18,
            .legacy_device_id = 0,
            .class_code = pci_ids::kClassInputKeyboard,
            .has_vectors_property = true,
            .default_vectors = 2,
            .bars = kStandardBars,
            .default_romfile = "",
            .facts = modern_only_facts,
            .layout_properties = {},
            .neutral_properties = {"display", "head", "serial"},
            .has_transitional_names = false,
        },
        VirtioModel{
            .name = "virtio-mouse-pci",
            .virtio_id = 18,
            .legacy_device_id = 0,
            .class_code = pci_ids::kClassInputMouse,
            .has_vectors_property = true,
            .default_vectors = 2,
            .bars = kStandardBars,
            .default_romfile = "",
            .facts = modern_only_facts,
            .layout_properties = {},
            .neutral_properties = {"display", "head", "serial", "wheel-axis"},
            .has_transitional_names = false,
        },
        VirtioModel{
            .name = "virtio-tablet-pci",
            .virtio_id = 18,
            .legacy_device_id = 0,
            .class_code = pci_ids::kClassInputOther,
            .has_vectors_property = true,
            .default_vectors = 2,
            .bars = kStandardBars,
            .default_romfile = "",
            .facts = modern_only_facts,
            .layout_properties = {},
            .neutral_properties = {"display", "head", "serial", "wheel-axis"},
            .has_transitional_names = false,
        },
    };
}

DeviceModel catalog_entry(const VirtioModel& model, Transport transport) {
    std::string name = model.name;
    if (transport == Transport::Transitional) name += "-transitional";
    if (transport == Transport::NonTransitional) name += "-non-transitional";
    std::vector<std::string> layout = proxy_layout_properties(transport, model.has_vectors_property || model.vectors_property_in);
    layout.insert(layout.end(), model.layout_properties.begin(), model.layout_properties.end());
    std::vector<std::string> neutral = proxy_neutral_properties();
    neutral.insert(neutral.end(), model.neutral_properties.begin(), model.neutral_properties.end());
    const bool is_vga = model.name == "virtio-vga";
    // hw/virtio/virtio-pci.c virtio_pci_types_register: every proxy derives from TYPE_VIRTIO_PCI; with
    // transitional names the three concrete types share an abstract "<name>-base". Each proxy embeds the
    // virtio device "virtio-<x>-device" (virtio-vga: hw/display/virtio-vga.c, a virtio-gpu-device).
    std::vector<std::string> qom_types{"virtio-pci"};
    if (model.has_transitional_names) qom_types.push_back(model.name + "-base");
    if (is_vga) qom_types.push_back("virtio-gpu-device");
    else if (model.name.ends_with("-pci")) qom_types.push_back(model.name.substr(0, model.name.size() - 4) + "-device");
    return DeviceModel{
        .name = name,
        .default_romfile = model.default_romfile,
        .layout_neutral_properties = std::move(neutral),
        .layout_properties = std::move(layout),
        .build =
            [model, transport, name, is_vga](const DeviceProperties& properties, const PlugContext& context) {
                if (is_vga) return build_virtio_vga(model, properties, context);
                return build_virtio(model, transport, name, properties, context);
            },
        .qom_types = std::move(qom_types),
    };
}

}  // namespace

std::vector<DeviceModel> device_families::virtio_pci_devices() {
    std::vector<DeviceModel> models;
    for (const VirtioModel& model : virtio_models()) {
        models.push_back(catalog_entry(model, Transport::Generic));
        if (model.has_transitional_names) {
            models.push_back(catalog_entry(model, Transport::Transitional));
            models.push_back(catalog_entry(model, Transport::NonTransitional));
        }
    }
    return models;
}

}  // namespace aperture
