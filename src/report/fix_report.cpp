#include "report/fix_report.hpp"

#include <nlohmann/json.hpp>

namespace aperture {

std::string render_fix_json(const FixReport& report) {
    nlohmann::ordered_json j;
    j["schema"] = "aperture-fix/2";
    j["domain"] = report.domain_file;
    j["summary"] = report.before.subject;
    if (!report.before.stack_json.empty()) j["stack"] = nlohmann::ordered_json::parse(report.before.stack_json);
    j.update(check_findings_json(report.before));
    j.erase("failed");  // the verdict is the fixed domain's, given last
    j["applied"] = report.applied;
    j["not_applied"] = report.not_applied;
    nlohmann::ordered_json fixed{{"domain_xml", report.fixed_xml}};
    fixed.update(check_findings_json(report.after));
    j["fixed"] = std::move(fixed);
    // The exit status's verdict: whether the fixed domain still fails.
    j["failed"] = any_failure(report.after);
    return j.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

}  // namespace aperture
