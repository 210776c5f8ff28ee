#include "machine/spapr/machine_type.hpp"

#include <charconv>
#include <fmt/format.h>

#include "core/error.hpp"
#include "machine/spapr/spapr_constants.hpp"

namespace aperture::spapr {

namespace {

std::optional<MachineVersion> parse_version(std::string_view text) {
    const auto dot = text.find('.');
    if (dot == std::string_view::npos) return std::nullopt;
    MachineVersion v;
    const char* end = text.data() + text.size();
    auto [p1, e1] = std::from_chars(text.data(), text.data() + dot, v.major);
    auto [p2, e2] = std::from_chars(text.data() + dot + 1, end, v.minor);
    if (e1 != std::errc() || e2 != std::errc() || p1 != text.data() + dot || p2 != end) return std::nullopt;
    return v;
}

// The machine types each release defines between 2.1 and its newest: hw/ppc/spapr.c DEFINE_SPAPR_MACHINE.
// QEMU numbers them x.0, x.1, x.2 (2.x ran to 2.12; 3.x to 3.1).
bool release_defines(QemuRelease release, MachineVersion v) {
    if (v < OLDEST_MACHINE || v > release_info(release).latest_machine) return false;
    if (v.major == 2) return v.minor >= 1 && v.minor <= 12;
    if (v.major == 3) return v.minor <= 1;
    return v.minor >= 0 && v.minor <= 2;
}

// One device compat property of old pseries machine types: hw/core/machine.c hw_compat_X_Y, which
// spapr_machine_X_Y_class_options adds (hw/ppc/spapr.c) and every older type inherits. Only the entries
// that reach a device aperture models and change what it models are listed; the others of QEMU 7.2's
// tables (and of hw_compat_7_2 .. 8_1, which 8.1 and 8.2 add) move no BAR (docs/pseries.md, "Against the real thing").
struct DeviceCompat {
    MachineVersion newest;  // the newest machine type it applies to
    const char* driver;     // the QOM type it names
    const char* property;
    const char* value;
    bool optional;
    bool ReleaseInfo::*only_in = nullptr;  // set where only some releases have the entry: the fact that says so
};

// Newest first, as the class options chain adds them (a later entry overrides an earlier one).
constexpr DeviceCompat kDeviceCompat[] = {
    // hw_compat_7_1 (the transitional names from 7.2.1): no MSI-X BAR1.
    {{7, 1}, "virtio-rng-pci", "vectors", "0", false},
    {{7, 1}, "virtio-rng-pci-transitional", "vectors", "0", false},
    {{7, 1}, "virtio-rng-pci-non-transitional", "vectors", "0", false},
    // hw_compat_5_2: 3 vectors (the MSI-X BAR stays 4 KiB).
    {{5, 2}, "virtio-net-pci-base", "vectors", "3", false},
    // hw_compat_5_2 (a 9.0 change in the 7.2.11+ stable releases, so in Debian 12's 7.2): BAR0 of the registers
    // alone (8 KiB) and the MSI-X table and PBA in a BAR4 of their own, instead of one 16 KiB BAR0.
    {{5, 2}, "nvme", "msix-exclusive-bar", "on", false, &ReleaseInfo::nvme_msix_exclusive_bar_compat},
    // hw_compat_5_1: IDs 8086:5845.
    {{5, 1}, "nvme", "use-intel-id", "on", false},
    // hw_compat_5_1: one queue, so vectors 2 (4), not one per vCPU: the MSI-X BAR of a many-vCPU guest.
    {{5, 1}, "virtio-blk-device", "num-queues", "1", false},
    {{5, 1}, "virtio-scsi-device", "num_queues", "1", false},
    // hw_compat_5_0: no poison_val in the config space: the legacy IO BAR0 is 32 bytes, not 64.
    {{5, 0}, "virtio-balloon-device", "page-poison", "false", false},
    // hw_compat_4_0: the full config space again (pseries-4.0 only: hw_compat_3_1 turns it off below).
    {{4, 0}, "virtio-balloon-device", "qemu-4-0-config-size", "true", false},
    // hw_compat_3_1: no discard / write-zeroes fields: the legacy IO BAR0 is 64 bytes, not 128.
    {{3, 1}, "virtio-blk-device", "discard", "false", false},
    {{3, 1}, "virtio-blk-device", "write-zeroes", "false", false},
    {{3, 1}, "virtio-balloon-device", "qemu-4-0-config-size", "false", false},
    // hw_compat_2_11: 2 vectors whatever num-queues says.
    {{2, 11}, "virtio-blk-pci", "vectors", "2", false},
    // hw_compat_2_9 / hw_compat_2_8: no SHPC (no BAR0) on pseries-2.9, SHPC again on 2.8 and older.
    {{2, 9}, "pci-bridge", "shpc", "off", false},
    {{2, 8}, "pci-bridge", "shpc", "on", false},
    // hw_compat_2_7: the modern BAR4 is 8 MiB (a page per queue), not 16 KiB.
    {{2, 7}, "virtio-pci", "page-per-vq", "on", false},
    // hw_compat_2_6: legacy only, no modern BAR4 (optional: -transitional / -non-transitional lack them).
    {{2, 6}, "virtio-pci", "disable-modern", "on", true},
    {{2, 6}, "virtio-pci", "disable-legacy", "off", true},
};

}  // namespace

std::vector<GlobalSpec> pseries_device_compat(MachineVersion version, QemuRelease release) {
    std::vector<GlobalSpec> globals;
    for (const auto& c : kDeviceCompat) {
        if (version > c.newest) continue;
        if (c.only_in != nullptr && !(release_info(release).*c.only_in)) continue;
        globals.push_back(GlobalSpec{c.driver, c.property, c.value,
                                     {fmt::format("the pseries-{}.{} compat property {}.{}={}", version.major, version.minor,
                                                  c.driver, c.property, c.value)},
                                     c.optional});
    }
    return globals;
}

bool is_pseries_machine_name(const std::string& written) {
    return written == "pseries" || written.starts_with("pseries-");
}

PseriesDefaults pseries_defaults(MachineVersion v, QemuRelease release) {
    PseriesDefaults d;
    // spapr_phb_properties defaults, then each compat level in turn (newest first, as the class options chain).
    d.mem_win_size = MEM32_WIN_SIZE;
    d.mem64_win_size = MEM64_WIN_SIZE;
    d.page_size_mask = DEFAULT_PAGE_SIZE_MASK;
    d.nvlink2_windows = release_info(release).has_nvlink2;
    // spapr_machine_4_1_class_options: pgsz 0x11000; linux_pci_probe = false.
    if (v <= MachineVersion{4, 1}) {
        d.page_size_mask = PSERIES_4_1_PAGE_SIZE_MASK;
        d.linux_pci_probe = false;
    }
    // spapr_machine_4_0_class_options: phb_placement_4_0 zeroes nv2gpa / nv2atsd.
    if (v <= MachineVersion{4, 0}) d.nvlink2_windows = false;
    // spapr_machine_3_1_class_options: dr_phb_enabled = false.
    if (v <= MachineVersion{3, 1}) d.dr_phb_enabled = false;
    // spapr_machine_2_7_class_options: phb_placement_2_7, mem_win_size 0xf80000000, mem64_win_size 0.
    if (v <= MachineVersion{2, 7}) {
        d.placement = PhbPlacementStyle::Legacy;
        d.mem_win_size = LEGACY_MEM_WIN_SIZE;
        d.mem64_win_size = 0;
    }
    // spapr_machine_2_6_class_options: ddw off.
    if (v <= MachineVersion{2, 6}) d.ddw = false;
    // spapr_machine_2_2_class_options: mem_win_size 0x20000000.
    if (v <= MachineVersion{2, 2}) d.mem_win_size = PSERIES_2_2_MEM_WIN_SIZE;
    d.device_compat = pseries_device_compat(v, release);
    return d;
}

PseriesMachineType resolve_pseries_machine(const std::string& written, QemuRelease release) {
    const ReleaseInfo& info = release_info(release);
    PseriesMachineType type;
    type.written = written;
    type.release = release;
    if (written == "pseries") {
        type.version = info.latest_machine;
    } else if (!is_pseries_machine_name(written)) {
        // qemu-system-ppc64 has other machines (powernv, mac99, ...); aperture models pseries only.
        throw InputError(fmt::format("-machine {}: not a pseries machine type: aperture models qemu-system-ppc64's pseries machines "
                                     "(pseries, pseries-{}.{} ... pseries-{}.{})",
                                     written, OLDEST_MACHINE.major, OLDEST_MACHINE.minor, info.latest_machine.major, info.latest_machine.minor));
    } else {
        std::string_view rest = std::string_view(written).substr(std::string_view("pseries-").size());
        if (rest.ends_with("-sxxm")) rest.remove_suffix(5);  // pseries-2.12-sxxm: 2.12 with Spectre caps on
        const auto v = parse_version(rest);
        if (!v || !release_defines(release, *v)) {
            throw InputError(fmt::format("-machine {}: unsupported machine type (QEMU {} defines pseries-{}.{} down to "
                                         "pseries-{}.{}; 'qemu-system-ppc64 -machine help' lists them){}",
                                         written, info.name, info.latest_machine.major, info.latest_machine.minor,
                                         OLDEST_MACHINE.major, OLDEST_MACHINE.minor,
                                         v && *v > info.latest_machine ? "; --qemu names a newer release to model (8.1, 8.2)" : ""));
        }
        if (written.ends_with("-sxxm") && *v != MachineVersion{2, 12}) {
            throw InputError(fmt::format("-machine {}: unsupported machine type (only pseries-2.12-sxxm exists)", written));
        }
        type.version = *v;
    }
    type.name = fmt::format("pseries-{}.{}", type.version.major, type.version.minor);
    if (written.ends_with("-sxxm")) type.name += "-sxxm";
    type.defaults = pseries_defaults(type.version, release);
    return type;
}

}  // namespace aperture::spapr
