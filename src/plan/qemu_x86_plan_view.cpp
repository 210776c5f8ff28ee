// A QEMU x86 plan (pc/q35 with SeaBIOS or OVMF) as a PlanView.

#include <fmt/format.h>

#include "plan/firmware_result_view.hpp"
#include "plan/plan.hpp"
#include "plan/plan_view.hpp"
#include "report/labels.hpp"
#include "report/stack_words.hpp"

namespace aperture {

namespace {

using plan_view_detail::add_firmware_result;

// Every region of this platform's own is memory-space.
void add_memory(PlanView& view, RegionOwner owner, AddressRange range, std::string description) {
    plan_view_detail::add_region(view, owner, AddressSpace::Memory, range, std::move(description));
}

// RAM and reserved ranges as the OS sees them (the firmware's e820; OVMF's as Linux's EFI stub builds it),
// or as QEMU hands them to the firmware when the firmware's table is not predicted or never built (QEMU refused).
void add_memory_regions(PlanView& view, const Plan& plan) {
    const MemoryLayout& mem = plan.machine.memory;
    const bool firmware_table = plan.firmware && plan.firmware->e820_modelled && !plan.firmware->e820.empty();
    const auto& table = firmware_table ? plan.firmware->e820 : mem.qemu_e820;
    if (!firmware_table && !table.empty()) {
        view.notes.push_back("RAM and reserved ranges are QEMU's (fw_cfg etc/e820): the firmware's own memory map is not predicted here");
    }
    for (std::size_t i = 0; i < table.size(); ++i) {
        const E820Entry& e = table[i];
        if (e.size == 0) continue;
        // OVMF's firmware-area is RAM with the firmware's runtime, ACPI and NVS pages somewhere in it.
        const bool ram = e.type == E820Type::Ram || e.type == E820Type::FirmwareArea;
        const char* description = e.type == E820Type::Ram            ? "RAM"
                                  : e.type == E820Type::FirmwareArea ? "RAM with the firmware's runtime, ACPI and NVS pages"
                                  : e.type == E820Type::Acpi         ? "ACPI tables"
                                  : e.type == E820Type::Nvs          ? "ACPI NVS"
                                                                     : "reserved";
        add_memory(view, MemoryOwner{ram ? MemoryUse::Ram : MemoryUse::Reserved, MemorySource::E820, i},
                   AddressRange::from_start_and_size(e.start, e.size), description);
    }
    if (table.empty() && mem.ram_size > 0) {
        // QEMU refused before building its table: RAM as its layout split it.
        if (mem.below_4g > 0) {
            add_memory(view, MemoryOwner{MemoryUse::Ram, MemorySource::RamBelow4G, 0}, AddressRange::from_start_and_size(0, mem.below_4g), "RAM");
        }
        if (mem.above_4g > 0) {
            add_memory(view, MemoryOwner{MemoryUse::Ram, MemorySource::RamAbove4G, 0},
                       AddressRange::from_start_and_size(mem.above_4g_start, mem.above_4g), "RAM");
        }
    }
    // Without a firmware result the 64-bit PCI hole QEMU checks against phys-bits is the window to show:
    // it is what a "phys-bits too low" refusal is about.
    if (!plan.firmware && mem.pci_hole64_size > 0) {
        if (const auto last = checked_add(mem.pci_hole64_start, mem.pci_hole64_size - 1)) {
            add_memory(view, RootWindowOwner{0, RootWindowRole::QemuPciHole64}, AddressRange::from_first_and_last(mem.pci_hole64_start, *last),
                       "QEMU's 64-bit PCI hole (checked against phys-bits)");
        }
    }
    if (mem.device_memory && mem.device_memory->size > 0) {
        add_memory(view, MemoryOwner{MemoryUse::HotplugMemory, MemorySource::Whole, 0},
                   AddressRange::from_start_and_size(mem.device_memory->base, mem.device_memory->size), "device memory (-m slots/maxmem)");
    }
}

}  // namespace

PlanView view_of(const Plan& plan) {
    PlanView view;
    view.platform = PlanPlatform::QemuX86;
    view.stack.hypervisor_model = plan.hypervisor_model;
    view.stack.hypervisor = std::string(plan.stack.qemu->display_name);
    view.stack.machine = plan.machine.type.name;
    view.stack.firmware_model = plan.firmware_model;
    view.stack.firmware = std::string(plan.stack.firmware_release->display_name);
    view.stack.caption.push_back("Stack: " + stack_origins(plan));
    for (const auto& entry : stack_entries(plan)) {
        for (const auto& note : entry.notes) view.stack.caption.push_back("Stack note: " + note);
    }
    view.phys_bits = plan.machine.cpu.phys_bits;
    view.highest_used_address = plan.machine.memory.max_used_gpa;
    add_memory_regions(view, plan);
    if (plan.firmware) add_firmware_result(view, *plan.firmware, &plan.machine.pci);
    view.outcome = plan_view_detail::predicted_outcome(plan.outcome == Outcome::Refused, plan.outcome == Outcome::FirmwareFailed,
                                                       plan.firmware && !plan.firmware->unassigned.empty(), bar_beyond_phys_bits(plan));
    view.outcome_text = outcome_summary(plan);
    return view;
}

}  // namespace aperture
