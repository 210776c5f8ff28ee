#pragma once
// `aperture check` output: one line per finding in virt-host-validate's manner, with its evidence, why
// it matters and the fixes in QEMU, libvirt, xl.cfg and host syntax, ranked, each with how it was proven;
// or the same as JSON ("aperture-check/3").

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "diagnostics/finding.hpp"

namespace aperture {

struct CheckReport {
    std::string subject;  // "QEMU 7.2 pc-q35-7.2 with OVMF ... on <host>"
    // QEMU x86: the plan's Stack block (render_stack_text) and `stack` object (render_stack_json); empty
    // for platforms that record no provenance.
    std::string stack_text;
    std::string stack_json;
    std::vector<Finding> findings;
    struct Migration {
        std::string target;             // the other host's name (--migrate-to)
        std::vector<Finding> findings;  // the host-dependent findings on that host
    };
    std::vector<Migration> migrations;
    std::string plan_json;  // the plan judged (render_json), for the JSON report; empty: not recorded
};

std::string render_check_text(const CheckReport& report);
std::string render_check_json(const CheckReport& report);
// The report's "findings" (each with its ranked fixes and their changes), "migrations" and "failed", as
// aperture-check/3 holds them; `aperture fix`'s JSON (report/fix_report.hpp) holds the same members.
nlohmann::ordered_json check_findings_json(const CheckReport& report);
bool any_failure(const CheckReport& report);

}  // namespace aperture
