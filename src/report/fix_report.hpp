#pragma once
// `aperture fix --format json` ("aperture-fix/2"): the domain's findings with every fix as `check --format
// json` gives them (report/check_report.hpp: kind, the text in each syntax, the proof, the findings it
// closes), which fixes were written into the domain and which could not be, the fixed domain, and the
// check of the fixed domain.

#include <string>
#include <vector>

#include "report/check_report.hpp"

namespace aperture {

struct FixReport {
    std::string domain_file;               // the --xml file fixed
    CheckReport before;                    // the domain as given: its findings, each with its ranked fixes
    std::vector<std::string> applied;      // "host.phys-bits: give the guest ..." (diagnostics/domain_fixes.hpp)
    std::vector<std::string> not_applied;  // a FAIL whose fix could not be written, and why
    std::string fixed_xml;                 // the domain with the fixes written in
    CheckReport after;                     // the fixed domain, read back and checked again (findings and migrations)
};

std::string render_fix_json(const FixReport& report);

}  // namespace aperture
