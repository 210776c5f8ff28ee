#include "report/labels.hpp"

#include <fmt/format.h>

namespace aperture {

std::string bar_kind_label(const BarSpec& bar) {
    switch (bar.kind) {
        case BarKind::Io: return "io";
        case BarKind::Rom: return "rom";
        case BarKind::Memory: return fmt::format("mem{}{}", bar.is64 ? 64 : 32, bar.prefetchable ? " pref" : "");
    }
    return "";
}

std::string stack_title(const Plan& plan) {
    return fmt::format("{} {} with {}", plan.stack.qemu->display_name, plan.machine.type.name, plan.stack.firmware_release->display_name);
}

bool reports_guest_phys_bits(const GuestCpu& cpu) { return cpu.guest_phys_bits != 0 || !cpu.guest_phys_bits_origin.empty(); }

std::string outcome_summary(const Plan& plan) {
    if (plan.outcome == Outcome::Refused) return fmt::format("QEMU refuses to start: {}", plan.refusal);
    const FirmwareResult& fw = *plan.firmware;
    if (plan.outcome == Outcome::FirmwareFailed) return fmt::format("the firmware gives up: \"{}\"", fw.failure_message);
    if (!fw.unassigned.empty()) return fmt::format("{} BAR(s) left unassigned", fw.unassigned.size());
    if (bar_beyond_phys_bits(plan)) return "every BAR assigned, but not every BAR is reachable within the guest's phys-bits";
    return "every BAR and bridge window assigned";
}

}  // namespace aperture
