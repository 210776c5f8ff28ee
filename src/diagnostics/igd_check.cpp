#include "diagnostics/igd_check.hpp"

#include <cstdio>
#include <fmt/format.h>

#include "core/error.hpp"
#include "diagnostics/fix_proof.hpp"
#include "diagnostics/fix_syntax.hpp"

namespace aperture {

namespace {

bool proposing(const CheckInput& in) { return in.search == FixSearch::Propose; }

const char* const kWhyLegacy =
    "without legacy mode QEMU asks the firmware for no stolen memory: the IGD's video BIOS programs the GTT with the "
    "host's stolen-memory addresses, so firmware-time graphics fault in the host IOMMU or land in guest RAM, and "
    "laptop panels stay dark (seed 003)";
const char* const kWhyPlacement =
    "the video BIOS and the i915 driver find the stolen memory through BDSM and the OpRegion (display outputs, "
    "panel data) through ASLS; a register left 0 points them at nothing";

// The first vfio-pci -device passing `host` through.
DeviceSpec* igd_device(VmSpec& spec, const std::string& host) {
    for (auto& d : spec.devices) {
        if (d.driver != "vfio-pci") continue;
        const std::string* h = d.properties.find("host");
        if (!h) h = d.properties.find("sysfsdev");
        if (h && normalize_host_pci_address(*h) == host) return &d;
    }
    return nullptr;
}

bool placed_everything(const Plan& plan) {
    if (plan.outcome != Outcome::Ok || !plan.machine.igd || !plan.machine.igd->legacy || !plan.firmware) return false;
    const auto& placed = plan.firmware->igd;
    return placed && placed->problems.empty() && placed->bdsm && placed->opregion;
}

// The user's own file: aperture cannot know where the host's IGD video BIOS is kept, so the fix names a
// path the user must replace.
constexpr const char* kVbiosPlaceholder = "/path/to/YOUR-igd-vbios.rom";
// The size the fixed VM is planned with: the IGD VBIOS images the GVT-d / IGD passthrough guides dump or
// download are 64 KiB. QEMU sizes the ROM BAR to the file's next power of two, so the plan holds for any
// file up to 64 KiB.
constexpr u64 kIgdVbiosPlannedSize = 64 * KiB;

// <source><address .../></source> of a host PCI address as normalize_host_pci_address writes it
// ("0000:00:02.0").
std::string hostdev_source(const std::string& host) {
    unsigned domain = 0, bus = 0, slot = 0, function = 0;
    if (std::sscanf(host.c_str(), "%x:%x:%x.%x", &domain, &bus, &slot, &function) != 4) {
        return fmt::format("<!-- the host address of {} -->", host);
    }
    return fmt::format("<address domain='{:#06x}' bus='{:#04x}' slot='{:#04x}' function='{:#x}'/>", domain, bus, slot, function);
}

// QEMU (7.2 and since) enables legacy mode only for the IGD at 00:02.0 of an i440fx machine (q35's ICH9 LPC
// holds 00:1f.0 for good), with the slot free of the default VGA, and only when the device has a ROM
// (hw/vfio/igd.c vfio_probe_igd_bar4_quirk: "has no ROM, legacy mode disabled" unless the host's vfio ROM
// region is non-empty or romfile= is given): the smallest change that gets there. The IGD's own -device is
// replaced (never given twice); the other words are added in its place.
std::optional<Fix> legacy_mode_fix(const CheckInput& in, const IgdAssignment& igd) {
    const bool move = igd.refusal == IgdLegacyRefusal::NotAt00020 || igd.refusal == IgdLegacyRefusal::Slot1fTaken;
    if (!move && igd.refusal != IgdLegacyRefusal::NoRom) return std::nullopt;  // no setting changes the IGD's generation
    const bool add_rom = !igd.has_rom;
    VmSpec fixed = in.spec;
    DeviceSpec* device = igd_device(fixed, igd.host);
    if (!device) return std::nullopt;  // the IGD came from elsewhere (a libvirt hostdev without -device words)
    Fix fix;
    std::vector<std::string> steps;
    std::vector<std::string> xml;
    const std::string before = device->written;
    if (move && in.plan.machine.type.family == MachineFamily::Q35) {
        fixed.machine.type = "pc";
        fixed.machine.type_where = SourceLocation{"aperture's fix"};
        // A later -machine merges into the first, its type winning.
        fix.qemu_args.insert(fix.qemu_args.end(), {"-machine", "pc"});
        xml.push_back("<os>\n  <type arch='x86_64' machine='pc'>hvm</type>\n</os>");
        steps.push_back("use -machine pc in place of q35 (q35's ICH9 LPC holds 00:1f.0, which QEMU needs)");
    }
    std::vector<std::string> hostdev{"<hostdev mode='subsystem' type='pci' managed='yes'>", "  <source>", "    " + hostdev_source(normalize_host_pci_address(igd.host)),
                                     "  </source>"};
    if (move) {
        device->bus.reset();
        device->addr = "02.0";
        hostdev.push_back("  <address type='pci' domain='0x0000' bus='0x00' slot='0x02' function='0x0'/>");
        steps.push_back("give the IGD's -device addr=02.0 on the root bus");
    }
    if (add_rom) {
        set_device_property(*device, "romfile", kVbiosPlaceholder);
        hostdev.push_back(fmt::format("  <rom file='{}'/>", kVbiosPlaceholder));
        steps.push_back(fmt::format("give it the IGD's video BIOS as romfile= ({} is a placeholder: the path of YOUR copy of this "
                                    "IGD's VBIOS, dumped from the host or from its firmware update)",
                                    kVbiosPlaceholder));
    }
    hostdev.push_back("</hostdev>");
    const std::string changed = device_option(*device);
    device->written = changed;
    fix.qemu_args.insert(fix.qemu_args.end(), {"-device", changed});
    if (!before.empty()) fix.qemu_replaces = {"-device", before};
    xml.push_back(fmt::format("{}", fmt::join(hostdev, "\n")));
    // The machine creates its default VGA and NIC before any -device, and they take 00:02.0 first.
    if (move && !fixed.defaults.vga && fixed.defaults.default_vga) {
        fixed.defaults.vga = "none";
        fix.qemu_args.insert(fix.qemu_args.end(), {"-vga", "none"});
        xml.push_back("<video><model type='none'/></video>");
        steps.push_back("drop the emulated VGA");
    }
    if (move && fixed.defaults.default_nic && fixed.defaults.nic_models.empty() && !fixed.defaults.nodefaults) {
        fixed.defaults.default_nic = false;
        fix.qemu_args.insert(fix.qemu_args.end(), {"-net", "none"});
        steps.push_back("add the NIC as a -device with its own addr= (the default one would take 00:02.0)");
    }
    fix.summary = fmt::format("{} enables legacy mode only for an IGD {}: {}", in.plan.stack.qemu->display_name,
                              add_rom && !move ? "with a ROM" : add_rom ? "with a ROM at 00:02.0 of an i440fx machine" : "at 00:02.0 of an i440fx machine",
                              fmt::join(steps, "; "));
    std::vector<std::string> costs;
    if (add_rom) {
        costs.push_back("the VBIOS must be this IGD's own (another model's leaves the screen dark) and is yours to obtain; it runs "
                        "only when the guest boots in BIOS mode");
    }
    if (move && in.plan.machine.type.family == MachineFamily::Q35) {
        costs.push_back("an i440fx machine has no PCIe: devices passed through with it lose the PCIe capabilities their drivers may want");
    } else if (move) {
        costs.push_back("00:02.0 is the IGD's: other devices need other addresses");
    }
    fix.trade_off = fmt::format("{}", fmt::join(costs, "; "));
    fix.libvirt_xml = fmt::format("{}", fmt::join(xml, "\n"));
    fix.apply = [fixed, add_rom](CheckSubject& s) {
        s.spec = fixed;
        if (add_rom) s.options.host.rom_files[kVbiosPlaceholder] = kIgdVbiosPlannedSize;
    };
    return fix;
}

Fix seabios_fix(const CheckInput& in) {
    Fix fix;
    fix.summary = fmt::format("boot the VM with SeaBIOS (drop the OVMF -bios / -drive if=pflash options): {} places both",
                              in.options.seabios->identity.display_name);
    fix.libvirt_xml = "<os> without firmware='efi' and without <loader>/<nvram>";
    fix.trade_off = "SeaBIOS boots the guest in legacy BIOS mode: an installed UEFI guest needs reinstalling or converting";
    fix.apply = [](CheckSubject& s) { s.options.firmware = FirmwareKind::SeaBios; };
    PlanOptions options = in.options;
    options.firmware = FirmwareKind::SeaBios;
    try {
        fix.proven = placed_everything(make_plan(in.spec, options));
    } catch (const InputError&) {
        fix.proven = false;
    }
    return fix;
}

}  // namespace

std::optional<Finding> check_igd(const CheckInput& in) {
    if (!in.plan.machine.igd || !in.plan.firmware) return std::nullopt;
    const IgdAssignment& igd = *in.plan.machine.igd;
    const std::optional<IgdPlacement>& placed = in.plan.firmware->igd;
    Finding f;
    f.kind = FindingKind::IgdPlacement;
    f.title = "The Intel IGD's stolen memory (BDSM) and OpRegion (ASLS) are placed below 4 GiB";
    if (!igd.legacy) {
        f.verdict = Verdict::Warn;
        f.evidence = fmt::format("QEMU: {}{}", igd.legacy_refusal,
                                 igd.opregion_size ? "; the OpRegion is still copied (x-igd-opregion=on)"
                                                   : "; no OpRegion either (x-igd-opregion is off)");
        f.why = kWhyLegacy;
        if (!proposing(in)) return f;
        if (auto fix = legacy_mode_fix(in, igd)) f.fixes.push_back(std::move(*fix));
        return f;
    }
    if (!igd.bdsm_size) {
        f.verdict = Verdict::Warn;
        f.evidence = "legacy mode is on, but the host's GMCH register was not read, so the stolen-memory size QEMU asks "
                     "for is unknown";
        f.why = "config space past 64 bytes is readable only as root: run `aperture host --save FILE` as root and plan "
                "with --host FILE";
        return f;
    }
    if (placed) {
        f.subject.bars.push_back({placed->bdf, std::nullopt});
        // The stolen-memory block the guest driver finds through BDSM.
        if (placed->bdsm && igd.bdsm_size && *igd.bdsm_size) f.subject.range = AddressRange::from_start_and_size(*placed->bdsm, *igd.bdsm_size);
    }
    std::vector<std::string> evidence;
    if (placed && placed->bdsm) evidence.push_back(fmt::format("BDSM {:#010x} ({}, e820-reserved)", *placed->bdsm, human_size(*igd.bdsm_size)));
    if (placed && placed->opregion) evidence.push_back(fmt::format("ASLS {:#010x} (OpRegion, {})", *placed->opregion, human_size(placed->opregion_size)));
    if (placed) {
        for (const auto& problem : placed->problems) evidence.push_back(problem);
    }
    f.evidence = fmt::format("{}", fmt::join(evidence, "; "));
    if (placed_everything(in.plan)) return f;
    f.verdict = Verdict::Fail;
    f.why = kWhyPlacement;
    if (in.plan.stack.firmware == FirmwareKind::Ovmf) {
        f.fixes.push_back(seabios_fix(in));
    } else {
        f.no_fix = "SeaBIOS found no room below 4 GiB: give the guest more RAM below 4 GiB (at least the stolen memory "
                   "plus 18 MiB)";
    }
    return f;
}

}  // namespace aperture
