#include "report/check_report.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace aperture {

namespace {

void finding_text(std::string& out, const Finding& f, const std::string& prefix) {
    out += fmt::format("{}  {:<20} {}\n", to_string(f.verdict), prefix + std::string(to_string(f.kind)), f.title);
    out += fmt::format("      {}\n", f.evidence);
    if (!f.why.empty() && f.verdict != Verdict::Pass) out += fmt::format("      why: {}\n", f.why);
    if (f.fix) {
        out += fmt::format("      fix: {}{}\n", f.fix->summary, f.fix->proven ? " (planned again with it: passes)" : "");
        for (const auto& line : f.fix->xl_cfg) out += fmt::format("        xl.cfg:  {}\n", line);
        std::string args;
        for (const auto& a : f.fix->qemu_args) args += (args.empty() ? "" : " ") + a;
        if (!args.empty() || f.fix->xl_cfg.empty()) out += fmt::format("        QEMU:    {}\n", args);
        std::string xml = f.fix->libvirt_xml;
        std::string indented;
        for (std::size_t start = 0; start < xml.size();) {
            const auto nl = xml.find('\n', start);
            const std::string line = xml.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
            indented += (indented.empty() ? "        libvirt: " : "                 ") + line + "\n";
            if (nl == std::string::npos) break;
            start = nl + 1;
        }
        out += indented;
    } else if (!f.no_fix.empty() && f.verdict == Verdict::Fail) {
        out += fmt::format("      no fix: {}\n", f.no_fix);
    }
}

nlohmann::ordered_json finding_json(const Finding& f) {
    nlohmann::ordered_json j;
    j["id"] = to_string(f.kind);
    j["verdict"] = to_string(f.verdict);
    j["title"] = f.title;
    j["evidence"] = f.evidence;
    j["why"] = f.why;
    if (f.fix) {
        j["fix"] = {{"summary", f.fix->summary}, {"qemu_args", f.fix->qemu_args}, {"libvirt_xml", f.fix->libvirt_xml}, {"proven", f.fix->proven}};
        if (!f.fix->xl_cfg.empty()) j["fix"]["xl_cfg"] = f.fix->xl_cfg;
    } else {
        j["fix"] = nullptr;
    }
    if (!f.no_fix.empty()) j["no_fix"] = f.no_fix;
    return j;
}

}  // namespace

bool any_failure(const CheckReport& report) {
    auto failed = [](const Finding& f) { return f.verdict == Verdict::Fail; };
    return std::any_of(report.findings.begin(), report.findings.end(), failed) ||
           std::any_of(report.migration_findings.begin(), report.migration_findings.end(), failed);
}

std::string render_check_text(const CheckReport& report) {
    std::string out = fmt::format("aperture check: {}\n{}\n", report.subject, report.stack_text);
    unsigned pass = 0, warn = 0, fail = 0;
    auto count = [&](const Finding& f) { (f.verdict == Verdict::Pass ? pass : f.verdict == Verdict::Warn ? warn : fail)++; };
    for (const auto& f : report.findings) {
        finding_text(out, f, "");
        count(f);
    }
    if (!report.migration_target.empty()) {
        out += fmt::format("\nOn the migration target {}:\n", report.migration_target);
        for (const auto& f : report.migration_findings) {
            finding_text(out, f, "target.");
            count(f);
        }
    }
    out += fmt::format("\nResult: {} FAIL, {} WARN, {} PASS\n", fail, warn, pass);
    return out;
}

std::string render_check_json(const CheckReport& report) {
    nlohmann::ordered_json j;
    j["schema"] = "aperture-check/1";
    j["subject"] = report.subject;
    if (!report.stack_json.empty()) j["stack"] = nlohmann::ordered_json::parse(report.stack_json);
    j["findings"] = nlohmann::ordered_json::array();
    for (const auto& f : report.findings) j["findings"].push_back(finding_json(f));
    if (!report.migration_target.empty()) {
        j["migration"] = {{"target", report.migration_target}, {"findings", nlohmann::ordered_json::array()}};
        for (const auto& f : report.migration_findings) j["migration"]["findings"].push_back(finding_json(f));
    }
    j["failed"] = any_failure(report);
    return j.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

}  // namespace aperture
