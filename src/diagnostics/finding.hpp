#pragma once
// One diagnostic: a verdict in the manner of libvirt's virt-host-validate (PASS / WARN / FAIL), the
// evidence behind it (addresses, sizes), why it matters, and for a FAIL the smallest change that makes
// it pass, written in the user's own syntax.

#include <optional>
#include <string>
#include <vector>

#include "diagnostics/finding_kind.hpp"
#include "libvirt/domain_fix.hpp"

namespace aperture {

enum class Verdict { Pass, Warn, Fail };
const char* to_string(Verdict verdict);  // "PASS", "WARN", "FAIL"

struct Fix {
    std::string summary;                 // "give OVMF a 64 GiB 64-bit window"
    std::vector<std::string> qemu_args;  // words to add to the QEMU command line
    std::string libvirt_xml;             // the domain XML fragment that does the same
    DomainFix domain;                    // the same change as an edit `aperture fix` applies to a domain XML
    std::vector<std::string> xl_cfg;     // Xen: the xl.cfg lines to set (`mmio_hole = 512`)
    bool proven = false;                 // re-planning with the fix applied passes this check
};

struct Finding {
    FindingKind kind = FindingKind::FirmwareAssignment;  // printed as its stable id: to_string(kind)
    Verdict verdict = Verdict::Pass;
    std::string title;
    std::string evidence;
    std::string why;
    std::optional<Fix> fix;
    // FAIL with no fix: why no software change helps ("this host cannot run this VM").
    std::string no_fix;
};

}  // namespace aperture
