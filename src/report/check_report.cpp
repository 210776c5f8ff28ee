#include "report/check_report.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>

#include "core/json_shapes.hpp"

namespace aperture {

namespace {

// A block of text under "libvirt: " or "host: ", each further line indented to match.
void labelled_lines(std::string& out, const std::string& label, const std::string& text) {
    std::string pad(label.size(), ' ');
    bool first = true;
    for (std::size_t start = 0; start <= text.size();) {
        const auto nl = text.find('\n', start);
        const std::string line = text.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
        out += fmt::format("        {}{}\n", first ? label : pad, line);
        first = false;
        if (nl == std::string::npos) break;
        start = nl + 1;
    }
}

std::string words_text(const std::vector<std::string>& words) {
    std::string out;
    for (const auto& w : words) out += (out.empty() ? "" : " ") + w;
    return out;
}

std::string proof_note(const Fix& fix) {
    switch (fix.proof) {
        case FixProof::Proven: return " (proven: " + fix.proof_text + ")";
        case FixProof::Refuted: return " (does NOT hold: " + fix.proof_text + ")";
        case FixProof::NotTried: break;
    }
    return fix.proven ? " (planned again with it: passes)" : "";
}

void fix_text(std::string& out, const Fix& fix, const std::string& heading) {
    out += fmt::format("      {}: {}{}\n", heading, fix.summary, proof_note(fix));
    if (!fix.trade_off.empty()) {
        out += fmt::format("        {}{}: {}\n", to_string(fix.scope), fix.stability == FixStability::Experimental ? ", experimental" : "",
                           fix.trade_off);
    }
    for (const auto& line : fix.xl_cfg) out += fmt::format("        xl.cfg:  {}\n", line);
    if (!fix.qemu_args.empty()) {
        out += fmt::format("        QEMU:    {}{}\n", words_text(fix.qemu_args),
                           fix.qemu_replaces.empty() ? "" : fmt::format("  (in place of {})", words_text(fix.qemu_replaces)));
    }
    if (!fix.libvirt_xml.empty()) labelled_lines(out, "libvirt: ", fix.libvirt_xml);
    for (const auto& step : fix.host_steps) out += fmt::format("        host:    {}\n", step);
}

void finding_text(std::string& out, const Finding& f, const std::string& prefix) {
    out += fmt::format("{}  {:<20} {}\n", to_string(f.verdict), prefix + std::string(to_string(f.kind)), f.title);
    out += fmt::format("      {}\n", f.evidence);
    if (!f.why.empty() && f.verdict != Verdict::Pass) out += fmt::format("      why: {}\n", f.why);
    for (std::size_t i = 0; i < f.fixes.size(); ++i) {
        fix_text(out, f.fixes[i], f.fixes.size() == 1 ? "fix" : fmt::format("fix {}", i + 1));
    }
    const bool proven = std::any_of(f.fixes.begin(), f.fixes.end(), [](const Fix& x) { return x.proven; });
    if (!proven && !f.no_fix.empty() && f.verdict == Verdict::Fail) out += fmt::format("      no fix: {}\n", f.no_fix);
}

// The kinds of change a fix is made of, each in its own syntax (aperture-check/3).
nlohmann::ordered_json changes_json(const Fix& fix) {
    nlohmann::ordered_json changes = nlohmann::ordered_json::array();
    if (!fix.qemu_args.empty()) {
        nlohmann::ordered_json c{{"kind", fix.qemu_replaces.empty() ? "qemu-args" : "qemu-args-replace"}, {"args", fix.qemu_args}};
        if (!fix.qemu_replaces.empty()) c["replaces"] = fix.qemu_replaces;
        changes.push_back(c);
    }
    if (!fix.libvirt_xml.empty()) changes.push_back({{"kind", "libvirt-xml"}, {"xml", fix.libvirt_xml}});
    if (!fix.xl_cfg.empty()) changes.push_back({{"kind", "xl-cfg"}, {"lines", fix.xl_cfg}});
    if (!fix.host_steps.empty()) changes.push_back({{"kind", "host"}, {"commands", fix.host_steps}});
    return changes;
}

const char* proof_name(FixProof proof) {
    switch (proof) {
        case FixProof::Proven: return "whole-check";
        case FixProof::Refuted: return "refuted";
        case FixProof::NotTried: break;
    }
    return "replanned";
}

nlohmann::ordered_json finding_json(const Finding& f) {
    nlohmann::ordered_json j;
    j["id"] = to_string(f.kind);
    j["verdict"] = to_string(f.verdict);
    nlohmann::ordered_json bars = nlohmann::ordered_json::array();
    for (const auto& b : f.subject.bars) {
        bars.push_back({{"pci_address", json_shape::pci_address(b.bdf)}, {"index", b.index ? nlohmann::ordered_json(*b.index) : nlohmann::ordered_json(nullptr)}});
    }
    j["subject"] = {{"bars", bars},
                    {"range", json_shape::range(f.subject.range)},
                    {"port", f.about.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(f.about)}};
    j["title"] = f.title;
    j["evidence"] = f.evidence;
    j["why"] = f.why;
    j["fixes"] = nlohmann::ordered_json::array();
    for (const auto& fix : f.fixes) {
        nlohmann::ordered_json x;
        x["summary"] = fix.summary;
        x["scope"] = to_string(fix.scope);
        x["stability"] = to_string(fix.stability);
        x["trade_off"] = fix.trade_off;
        x["proven"] = fix.proven;
        x["proof"] = {{"method", fix.proven || fix.proof == FixProof::Refuted ? proof_name(fix.proof) : "none"}, {"text", fix.proof_text}};
        x["closes"] = fix.closes;
        x["new_warnings"] = fix.new_warnings;
        x["changes"] = changes_json(fix);
        j["fixes"].push_back(std::move(x));
    }
    if (!f.no_fix.empty()) j["no_fix"] = f.no_fix;
    return j;
}

}  // namespace

bool any_failure(const CheckReport& report) {
    auto failed = [](const Finding& f) { return f.verdict == Verdict::Fail; };
    if (std::any_of(report.findings.begin(), report.findings.end(), failed)) return true;
    return std::any_of(report.migrations.begin(), report.migrations.end(),
                       [&](const CheckReport::Migration& m) { return std::any_of(m.findings.begin(), m.findings.end(), failed); });
}

std::string render_check_text(const CheckReport& report) {
    std::string out = fmt::format("aperture check: {}\n{}\n", report.subject, report.stack_text);
    unsigned pass = 0, warn = 0, fail = 0;
    auto count = [&](const Finding& f) { (f.verdict == Verdict::Pass ? pass : f.verdict == Verdict::Warn ? warn : fail)++; };
    for (const auto& f : report.findings) {
        finding_text(out, f, "");
        count(f);
    }
    for (std::size_t t = 0; t < report.migrations.size(); ++t) {
        const auto& m = report.migrations[t];
        out += fmt::format("\nOn the migration target {}:\n", m.target);
        const std::string prefix = report.migrations.size() == 1 ? "target." : fmt::format("target{}.", t + 1);
        for (const auto& f : m.findings) {
            finding_text(out, f, prefix);
            count(f);
        }
    }
    out += fmt::format("\nResult: {} FAIL, {} WARN, {} PASS\n", fail, warn, pass);
    return out;
}

std::string render_check_json(const CheckReport& report) {
    nlohmann::ordered_json j;
    j["schema"] = "aperture-check/3";
    j["summary"] = report.subject;
    if (!report.stack_json.empty()) j["stack"] = nlohmann::ordered_json::parse(report.stack_json);
    j.update(check_findings_json(report));
    if (!report.plan_json.empty()) j["plan"] = nlohmann::ordered_json::parse(report.plan_json);
    return j.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

nlohmann::ordered_json check_findings_json(const CheckReport& report) {
    nlohmann::ordered_json j;
    j["findings"] = nlohmann::ordered_json::array();
    for (const auto& f : report.findings) j["findings"].push_back(finding_json(f));
    j["migrations"] = nlohmann::ordered_json::array();
    for (const auto& m : report.migrations) {
        nlohmann::ordered_json target{{"target", m.target}, {"findings", nlohmann::ordered_json::array()}};
        for (const auto& f : m.findings) target["findings"].push_back(finding_json(f));
        j["migrations"].push_back(std::move(target));
    }
    j["failed"] = any_failure(report);
    return j;
}

}  // namespace aperture
