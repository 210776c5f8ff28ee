#pragma once
// The pipeline in one place: what the user asked for -> the machine QEMU builds -> what the firmware
// assigns. Reports and diagnostics read a Plan.

#include <optional>
#include <string>

#include "config/vm_spec.hpp"
#include "firmware/firmware_result.hpp"
#include "machine/machine.hpp"

namespace aperture {

enum class Outcome { Ok, Refused, FirmwareFailed };
const char* to_string(Outcome outcome);

// Firmware results point into `machine`, so a Plan moves but never copies.
struct Plan {
    Plan() = default;
    Plan(Plan&&) = default;
    Plan& operator=(Plan&&) = default;
    Plan(const Plan&) = delete;
    Plan& operator=(const Plan&) = delete;

    Outcome outcome = Outcome::Ok;
    Machine machine;                 // complete when outcome != Refused; as far as QEMU got otherwise
    std::string refusal;             // QEMU's message, when refused
    std::optional<FirmwareResult> firmware;
    std::string firmware_model;      // "seabios-1.16.2"
    std::string hypervisor_model = "qemu-7.2";
};

// The highest address an assigned memory BAR reaches: past 2^phys-bits the guest cannot reach it, and
// SeaBIOS 1.16.2 never checks.
struct BarExtent {
    u64 last = 0;
    Bdf bdf;
    int index = 0;
};
std::optional<BarExtent> highest_assigned_bar(const FirmwareResult& firmware);
// The firmware finished and left no BAR unassigned.
bool assigns_everything(const FirmwareResult& firmware);
bool bar_beyond_phys_bits(const Plan& plan);

struct PlanOptions {
    std::optional<FirmwareKind> firmware;  // overrides the command line's choice
    HostContext host;
};

// Throws InputError / UnsupportedError / ArithmeticError for input aperture cannot plan.
Plan make_plan(const VmSpec& spec, const PlanOptions& options);

}  // namespace aperture
