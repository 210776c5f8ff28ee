#include "plan/plan.hpp"

#include "core/error.hpp"
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

bool bar_beyond_phys_bits(const Plan& plan) {
    if (!plan.firmware) return false;
    const auto highest = highest_assigned_bar(*plan.firmware);
    const unsigned bits = plan.machine.cpu.phys_bits;
    return highest && bits < 64 && highest->last >= (u64{1} << bits);
}

Plan make_plan(const VmSpec& spec, const PlanOptions& options) {
    VmSpec effective = spec;
    if (options.firmware) effective.firmware.kind = *options.firmware;

    Plan plan;
    MachineBuild build = build_qemu72_machine(effective, options.host);
    const FirmwareKind firmware = build.machine ? build.machine->firmware : (build.partial ? build.partial->firmware : FirmwareKind::SeaBios);
    if (firmware == FirmwareKind::Ovmf) {
        throw UnsupportedError("the OVMF model is not available yet: aperture predicts SeaBIOS 1.16.2 today (use --firmware seabios)");
    }
    plan.firmware_model = "seabios-1.16.2";
    if (!build.machine) {
        plan.outcome = Outcome::Refused;
        plan.refusal = build.refusal;
        if (build.partial) plan.machine = std::move(*build.partial);
        return plan;
    }
    plan.machine = std::move(*build.machine);
    plan.firmware = run_seabios_1_16_2(plan.machine);
    plan.outcome = plan.firmware->failed ? Outcome::FirmwareFailed : Outcome::Ok;
    return plan;
}

}  // namespace aperture
