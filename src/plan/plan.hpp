#pragma once
// The pipeline in one place: what the user asked for -> the machine QEMU builds -> what the firmware
// assigns. Reports and diagnostics read a Plan.

#include <optional>
#include <string>

#include "config/vm_spec.hpp"
#include "firmware/firmware_result.hpp"
#include "firmware/root_bus_windows.hpp"
#include "firmware/ovmf/ovmf_release.hpp"
#include "firmware/seabios/seabios_release.hpp"
#include "machine/machine.hpp"
#include "machine/qemu_release.hpp"
#include "plan/stack_choice.hpp"

namespace aperture {

enum class Outcome { Ok, Refused, FirmwareFailed };
const char* to_string(Outcome outcome);

// What a plan modelled: the QEMU release (the machine type it resolved is Plan::machine.type), the
// firmware and that firmware's release, and where each of the four came from. The pointers are rows of
// the release tables.
struct Stack {
    const QemuRelease* qemu = &default_qemu_release();
    FirmwareKind firmware = FirmwareKind::SeaBios;
    const FirmwareIdentity* firmware_release = &default_seabios_release().identity;
    StackProvenance provenance;
};

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
    // The expanders' root buses and the windows QEMU's ACPI tables give each (firmware/root_bus_windows.hpp).
    std::vector<RootBusWindows> root_buses;
    Stack stack;
    std::string firmware_model;    // stack.firmware_release->model_name
    std::string hypervisor_model;  // stack.qemu->model_name
};

// The highest address an assigned memory BAR reaches: past 2^phys-bits the guest cannot reach it, and
// SeaBIOS never checks.
struct BarExtent {
    u64 last = 0;
    Bdf bdf;
    int index = 0;
};
std::optional<BarExtent> highest_assigned_bar(const FirmwareResult& firmware);
// The firmware finished and left no BAR unassigned.
bool assigns_everything(const FirmwareResult& firmware);
bool bar_beyond_phys_bits(const Plan& plan);

// The stack to model and the host: Debian 12's releases unless the caller names others. Each choice
// carries where it came from (plan/stack_request.hpp, plan/stack_detection.hpp set them); make_plan adds
// the machine type's and copies them into Plan::stack.
struct PlanOptions {
    const QemuRelease* qemu = &default_qemu_release();
    StackChoice qemu_choice;
    std::optional<FirmwareKind> firmware;  // overrides the command line's choice
    StackChoice firmware_choice;           // where `firmware` came from, when set
    // The release of each firmware: the command line may choose either.
    const SeabiosRelease* seabios = &default_seabios_release();
    StackChoice seabios_choice;
    const OvmfRelease* ovmf = &default_ovmf_release();
    StackChoice ovmf_choice;
    HostContext host;
};

// The firmware a plan with these options runs: --firmware's, else the description's, else SeaBIOS
// (QEMU's bios-256k.bin).
FirmwareKind effective_firmware(const VmSpec& spec, const PlanOptions& options);

// Throws InputError / UnsupportedError / ArithmeticError for input aperture cannot plan.
Plan make_plan(const VmSpec& spec, const PlanOptions& options);

}  // namespace aperture
