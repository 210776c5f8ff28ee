#pragma once
// One diagnostic: a verdict in the manner of libvirt's virt-host-validate (PASS / WARN / FAIL), the
// evidence behind it (addresses, sizes), why it matters, and the changes that make it pass, written in
// the user's own syntax, each proven by checking the changed VM again against every host.

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/bdf.hpp"
#include "core/range.hpp"
#include "diagnostics/finding_kind.hpp"
#include "libvirt/domain_fix.hpp"

namespace aperture {

enum class Verdict { Pass, Warn, Fail };
const char* to_string(Verdict verdict);  // "PASS", "WARN", "FAIL"

// Who a fix changes, in the order fixes are ranked: a guest setting that holds on any host it migrates
// to, a guest setting that ties the guest to hosts like this one, or the host itself.
enum class FixScope {
    Guest,         // the guest's own configuration, the same on every host (phys-bits=N, a window size)
    HostSpecific,  // the guest's configuration, but it follows the host it starts on (host-phys-bits=on)
    HostSide,      // the host: a kernel module option, a process limit; changes every VM there
};
const char* to_string(FixScope scope);  // "guest", "host-specific", "host-side"

// Whether the knob is a supported interface or an experimental one (QEMU/OVMF "X-" and "x-" names, which
// may change between releases, and <qemu:commandline>, which taints a libvirt domain).
enum class FixStability { Stable, Experimental };
const char* to_string(FixStability stability);  // "stable", "experimental"

// What the whole check said about a fix applied to the VM (diagnostics/fix_proof.hpp).
enum class FixProof {
    NotTried,  // the fix has no edit the check can apply (a platform without whole-check proofs)
    Proven,    // applied, checked again on every host: its finding passes and no FAIL is new
    Refuted,   // applied, checked again: its finding still fails, or another FAIL appears
};

struct CheckSubject;  // diagnostics/fix_proof.hpp: everything a check reads that a fix may change

struct Fix {
    std::string summary;                 // "give OVMF a 64 GiB 64-bit window"
    std::string trade_off;               // one line: what the fix costs or where it does not hold
    FixScope scope = FixScope::Guest;
    FixStability stability = FixStability::Stable;
    std::vector<std::string> qemu_args;  // words to add to the QEMU command line
    // When qemu_args replace an option already on the command line (a -cpu, -machine or -device that
    // cannot be given twice): that option's words as written; empty: qemu_args are added.
    std::vector<std::string> qemu_replaces;
    std::string libvirt_xml;             // the domain XML fragment that does the same
    DomainFix domain;                    // the same change as an edit `aperture fix` applies to a domain XML
    std::vector<std::string> xl_cfg;     // Xen: the xl.cfg lines to set (`mmio_hole = 512`)
    std::vector<std::string> host_steps;  // host-side: the commands to run on the host, in order
    // The change itself, applied to what the check reads; empty for fixes proven another way.
    std::function<void(CheckSubject&)> apply;
    bool proven = false;  // re-planning with the fix applied passes (for FixProof::Proven: the whole check)
    FixProof proof = FixProof::NotTried;
    std::string proof_text;            // how it was proven or refuted: the hosts checked, what failed
    std::vector<std::string> closes;   // the FAIL (and WARN) findings it closes: "host.phys-bits", "target.host.phys-bits"
    std::vector<std::string> new_warnings;  // findings that passed and WARN with the fix: a cost, ranked after fixes without

};

// What a finding is about, as data beside its prose (aperture-check/3's "subject"; the port is `about`).
struct FindingBar {
    Bdf bdf;
    std::optional<int> index;  // nullopt: the function as a whole, or a bridge window
};
struct FindingSubject {
    std::vector<FindingBar> bars;
    std::optional<AddressRange> range;  // a window, or the addresses the guest uses
};

struct Finding {
    FindingKind kind = FindingKind::FirmwareAssignment;  // printed as its stable id: to_string(kind)
    Verdict verdict = Verdict::Pass;
    // What the finding is about when one check reports several (the port of a hotplug.reservation); empty
    // when a check reports one.
    std::string about;
    std::string title;
    std::string evidence;
    std::string why;
    // Ranked: least invasive first, guest settings before host-specific ones before host-side steps,
    // stable knobs before experimental ones. After the whole check, only proven fixes are kept when one is.
    std::vector<Fix> fixes;
    // FAIL with no fix: why no software change helps ("this host cannot run this VM").
    std::string no_fix;
    FindingSubject subject;

    const Fix* first_fix() const { return fixes.empty() ? nullptr : &fixes.front(); }
};

}  // namespace aperture
