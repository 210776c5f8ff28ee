#include "plan/plan.hpp"

#include "core/error.hpp"
#include "firmware/ovmf/ovmf.hpp"
#include "firmware/ovmf/ovmf_layout.hpp"
#include "firmware/seabios/seabios.hpp"

namespace aperture {

const char* to_string(Outcome outcome) {
    switch (outcome) {
        case Outcome::Ok: return "ok";
        case Outcome::Refused: return "refused";
        case Outcome::FirmwareFailed: return "firmware-failed";
    }
    return "ok";
}

std::optional<BarExtent> highest_assigned_bar(const FirmwareResult& firmware) {
    std::optional<BarExtent> highest;
    for (const auto& f : firmware.functions) {
        for (std::size_t i = 0; i < f.bars.size(); ++i) {
            const BarSpec& bar = f.node->function.bars[i];
            if (bar.kind == BarKind::Io || !f.bars[i].address) continue;
            const u64 last = *f.bars[i].address + bar.size - 1;
            if (!highest || last > highest->last) highest = BarExtent{last, f.bdf, bar.index};
        }
    }
    return highest;
}

bool assigns_everything(const FirmwareResult& firmware) { return !firmware.failed && firmware.unassigned.empty(); }

bool bar_beyond_phys_bits(const Plan& plan) {
    if (!plan.firmware) return false;
    const auto highest = highest_assigned_bar(*plan.firmware);
    const unsigned bits = plan.machine.cpu.phys_bits;
    return highest && bits < 64 && highest->last >= (u64{1} << bits);
}

namespace {

using ovmf::MAX_X_PCI_MMIO64_MB;
using ovmf::X_PCI_MMIO64_MB_FW_CFG;

// The smallest power-of-two X-PciMmio64Mb with which OVMF assigns every BAR inside the guest's phys-bits.
std::optional<u64> fitting_x_pci_mmio64_mb(const Machine& machine, const OvmfRelease& release) {
    Machine trial = machine;
    std::erase_if(trial.fw_cfg, [](const FwCfgSpec& f) { return f.name == X_PCI_MMIO64_MB_FW_CFG; });
    trial.fw_cfg.push_back(FwCfgSpec{X_PCI_MMIO64_MB_FW_CFG, "0", std::nullopt, std::nullopt, {}});
    const u64 space = trial.cpu.phys_bits >= 64 ? ~u64{0} : (u64{1} << trial.cpu.phys_bits);
    for (u64 mb = 1024; mb <= MAX_X_PCI_MMIO64_MB; mb *= 2) {
        trial.fw_cfg.back().string_value = std::to_string(mb);
        const OvmfResult r = run_ovmf(trial, release);
        if (!assigns_everything(r.firmware)) continue;
        const auto highest = highest_assigned_bar(r.firmware);
        if (highest && highest->last >= space) return std::nullopt;  // larger windows only sit higher
        return mb;
    }
    return std::nullopt;
}

StackChoiceSource source_of(const VmSpec& spec) {
    return spec.origin == SpecOrigin::LibvirtDomain ? StackChoiceSource::DomainXml : StackChoiceSource::CommandLine;
}

// The machine type: the description's when it names one, else QEMU's default ("pc").
StackChoice machine_choice(const VmSpec& spec) {
    if (!spec.machine.type_where) return StackChoice{};
    return StackChoice{source_of(spec), spec.machine.type_where->text, {}};
}

// The firmware kind: --firmware's, else the description's -bios, pflash or <loader>, else QEMU's default.
StackChoice firmware_kind_choice(const VmSpec& spec, const PlanOptions& options) {
    if (options.firmware) return options.firmware_choice;
    if (spec.firmware.kind == FirmwareKind::Default) return StackChoice{};
    return StackChoice{source_of(spec), spec.firmware.where.text, {}};
}

}  // namespace

FirmwareKind effective_firmware(const VmSpec& spec, const PlanOptions& options) {
    if (options.firmware) return *options.firmware;
    return spec.firmware.kind == FirmwareKind::Default ? FirmwareKind::SeaBios : spec.firmware.kind;
}

Plan make_plan(const VmSpec& spec, const PlanOptions& options) {
    VmSpec effective = spec;
    if (options.firmware) effective.firmware.kind = *options.firmware;

    Plan plan;
    MachineBuild build = build_qemu_machine(effective, options.host, *options.qemu);
    const FirmwareKind firmware = build.machine ? build.machine->firmware : (build.partial ? build.partial->firmware : FirmwareKind::SeaBios);
    plan.stack.qemu = options.qemu;
    plan.stack.firmware = firmware;
    plan.stack.firmware_release = firmware == FirmwareKind::Ovmf ? &options.ovmf->identity : &options.seabios->identity;
    plan.stack.provenance = StackProvenance{options.qemu_choice, machine_choice(spec), firmware_kind_choice(spec, options),
                                            firmware == FirmwareKind::Ovmf ? options.ovmf_choice : options.seabios_choice};
    plan.hypervisor_model = std::string(plan.stack.qemu->model_name);
    plan.firmware_model = std::string(plan.stack.firmware_release->model_name);
    if (!build.machine) {
        plan.outcome = Outcome::Refused;
        plan.refusal = build.refusal;
        if (build.partial) plan.machine = std::move(*build.partial);
        return plan;
    }
    plan.machine = std::move(*build.machine);
    if (firmware == FirmwareKind::Ovmf) {
        OvmfResult r = run_ovmf(plan.machine, *options.ovmf);
        r.firmware.mmio64_choice = WindowChoice{to_string(r.apertures.choice), r.apertures.reason, trust_key(r.apertures.trust)};
        r.firmware.mapped_address_width = r.apertures.address_width;
        if (!assigns_everything(r.firmware) && r.mem64_request > 0) {
            WindowShortfall shortfall;
            shortfall.needed = r.mem64_request;
            shortfall.needed_alignment = r.mem64_request_alignment;
            shortfall.fitting_x_pci_mmio64_mb = fitting_x_pci_mmio64_mb(plan.machine, *options.ovmf);
            r.firmware.shortfall = shortfall;
        }
        plan.firmware = std::move(r.firmware);
    } else {
        plan.firmware = run_seabios(plan.machine, *options.seabios);
    }
    plan.root_buses = expander_root_bus_windows(plan.machine.pci, *plan.firmware);
    plan.outcome = plan.firmware->failed ? Outcome::FirmwareFailed : Outcome::Ok;
    return plan;
}

}  // namespace aperture
