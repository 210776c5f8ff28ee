#include "diagnostics/igd_check.hpp"

#include <fmt/format.h>

#include "core/error.hpp"
#include "diagnostics/fix_proof.hpp"

namespace aperture {

namespace {

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

// QEMU (7.2 and since) enables legacy mode only for the IGD at 00:02.0 of an i440fx machine (q35's ICH9 LPC holds
// 00:1f.0 for good), with the slot free of the default VGA: the smallest change that gets there.
Fix legacy_mode_fix(const CheckInput& in, const IgdAssignment& igd) {
    VmSpec fixed = in.spec;
    Fix fix;
    std::vector<std::string> xml;
    std::string summary =
        fmt::format("{} enables legacy mode only for an IGD at 00:02.0 of an i440fx machine:", in.plan.stack.qemu->display_name);
    if (in.plan.machine.type.family == MachineFamily::Q35) {
        fixed.machine.type = "pc";
        fix.qemu_args.insert(fix.qemu_args.end(), {"-machine", "pc"});
        xml.push_back("<os><type arch='x86_64' machine='pc'>hvm</type></os>");
        summary += " use -machine pc in place of q35 (q35's ICH9 LPC holds 00:1f.0, which QEMU needs);";
    }
    if (DeviceSpec* device = igd_device(fixed, igd.host)) {
        device->bus.reset();
        device->addr = "02.0";
        device->written.clear();
        fix.qemu_args.insert(fix.qemu_args.end(), {"-device", fmt::format("vfio-pci,host={},addr=02.0", igd.host)});
        xml.push_back(fmt::format("<hostdev mode='subsystem' type='pci' managed='yes'><source><address domain='0x0000' "
                                  "bus='0x00' slot='0x02' function='0x0'/></source><address type='pci' domain='0x0000' "
                                  "bus='0x00' slot='0x02' function='0x0'/></hostdev>"));
        summary += " give the IGD's -device addr=02.0 on the root bus;";
    }
    // The machine creates its default VGA and NIC before any -device, and they take 00:02.0 first.
    if (!fixed.defaults.vga && fixed.defaults.default_vga) {
        fixed.defaults.vga = "none";
        fix.qemu_args.insert(fix.qemu_args.end(), {"-vga", "none"});
        xml.push_back("<video><model type='none'/></video>");
        summary += " drop the emulated VGA;";
    }
    if (fixed.defaults.default_nic && fixed.defaults.nic_models.empty() && !fixed.defaults.nodefaults) {
        fixed.defaults.default_nic = false;
        fix.qemu_args.insert(fix.qemu_args.end(), {"-net", "none"});
        summary += " add the NIC as a -device with its own addr= (the default one would take 00:02.0);";
    }
    summary.back() = '.';
    fix.summary = summary;
    fix.apply = [fixed](CheckSubject& s) { s.spec = fixed; };
    fix.libvirt_xml = fmt::format("{}", fmt::join(xml, "\n"));
    try {
        PlanOptions options = in.options;
        options.firmware = FirmwareKind::SeaBios;
        fix.proven = placed_everything(make_plan(fixed, options));
    } catch (const InputError&) {
        fix.proven = false;  // the rest of the VM does not fit an i440fx machine as written
    } catch (const UnsupportedError&) {
        fix.proven = false;
    }
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
        f.fixes.push_back(legacy_mode_fix(in, igd));
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
