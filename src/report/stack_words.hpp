#pragma once
// How every report words an x86 plan's stack and where each part of it came from (Stack::provenance):
// the text report's Stack block, the JSON `stack` object's messages, the map's caption and the check
// report all read these, so they say the same thing.

#include <string>
#include <vector>

#include "plan/plan.hpp"

namespace aperture {

enum class StackPart { Qemu, Machine, Firmware, FirmwareRelease };
// The JSON key of the part: "qemu", "machine", "firmware", "firmware_release".
const char* to_string(StackPart part);

// One part of the stack as a report lists it.
struct StackEntry {
    StackPart part = StackPart::Qemu;
    std::string chosen;  // "QEMU 10.0", "pc-q35-10.0", "SeaBIOS", "SeaBIOS 1.16.3"
    const StackChoice* choice = nullptr;
    std::string origin;  // "flag: --qemu 10.0", "default: QEMU's default machine 'pc' (no machine type named)"
    // One sentence per caveat; the last says what was modelled instead and the flag that chooses, when
    // the caveats left the default.
    std::vector<std::string> notes;
};

// QEMU, machine type, firmware, firmware release: in that order.
std::vector<StackEntry> stack_entries(const Plan& plan);

// "checked against the real binary (Debian 1:7.2+dfsg-7+deb12u18)", "modelled from the upstream source,
// not checked against a binary (v8.2.2)".
std::string evidence_text(const QemuRelease& release);
std::string evidence_text(const FirmwareIdentity& release);

// The caveat in one sentence: "the host has QEMU 9.1.0 (qemu-system-x86 1:9.1.0+ds-1); aperture models 7.2, ...".
// `firmware` is the firmware the plan runs, which an image caveat names ("its OVMF build is unknown").
std::string caveat_message(const StackCaveat& caveat, FirmwareKind firmware);

// The origins in one line, for a map's caption and the check report: "QEMU 10.0 from flag, pc-q35-10.0
// from command-line, SeaBIOS from default, SeaBIOS 1.16.3 from flag".
std::string stack_origins(const Plan& plan);

}  // namespace aperture
