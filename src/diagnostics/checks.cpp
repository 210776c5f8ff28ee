#include "diagnostics/checks.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <fmt/format.h>

#include "diagnostics/fix_syntax.hpp"
#include "diagnostics/hotplug_check.hpp"
#include "diagnostics/igd_check.hpp"
#include "diagnostics/own_root_port.hpp"
#include "firmware/ovmf/ovmf_layout.hpp"
#include "host/iommu.hpp"

namespace aperture {

namespace {

// Guests older than Linux 4.x and Windows before 10 1803 mishandle BARs past these heights (64-bit
// BAR support in their resource code); a WARN, not a FAIL: modern guests are fine.
constexpr unsigned OLD_GUEST_BAR_BITS = 44;
// OVMF's page tables above this share of guest RAM are worth a WARN (seed 000: "do you really want to
// pay for the necessary page tables with that meager guest RAM?").
constexpr u64 PAGE_TABLE_WARN_DIVISOR = 64;  // 1/64 of RAM
constexpr u64 PAGE_SIZE = 4 * KiB;
// The narrowest width ovmf.page-tables proposes: every modelled x86 host has at least 36 bits (PAE).
constexpr unsigned MIN_SENSIBLE_PHYS_BITS = 36;
// The max-ram-below-4g caps bar32.room tries, largest first: whole and half gigabytes, as users write them.
constexpr std::array<u64, 6> MAX_RAM_BELOW_4G_STEPS{3 * GiB, 5 * GiB / 2, 2 * GiB, 3 * GiB / 2, 1 * GiB, 512 * MiB};
// The smallest 64-bit PCI hole firmware.assignment proposes: QEMU rounds the hole's start up to 1 GiB
// (hw/i386/pc.c pc_pci_hole64_start), and a smaller hole leaves the guest no room to speak of.
constexpr u64 MIN_PCI_HOLE64_SIZE = 1 * GiB;
constexpr u64 PD_SPAN = 1 * GiB;     // one page directory maps 1 GiB with 2 MiB pages
constexpr u64 PDPT_SPAN = 512 * GiB;  // one PDPT maps 512 GiB

std::string range_text(const AddressRange& r) { return fmt::format("[{:#x}, {:#x}]", r.first(), r.last()); }

bool is_ovmf(const Plan& plan) { return plan.stack.firmware == FirmwareKind::Ovmf; }

bool has_vfio(const Machine& machine) {
    for (const auto& bus : machine.pci.buses()) {
        for (const auto& node : bus.devices) {
            if (node.function.driver == "vfio-pci") return true;
        }
    }
    return false;
}

// The highest guest-physical byte the guest uses: RAM, hotpluggable memory and every assigned BAR.
u64 highest_used_address(const Plan& plan) {
    u64 highest = 0;
    for (const auto& r : guest_ram_ranges(plan.machine)) highest = std::max(highest, r.last());
    if (plan.firmware) {
        if (const auto bar = highest_assigned_bar(*plan.firmware)) highest = std::max(highest, bar->last);
    }
    return highest;
}


Plan replan(const VmSpec& spec, const PlanOptions& options) { return make_plan(spec, options); }

// How a user knows a function: its guest BDF, its QEMU id (a domain's libvirt alias) and, for a device
// passed through, the host's address.
std::string function_name(const FirmwareResult& fw, const Bdf& bdf) {
    for (const auto& fr : fw.functions) {
        if (fr.bdf != bdf || !fr.node) continue;
        std::vector<std::string> names;
        if (!fr.node->id.empty()) names.push_back(fr.node->id);
        if (const std::string* host = fr.node->properties.find("host"); host && fr.node->function.driver == "vfio-pci") {
            names.push_back("host " + normalize_host_pci_address(*host));
        }
        if (!names.empty()) return fmt::format("{} ({})", bdf.to_string(), fmt::join(names, ", "));
    }
    return bdf.to_string();
}

bool proposing(const CheckInput& in) { return in.search == FixSearch::Propose; }

// The host's CPU as the plan copies it: only a KVM guest's width and vendor come from the host.
const HostCpu* kvm_host_cpu(const CheckInput& in) {
    return in.plan.machine.accel == Accelerator::Kvm && in.options.host.cpu ? &*in.options.host.cpu : nullptr;
}

bool host_has_tdp(const HostSnapshot& host) { return host.kvm.ept.value_or(false) || host.kvm.npt.value_or(false); }

// The physical width of the host the checks run against (the KVM host CPU the plan copies, else the snapshot's).
std::optional<unsigned> host_width(const CheckInput& in) {
    if (const HostCpu* cpu = kvm_host_cpu(in)) return cpu->phys_bits;
    if (in.host && in.host->cpu && in.host->cpu->phys_bits) return *in.host->cpu->phys_bits;
    return std::nullopt;
}

// With this -cpu the guest's width is the host's (host-phys-bits on, the host and max models' default under KVM).
bool copies_host_width(const CpuSpec& cpu) { return cpu.host_phys_bits.value_or(cpu.model == "host" || cpu.model == "max"); }

// QEMU refused because the guest's phys-bits cannot reach the highest address the machine uses
// (hw/i386/pc.c pc_memory_init, "phys-bits too low"): the width that would hold it.
std::optional<unsigned> width_refused(const Plan& plan) {
    const u64 used = plan.machine.memory.max_used_gpa;
    if (plan.outcome != Outcome::Refused || used == 0 || plan.machine.cpu.phys_bits == 0) return std::nullopt;
    if (address_bits(used) <= plan.machine.cpu.phys_bits) return std::nullopt;
    return address_bits(used);
}

// The phys-bits family for a guest that needs `bits` address bits, least invasive first: a fixed width,
// the host's width capped at it (for a guest that copies the host's), the host's own width.
void add_width_remedies(const CheckInput& in, Finding& f, unsigned bits) {
    if (copies_host_width(in.spec.cpu) && kvm_host_cpu(in)) {
        f.fixes.push_back(phys_bits_fix(in.spec.cpu, bits));
        f.fixes.push_back(host_phys_bits_limit_fix(in.spec.cpu, bits));
        return;
    }
    f.fixes.push_back(phys_bits_fix(in.spec.cpu, bits));
}

bool assigns_everything(const Plan& plan) { return plan.outcome == Outcome::Ok && plan.firmware && aperture::assigns_everything(*plan.firmware); }

// Less RAM below 4 GiB leaves a wider 32-bit window (hw/i386/pc_piix.c, pc_q35.c: max-ram-below-4g caps the
// low RAM): the largest cap whose plan assigns every BAR moves the least RAM.
void add_low_ram_remedy(const CheckInput& in, Finding& f) {
    if (!proposing(in)) return;
    for (const u64 below : MAX_RAM_BELOW_4G_STEPS) {
        if (below >= in.plan.machine.memory.below_4g) continue;
        VmSpec fixed = in.spec;
        fixed.machine.max_ram_below_4g = below;
        if (!assigns_everything(replan(fixed, in.options))) continue;
        f.fixes.push_back(max_ram_below_4g_fix(below));
        return;
    }
}

// QEMU's phys-bits check, and its choice to move an AMD guest's RAM above 1 TiB, count the whole 64-bit PCI
// hole past the end of RAM (hw/i386/pc.c pc_memory_init, pc_max_used_gpa: pc_pci_hole64_start() +
// pci_hole64_size). Neither firmware reads the hole's size (SeaBIOS pciinit.c places its 64-bit window from
// RAM and phys-bits; OVMF's PlatformInitLib from etc/reserved-memory-end and X-PciMmio64Mb): it is only the
// room QEMU's _CRS offers beyond the firmware's BARs (hw/pci-host/q35.c q35_host_get_pci_hole64_end,
// i440fx.c i440fx_pcihost_get_pci_hole64_end). The largest power-of-two hole QEMU then accepts shrinks it least.
void add_hole64_remedy(const CheckInput& in, Finding& f) {
    const u64 now = in.plan.machine.memory.pci_hole64_size;
    const MachineFamily family = in.plan.machine.type.family;
    for (u64 size = std::bit_floor(now) == now ? now / 2 : std::bit_floor(now); size >= MIN_PCI_HOLE64_SIZE; size /= 2) {
        VmSpec fixed = in.spec;
        set_pci_hole64_size(fixed, family, size);
        const Plan after = replan(fixed, in.options);
        if (after.outcome == Outcome::Refused) continue;
        f.fixes.push_back(pci_hole64_size_fix(family, size, now,
                                              fmt::format("QEMU's check then ends at {:#x}, within the guest's {} bits", after.machine.memory.max_used_gpa,
                                                          after.machine.cpu.phys_bits)));
        return;
    }
}

// On q35, a device moved to a pcie-root-port of its own gets windows of its own (diagnostics/own_root_port.hpp).
void add_own_root_port_remedy(const CheckInput& in, Finding& f) {
    if (!proposing(in)) return;
    if (auto fix = own_root_port_fix(in.spec, in.options, in.plan)) f.fixes.push_back(std::move(*fix));
}

// --- firmware.assignment ------------------------------------------------------------------------------
Finding check_assignment(const CheckInput& in) {
    Finding f;
    f.kind = FindingKind::FirmwareAssignment;
    f.title = "The firmware assigns every BAR";
    const Plan& plan = in.plan;
    if (plan.outcome == Outcome::Refused) {
        f.verdict = Verdict::Fail;
        f.title = "QEMU starts";
        f.evidence = "QEMU refuses the command line: " + plan.refusal;
        f.why = "the VM never starts";
        const auto bits = width_refused(plan);
        if (const auto host = host_width(in); bits && host && *bits > *host && in.host && host_has_tdp(*in.host)) {
            f.no_fix = fmt::format("the guest's RAM and QEMU's 64-bit PCI hole reach {:#x}, which needs {} address bits; with EPT/NPT this "
                                   "host maps {}: lower -m (or maxmem), or run it without EPT/NPT",
                                   plan.machine.memory.max_used_gpa, *bits, *host);
        }
        if (bits && proposing(in)) {
            f.fixes.push_back(phys_bits_fix(in.spec.cpu, *bits));
            const HostCpu* host = kvm_host_cpu(in);
            if (host && host->phys_bits > *bits) f.fixes.push_back(phys_bits_fix(in.spec.cpu, host->phys_bits));
            add_hole64_remedy(in, f);
            if (host) f.fixes.push_back(host_phys_bits_fix(in.spec.cpu));
        }
        return f;
    }
    const FirmwareResult& fw = *plan.firmware;
    if (!fw.failed && fw.unassigned.empty()) {
        f.evidence = fmt::format("{} functions, every BAR assigned", fw.functions.size());
        return f;
    }
    f.verdict = Verdict::Fail;
    if (fw.failed) {
        f.evidence = "the firmware gives up: " + fw.failure_message;
    } else {
        // Grouped per device, in the order the firmware reported them.
        std::vector<std::pair<Bdf, std::vector<std::string>>> devices;
        for (const auto& u : fw.unassigned) {
            auto it = std::find_if(devices.begin(), devices.end(), [&](const auto& d) { return d.first == u.bdf; });
            if (it == devices.end()) it = devices.insert(devices.end(), {u.bdf, {}});
            it->second.push_back(fmt::format("{} ({})", u.what, human_size(u.size)));
        }
        for (const auto& u : fw.unassigned) f.subject.bars.push_back({u.bdf, u.bar >= 0 ? std::optional<int>(u.bar) : std::nullopt});
        std::vector<std::string> lines;
        for (const auto& [bdf, bars] : devices) lines.push_back(fmt::format("{}: {}", function_name(fw, bdf), fmt::join(bars, ", ")));
        f.evidence = fmt::format("unassigned: {}", fmt::join(lines, "; "));
    }
    f.why = "a device whose BARs are not assigned is invisible to the guest driver (a GPU shows \"BAR1 is 0M @ 0x0\" or fails to probe)";
    if (is_ovmf(plan) && fw.shortfall) {
        if (proposing(in)) {
            // OVMF sizes its 64-bit window from the guest's width when it trusts it (and from X-PciMmio64Mb
            // otherwise): the host's own width, or a cap at it, moves the window where the host maps it.
            if (const auto bits = host_width(in); bits && *bits != plan.machine.cpu.phys_bits) add_width_remedies(in, f, *bits);
            // A window the host's EPT/NPT cannot map (host.phys-bits) is tried again with shadow paging
            // by the proof (fix_proof.cpp).
            if (fw.shortfall->fitting_x_pci_mmio64_mb) f.fixes.push_back(x_pci_mmio64_mb_fix(*fw.shortfall->fitting_x_pci_mmio64_mb));
        }
        if (!fw.shortfall->fitting_x_pci_mmio64_mb) {
            f.no_fix = "no X-PciMmio64Mb up to 16 TiB holds every BAR inside the guest's phys-bits; raise phys-bits first (see host.phys-bits)";
        }
    } else if (is_ovmf(plan)) {
        f.no_fix = "no window size fixes this: the firmware's message above says what OVMF trips on";
    } else {
        // SeaBIOS has no window knob; the machine's low-RAM cap is the one that widens its 32-bit window.
        if (fw.failure == FirmwareFailure::Mem32SpaceExhausted) add_low_ram_remedy(in, f);
        f.no_fix = "the 32-bit window cannot hold the BARs that must live below 4 GiB, even with less RAM below 4 GiB (max-ram-below-4g); "
                   "remove or move devices";
    }
    add_own_root_port_remedy(in, f);
    return f;
}

// --- bar32.room ---------------------------------------------------------------------------------------
Finding check_bar32_room(const CheckInput& in) {
    Finding f;
    f.kind = FindingKind::Bar32Room;
    f.title = "32-bit-only BARs fit below 4 GiB";
    const FirmwareResult& fw = *in.plan.firmware;
    // OVMF giving up on PCI for a reason of its own leaves every BAR unassigned, 32-bit ones included:
    // firmware.assignment reports that, and blaming the 32-bit window would point at the wrong fix.
    if (fw.failure == FirmwareFailure::StaleFailedRequest || fw.failure == FirmwareFailure::WindowBeyondMappedWidth) {
        f.evidence = "the firmware gave up on PCI for a reason other than 32-bit room (see firmware.assignment)";
        return f;
    }
    std::vector<std::string> stuck;
    for (const auto& u : fw.unassigned) {
        // A device dropped because the 64-bit window was short loses its 32-bit BARs too: not this check's case.
        if (u.short_window != RootWindowKind::None && !is_below_4g(u.short_window)) continue;
        for (const auto& fr : fw.functions) {
            if (fr.bdf != u.bdf) continue;
            const BarSpec* bar = fr.node->function.bar(u.bar);
            if (bar && bar->kind == BarKind::Memory && !bar->is64) {
                stuck.push_back(fmt::format("{} BAR{} ({})", function_name(fw, u.bdf), u.bar, human_size(u.size)));
                f.subject.bars.push_back({u.bdf, u.bar});
            }
        }
    }
    f.subject.range = fw.windows.mem32;
    const bool out_of_32bit = fw.failure == FirmwareFailure::Mem32SpaceExhausted;
    if (stuck.empty() && !out_of_32bit) {
        f.evidence = fw.windows.mem32 ? fmt::format("32-bit window {} ({})", range_text(*fw.windows.mem32), human_size(fw.windows.mem32->size()))
                                      : "no 32-bit window needed";
        return f;
    }
    f.verdict = Verdict::Fail;
    f.evidence = out_of_32bit ? fw.failure_message : fmt::format("32-bit-only BARs left unassigned: {}", fmt::join(stuck, ", "));
    if (fw.windows.mem32) f.evidence += fmt::format("; the 32-bit window is {} ({})", range_text(*fw.windows.mem32), human_size(fw.windows.mem32->size()));
    f.why = "a 32-bit BAR can only live below 4 GiB, where the window starts where RAM below 4 GiB ends";
    add_low_ram_remedy(in, f);
    add_own_root_port_remedy(in, f);
    f.no_fix = fmt::format("no max-ram-below-4g down to {} gives {}'s {} a 32-bit window that holds these BARs; fewer or smaller 32-bit BARs are needed",
                           human_size(MAX_RAM_BELOW_4G_STEPS.back()), in.plan.stack.qemu->display_name, in.plan.machine.type.name);
    return f;
}

// --- guest.bar-height ---------------------------------------------------------------------------------
Finding check_bar_height(const CheckInput& in) {
    Finding f;
    f.kind = FindingKind::GuestBarHeight;
    f.title = fmt::format("BARs stay below 2^{}", OLD_GUEST_BAR_BITS);
    const auto highest = highest_assigned_bar(*in.plan.firmware);
    if (!highest) {
        f.evidence = "no memory BAR assigned";
        return f;
    }
    f.subject.bars.push_back({highest->bdf, highest->index});
    f.evidence = fmt::format("highest BAR ends at {:#x} ({} BAR{}), needs {} address bits", highest->last, highest->bdf.to_string(),
                             highest->index, address_bits(highest->last));
    if (address_bits(highest->last) > OLD_GUEST_BAR_BITS) {
        f.verdict = Verdict::Warn;
        f.why = "older guest kernels (Linux before 4.x, Windows before 10 1803) cannot use BARs this high";
    }
    return f;
}

// --- ovmf.page-tables ---------------------------------------------------------------------------------
Finding check_page_tables(const CheckInput& in) {
    Finding f;
    f.kind = FindingKind::OvmfPageTables;
    f.title = "OVMF's identity-map page tables are cheap for this address width";
    const unsigned width = *in.plan.firmware->mapped_address_width;
    const u64 cost = ovmf_page_table_bytes(width);
    const u64 ram = in.plan.machine.memory.ram_size;
    f.evidence = fmt::format("OVMF maps the whole {}-bit guest-physical space with 2 MiB pages: {} of page tables, {:.2f}% of {} RAM", width,
                             human_size(cost), 100.0 * static_cast<double>(cost) / static_cast<double>(std::max<u64>(ram, 1)), human_size(ram));
    if (cost > ram / PAGE_TABLE_WARN_DIVISOR) {
        f.verdict = Verdict::Warn;
        f.why = "the firmware builds these tables before the OS runs, out of guest RAM below 4 GiB; wide address spaces also slow its boot";
        if (!proposing(in)) return f;
        // The narrowest width that is cheap enough and still holds what the guest uses.
        for (unsigned bits = std::max(address_bits(highest_used_address(in.plan)), MIN_SENSIBLE_PHYS_BITS); bits < width; ++bits) {
            if (ovmf_page_table_bytes(bits) > ram / PAGE_TABLE_WARN_DIVISOR) break;
            if (copies_host_width(in.spec.cpu) && kvm_host_cpu(in)) {
                f.fixes.push_back(host_phys_bits_limit_fix(in.spec.cpu, bits));
            }
            f.fixes.push_back(phys_bits_fix(in.spec.cpu, bits));
            break;
        }
    }
    return f;
}

// --- host.phys-bits -----------------------------------------------------------------------------------
std::optional<Finding> check_host_phys_bits(const CheckInput& in) {
    if (!in.host || !in.host->cpu || !in.host->cpu->phys_bits) return std::nullopt;
    Finding f;
    f.kind = FindingKind::HostPhysBits;
    const unsigned host_bits = *in.host->cpu->phys_bits;
    const bool tdp = host_has_tdp(*in.host);
    f.title = fmt::format("Every guest-physical address fits the host's {} physical address bits", host_bits);
    const u64 highest = highest_used_address(in.plan);
    f.subject.range = AddressRange::from_first_and_last(0, highest);  // the guest-physical addresses the VM uses
    f.evidence = fmt::format("highest guest-physical address used: {:#x} (needs {} bits); host: {} bits, EPT/NPT {}", highest, address_bits(highest),
                             host_bits, tdp ? "on" : "off or unknown");
    if (address_bits(highest) <= host_bits) return f;
    f.verdict = tdp ? Verdict::Fail : Verdict::Warn;
    f.why = "with EPT/NPT the host cannot map guest addresses beyond its own physical width: the guest dies when it touches them";
    u64 ram_end = 0;
    for (const auto& r : guest_ram_ranges(in.plan.machine)) ram_end = std::max(ram_end, r.last());
    if (address_bits(ram_end) > host_bits) {
        f.no_fix = fmt::format("the guest's RAM alone ends at {:#x}, past the host's {} bits: with EPT/NPT on this host cannot run this VM", ram_end, host_bits);
    }
    if (!proposing(in)) return f;
    // The guest's width at the host's (or capped at it) moves the firmware's 64-bit window inside it; a
    // host without EPT/NPT maps guest addresses with shadow page tables, which have no such limit.
    add_width_remedies(in, f, host_bits);
    if (tdp && in.host->cpu->vendor) f.fixes.push_back(disable_tdp_fix(*in.host->cpu->vendor, in.target));
    return f;
}

// --- iommu.width --------------------------------------------------------------------------------------
std::optional<Finding> check_iommu_width(const CheckInput& in) {
    if (!in.host || !has_vfio(in.plan.machine)) return std::nullopt;
    std::optional<unsigned> width;
    for (const auto& unit : in.host->iommu.units) {
        if (!unit.cap) continue;
        if (const auto w = intel_domain_width(*unit.cap)) width = width ? std::min(*width, *w) : *w;
    }
    if (!width) return std::nullopt;
    Finding f;
    f.kind = FindingKind::IommuWidth;
    f.title = fmt::format("Guest RAM fits the IOMMU's {}-bit DMA address width", *width);
    u64 highest = 0;
    for (const auto& r : guest_ram_ranges(in.plan.machine)) highest = std::max(highest, r.last());
    f.subject.range = AddressRange::from_first_and_last(0, highest);  // the guest RAM VFIO maps as IOVA
    f.evidence = fmt::format("highest guest RAM address {:#x} (needs {} bits); VT-d domain width {} bits", highest, address_bits(highest), *width);
    if (address_bits(highest) > *width) {
        f.verdict = Verdict::Fail;
        f.why = "VFIO maps guest RAM at its guest-physical address as IOVA; addresses past the IOMMU's width fail with VFIO_MAP_DMA: -22";
        f.no_fix = "guest RAM (and hotplug memory) must end below the IOMMU width: lower -m/maxmem";
        const Machine& machine = in.plan.machine;
        // The largest -m, in whole GiB, whose RAM above 4 GiB ends below 2^width (hotplug memory aside).
        const u64 limit = *width >= 64 ? ~u64{0} : u64{1} << *width;
        if (proposing(in) && !machine.memory.device_memory && machine.memory.above_4g > 0 && limit > machine.memory.above_4g_start) {
            const u64 size = (machine.memory.below_4g + (limit - machine.memory.above_4g_start)) / GiB * GiB;
            if (size > 0 && size < machine.memory.ram_size) {
                f.fixes.push_back(memory_size_fix(size, machine.memory.ram_size, fmt::format("its RAM then ends below 2^{}", *width)));
            }
        }
    }
    return f;
}

// --- iommu.reserved -----------------------------------------------------------------------------------
// The newest machine type of the plan's family in its QEMU release ("q35" and "pc" name it).
std::optional<std::string> newest_machine_type(const Plan& plan) {
    const std::string_view alias = plan.machine.type.family == MachineFamily::Q35 ? "q35" : "pc";
    for (const auto& a : plan.stack.qemu->aliases) {
        if (a.alias == alias && a.type != plan.machine.type.name) return std::string(a.type);
    }
    return std::nullopt;
}

void add_reserved_range_remedies(const CheckInput& in, Finding& f, const std::vector<ReservedRegion>& reserved) {
    const Machine& machine = in.plan.machine;
    // hw/i386/pc.c (7.1): AMD guests' RAM moves above 1 TiB when it would reach the HyperTransport hole; an
    // older machine type keeps the old layout for migration's sake.
    if (machine.cpu.is_amd() && !machine.type.enforce_amd_1tb_hole) {
        if (const auto type = newest_machine_type(in.plan)) {
            f.fixes.push_back(machine_type_fix(*type, "from 7.1 QEMU moves an AMD guest's RAM above 1 TiB, clear of the HyperTransport hole"));
        }
    }
    // The largest -m whose RAM above 4 GiB ends below the lowest reserved range it overlaps, in whole GiB.
    if (machine.memory.device_memory || machine.memory.above_4g == 0) return;
    const u64 start = machine.memory.above_4g_start;
    std::optional<u64> lowest;
    for (const auto& r : reserved) {
        const auto ram = AddressRange::from_start_and_size(start, machine.memory.above_4g);
        if (r.type == "direct-relaxable" || !ram.overlaps(r.range) || r.range.first() <= start) continue;
        lowest = lowest ? std::min(*lowest, r.range.first()) : r.range.first();
    }
    if (!lowest) return;
    const u64 size = (machine.memory.below_4g + (*lowest - start)) / GiB * GiB;
    if (size == 0 || size >= machine.memory.ram_size) return;
    f.fixes.push_back(memory_size_fix(size, machine.memory.ram_size, fmt::format("its RAM then ends below {:#x}", *lowest)));
}

std::optional<Finding> check_reserved_regions(const CheckInput& in) {
    if (!in.host || !has_vfio(in.plan.machine) || in.host->iommu.groups.empty()) return std::nullopt;
    Finding f;
    f.kind = FindingKind::IommuReserved;
    f.title = "Guest RAM avoids the host IOMMU's reserved ranges";
    std::vector<std::string> clashes;
    const auto reserved = merged_reserved_regions(in.host->iommu.groups);
    for (const auto& ram : guest_ram_ranges(in.plan.machine)) {
        for (const auto& r : reserved) {
            // vfio_iommu_type1 leaves relaxable RMRRs (IGD, USB) out of the ranges it refuses.
            if (r.type == "direct-relaxable" || !ram.overlaps(r.range)) continue;
            clashes.push_back(fmt::format("guest RAM {} overlaps {} {}", range_text(ram), r.type, range_text(r.range)));
        }
    }
    if (clashes.empty()) {
        f.evidence = fmt::format("{} reserved ranges on the host, none under guest RAM", reserved.size());
        return f;
    }
    f.verdict = Verdict::Fail;
    f.evidence = fmt::format("{}", fmt::join(clashes, "; "));
    f.why = "VFIO refuses DMA maps into IOMMU reserved ranges (Linux 5.4+): QEMU fails with VFIO_MAP_DMA: -22";
    if (proposing(in)) add_reserved_range_remedies(in, f, reserved);
    f.no_fix = in.plan.machine.cpu.is_amd()
                   ? "lower -m/maxmem so guest RAM ends below the reserved range (QEMU 7.1+ already moves AMD guests' RAM above 1 TiB when it reaches 0xfd00000000)"
                   : "lower -m/maxmem so guest RAM ends below the reserved range, or give the guest an AMD vCPU so QEMU 7.1+ moves its RAM above 1 TiB";
    return f;
}

// --- host.memlock -------------------------------------------------------------------------------------
// -device drivers that give the guest an IOMMU (QEMU 7.2). Behind one, each vfio-pci device DMAs in an
// address space of its own, and hw/vfio/common.c (vfio_connect_container) gives each address space its
// own container.
constexpr std::array VIOMMU_DRIVERS{"intel-iommu", "amd-iommu", "virtio-iommu-pci"};

unsigned vfio_device_count(const Machine& machine) {
    unsigned count = 0;
    for (const auto& bus : machine.pci.buses()) {
        for (const auto& node : bus.devices) count += node.function.driver == "vfio-pci" ? 1u : 0u;
    }
    return count;
}

bool has_viommu(const VmSpec& spec) {
    return std::any_of(spec.devices.begin(), spec.devices.end(), [](const DeviceSpec& d) {
        return std::find(VIOMMU_DRIVERS.begin(), VIOMMU_DRIVERS.end(), d.driver) != VIOMMU_DRIVERS.end();
    });
}

// What VFIO pins, charged by vfio_iommu_type1 to the process's locked memory container by container.
// Without a vIOMMU every vfio-pci device shares the one container of the guest's memory, which maps all
// guest RAM once however many devices there are. With a vIOMMU each device has a container of its own,
// and a guest that maps all its RAM for each device (iommu=pt, or DMA anywhere) pins it once per device.
struct VfioPinning {
    u64 bytes = 0;
    std::string text;
};

VfioPinning vfio_pinning(const CheckInput& in) {
    u64 ram = 0;
    for (const auto& r : guest_ram_ranges(in.plan.machine)) ram = add_or_throw(ram, r.size(), "guest RAM");
    const unsigned devices = vfio_device_count(in.plan.machine);
    if (devices <= 1 || !has_viommu(in.spec)) {
        const std::string shared = devices > 1 ? fmt::format(" (the {} vfio-pci devices share one container without a vIOMMU)", devices) : "";
        return {ram, fmt::format("VFIO pins all guest RAM once: {}{}", human_size(ram), shared)};
    }
    const u64 pinned = mul_or_throw(ram, devices, "guest RAM × vfio-pci devices");
    return {pinned, fmt::format("behind the vIOMMU each vfio-pci device may pin all guest RAM: {} × {} = {}", devices, human_size(ram), human_size(pinned))};
}

// The limit QEMU will run with: nullopt bytes is unlimited; `known` false when libvirt leaves the limit
// to libvirtd's own and no host was given.
struct QemuMemlock {
    bool known = true;
    std::optional<u64> bytes;
    std::string text;
};

QemuMemlock qemu_memlock(const CheckInput& in) {
    const bool host_known = in.host && in.host->memlock;
    const auto host_text = [&] { return host_known && in.host->memlock->soft ? human_size(*in.host->memlock->soft) : std::string("unlimited"); };
    if (!in.libvirt) return {true, in.host->memlock->soft, fmt::format("RLIMIT_MEMLOCK here: {}", host_text())};
    const auto limit = libvirt_memlock_limit(in.libvirt->domain, in.libvirt->version);
    const std::string who = fmt::format("libvirt {}{}", to_string(in.libvirt->version), limit.verified ? "" : " (formula as of 10.7.0, the newest read)");
    switch (limit.action) {
        case LibvirtMemlockAction::Set:
            return {true, limit.bytes, fmt::format("{} sets RLIMIT_MEMLOCK: {}", who, limit.explanation)};
        case LibvirtMemlockAction::Unlimited: return {true, std::nullopt, fmt::format("{} lifts RLIMIT_MEMLOCK: {}", who, limit.explanation)};
        case LibvirtMemlockAction::Leave: break;
    }
    const std::string leave = fmt::format("{} leaves RLIMIT_MEMLOCK alone ({}); QEMU inherits libvirtd's", who, limit.explanation);
    if (!host_known) return {false, std::nullopt, leave};
    return {true, in.host->memlock->soft, fmt::format("{}, {} for this host's processes", leave, host_text())};
}

std::optional<Finding> check_memlock(const CheckInput& in) {
    if (!has_vfio(in.plan.machine) || (!in.libvirt && !(in.host && in.host->memlock))) return std::nullopt;
    Finding f;
    f.kind = FindingKind::HostMemlock;
    f.title = "The locked-memory limit covers what VFIO pins";
    const auto pinned = vfio_pinning(in);
    const auto limit = qemu_memlock(in);
    f.evidence = fmt::format("{}; {}", pinned.text, limit.text);
    if (!limit.known) {
        f.verdict = Verdict::Warn;
        f.why = "libvirt sets no limit for this domain, so QEMU runs with libvirtd's own; give --host to compare";
        return f;
    }
    if (!limit.bytes || *limit.bytes >= pinned.bytes) return f;
    f.verdict = Verdict::Fail;
    const char* fails = "QEMU started with this limit fails with \"vfio_pin_pages_remote: RLIMIT_MEMLOCK exceeded\"";
    if (!in.libvirt) {
        f.why = fmt::format("{} (libvirt raises the limit itself for the VMs it starts)", fails);
    } else if (in.libvirt->domain.pci_hostdevs + in.libvirt->domain.mdev_hostdevs == 0) {
        f.why = fmt::format("{}: libvirt sees no hostdev in the domain (vfio-pci given through <qemu:commandline>?), so it raises nothing", fails);
    } else {
        f.why = fmt::format("{}: libvirt's formula falls short of it for this domain", fails);
    }
    // <hard_limit> is libvirt's memlock limit and also the cgroup's memory limit: 1 GiB above what VFIO
    // pins leaves room for QEMU's own memory.
    const u64 pinned_kib = align_up_or_throw(pinned.bytes, KiB, "locked-memory limit") / KiB;
    const u64 hard_limit_kib = pinned_kib + GiB / KiB;
    if (!proposing(in)) return f;
    // libvirt sets the limit of the QEMU it starts from <hard_limit>; a QEMU started by hand inherits its shell's.
    if (in.libvirt) f.fixes.push_back(hard_limit_fix(hard_limit_kib));
    else f.fixes.push_back(ulimit_fix(pinned_kib, in.target));
    return f;
}

}  // namespace

std::vector<AddressRange> guest_ram_ranges(const Machine& machine) {
    std::vector<AddressRange> ranges;
    for (const auto& e : machine.memory.qemu_e820) {
        if (e.type == E820Type::Ram && e.size > 0) ranges.push_back(AddressRange::from_start_and_size(e.start, e.size));
    }
    if (machine.memory.device_memory && machine.memory.device_memory->size > 0) {
        ranges.push_back(AddressRange::from_start_and_size(machine.memory.device_memory->base, machine.memory.device_memory->size));
    }
    return ranges;
}

u64 ovmf_page_table_bytes(unsigned width) {
    const u64 space = width >= 64 ? ~u64{0} : (u64{1} << width);
    const u64 directories = std::max<u64>(1, space / PD_SPAN);
    const u64 pointer_tables = std::max<u64>(1, space / PDPT_SPAN);
    return (directories + pointer_tables + 1) * PAGE_SIZE;  // + the PML4
}

std::vector<Finding> run_checks(const CheckInput& in) {
    std::vector<Finding> findings;
    findings.push_back(check_assignment(in));
    if (in.plan.outcome == Outcome::Refused || !in.plan.firmware) return findings;
    findings.push_back(check_bar32_room(in));
    findings.push_back(check_bar_height(in));
    if (in.plan.firmware->mapped_address_width) findings.push_back(check_page_tables(in));
    for (const auto& want : in.hotplug) findings.push_back(check_hotplug(in, want));
    if (auto f = check_igd(in)) findings.push_back(std::move(*f));
    for (auto host_check : {check_host_phys_bits, check_iommu_width, check_reserved_regions, check_memlock}) {
        if (auto f = host_check(in)) findings.push_back(std::move(*f));
    }
    return findings;
}

PlannedHotplug PlannedHotplug::largest_bar(std::string port, u64 bytes) {
    PlannedHotplug want{std::move(port), human_size(bytes) + " BAR", {}};
    want.device.bars.push_back(BarSpec::memory64(0, bytes, Prefetchable::Yes));
    return want;
}

const char* to_string(FixScope scope) {
    switch (scope) {
        case FixScope::Guest: return "guest";
        case FixScope::HostSpecific: return "host-specific";
        case FixScope::HostSide: return "host-side";
    }
    return "guest";
}

const char* to_string(FixStability stability) { return stability == FixStability::Experimental ? "experimental" : "stable"; }

const char* to_string(Verdict verdict) {
    switch (verdict) {
        case Verdict::Pass: return "PASS";
        case Verdict::Warn: return "WARN";
        case Verdict::Fail: return "FAIL";
    }
    return "PASS";
}

}  // namespace aperture
