#include "diagnostics/fix_proof.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <map>

#include "core/error.hpp"
#include "diagnostics/fix_syntax.hpp"

namespace aperture {

namespace {

// One finding's verdict, and which check on which host gave it.
struct Judged {
    Verdict verdict = Verdict::Pass;
    FindingKind kind = FindingKind::FirmwareAssignment;
    std::optional<std::size_t> target;  // nullopt: the source host
};

// Each finding by its key, over the source host and every target.
using Verdicts = std::map<std::string, Judged>;

Verdicts verdicts_of(const CheckedVm& checked) {
    Verdicts out;
    const std::size_t targets = checked.target_findings.size();
    for (const auto& f : checked.findings) out[finding_key(f, std::nullopt, targets)] = {f.verdict, f.kind, std::nullopt};
    for (std::size_t t = 0; t < targets; ++t) {
        for (const auto& f : checked.target_findings[t]) out[finding_key(f, t, targets)] = {f.verdict, f.kind, t};
    }
    return out;
}

// A finding no longer reported (its check does not apply to the changed VM) passes.
Verdict verdict_in(const Verdicts& verdicts, const std::string& key) {
    const auto it = verdicts.find(key);
    return it == verdicts.end() ? Verdict::Pass : it->second.verdict;
}

// What a refuted fix made FAIL, by check and host: a fix refuted only by host.phys-bits may hold together
// with shadow paging on those hosts.
struct Opened {
    FindingKind kind;
    std::optional<std::size_t> target;
};

std::string host_label(const HostSnapshot& host) {
    return host.cpu && host.cpu->model_name ? *host.cpu->model_name : "host " + host.root;
}

std::string hosts_checked(const CheckSubject& subject) {
    std::string out = subject.host ? "on " + host_label(*subject.host) : "without a host";
    for (const auto& t : subject.targets) out += " and on the target " + t.name;
    return out;
}

// Applies `fix` to a copy of the subject, checks it again and records the outcome on the fix.
std::vector<Opened> prove(Fix& fix, const std::string& own, const CheckSubject& subject, const Verdicts& before) {
    if (!fix.apply) return {};
    CheckSubject changed = subject;
    fix.apply(changed);
    const std::string where = fmt::format("planned and checked again {}", hosts_checked(subject));
    Verdicts after;
    try {
        after = verdicts_of(check_vm(changed, FixSearch::VerdictsOnly));
    } catch (const InputError& e) {
        fix.proof = FixProof::Refuted;
        fix.proof_text = fmt::format("the changed VM is not accepted: {}", e.what());
        return {};
    } catch (const UnsupportedError& e) {
        fix.proof = FixProof::Refuted;
        fix.proof_text = fmt::format("the changed VM is outside what aperture models: {}", e.what());
        return {};
    }
    std::vector<std::string> opened_fail;
    std::vector<Opened> opened;
    std::vector<std::string> opened_warn;
    std::vector<std::string> closed;
    for (const auto& [key, judged] : after) {
        const Verdict was = verdict_in(before, key);
        if (judged.verdict == Verdict::Fail && was != Verdict::Fail) {
            opened_fail.push_back(key);
            opened.push_back({judged.kind, judged.target});
        }
        if (judged.verdict == Verdict::Warn && was == Verdict::Pass) opened_warn.push_back(key);
    }
    for (const auto& [key, judged] : before) {
        const Verdict was = judged.verdict;
        const Verdict now = verdict_in(after, key);
        // A FAIL that now passes or only warns is closed; so is the fix's own WARN when it now passes.
        if ((was == Verdict::Fail && now != Verdict::Fail) || (key == own && was == Verdict::Warn && now == Verdict::Pass)) {
            closed.push_back(key);
        }
    }
    const bool own_closed = std::find(closed.begin(), closed.end(), own) != closed.end();
    fix.closes = closed;
    fix.new_warnings = opened_warn;
    if (own_closed && opened_fail.empty()) {
        fix.proof = FixProof::Proven;
        fix.proven = true;
        const Verdict own_now = verdict_in(after, own);
        fix.proof_text = fmt::format("{}: {} {}, no new FAIL", where, own, own_now == Verdict::Warn ? "only warns" : "passes");
        if (closed.size() > 1) fix.proof_text += fmt::format("; closes {}", fmt::join(closed, ", "));
        if (!opened_warn.empty()) fix.proof_text += fmt::format("; new WARN: {}", fmt::join(opened_warn, ", "));
        return {};
    }
    fix.proof = FixProof::Refuted;
    fix.proven = false;
    std::vector<std::string> why;
    if (!own_closed) why.push_back(fmt::format("{} still {}", own, verdict_in(after, own) == Verdict::Fail ? "FAILs" : "WARNs"));
    if (!opened_fail.empty()) why.push_back(fmt::format("it makes {} FAIL", fmt::join(opened_fail, ", ")));
    fix.proof_text = fmt::format("{}: {}", where, fmt::join(why, "; "));
    if (!own_closed) return {};
    return opened;
}

int proof_rank(FixProof proof) {
    switch (proof) {
        case FixProof::Proven: return 0;
        case FixProof::NotTried: return 1;
        case FixProof::Refuted: return 2;
    }
    return 2;
}

// Proven first, and of those the ones that make nothing new WARN; then guest settings before host-specific
// ones before host-side steps, stable before experimental; the checks propose the least invasive of each
// first, and the sort keeps that order.
void rank(Finding& f) {
    std::stable_sort(f.fixes.begin(), f.fixes.end(), [](const Fix& a, const Fix& b) {
        return std::tuple(proof_rank(a.proof), !a.new_warnings.empty(), a.scope, a.stability) <
               std::tuple(proof_rank(b.proof), !b.new_warnings.empty(), b.scope, b.stability);
    });
    const bool any_proven = !f.fixes.empty() && f.fixes.front().proof == FixProof::Proven;
    if (any_proven) std::erase_if(f.fixes, [](const Fix& x) { return x.proof == FixProof::Refuted; });
    if (!any_proven && f.verdict == Verdict::Fail && f.no_fix.empty() && !f.fixes.empty() &&
        std::all_of(f.fixes.begin(), f.fixes.end(), [](const Fix& x) { return x.proof == FixProof::Refuted; })) {
        f.no_fix = "none of the changes tried passes the whole check (each is listed with what still fails)";
    }
}

// The host a finding was judged on, when that host's CPU vendor is known (for its KVM module's name).
const HostSnapshot* judged_host(const CheckSubject& subject, std::optional<std::size_t> target) {
    const HostSnapshot* host = target ? &subject.targets.at(*target).host : (subject.host ? &*subject.host : nullptr);
    return host && host->cpu && host->cpu->vendor ? host : nullptr;
}

// A fix that closes its finding but makes host.phys-bits FAIL asks for addresses the host's EPT/NPT
// cannot map; with shadow paging on those hosts it may hold. Returns the fix with that host-side step
// added, or nullopt when something else failed too.
std::optional<Fix> with_shadow_paging(const Fix& fix, const std::vector<Opened>& opened, const CheckSubject& subject) {
    if (opened.empty()) return std::nullopt;
    Fix both = fix;
    for (const auto& o : opened) {
        const HostSnapshot* host = judged_host(subject, o.target);
        if (o.kind != FindingKind::HostPhysBits || !host) return std::nullopt;
        both = combined_fix(std::move(both), disable_tdp_fix(*host->cpu->vendor, o.target));
    }
    both.proof = FixProof::NotTried;
    both.proven = false;
    both.proof_text.clear();
    both.closes.clear();
    return both;
}

void prove_all(std::vector<Finding>& findings, std::optional<std::size_t> target, const CheckSubject& subject, const Verdicts& before) {
    for (auto& f : findings) {
        const std::string own = finding_key(f, target, subject.targets.size());
        std::vector<Fix> escalated;
        for (auto& fix : f.fixes) {
            const auto opened = prove(fix, own, subject, before);
            if (auto both = with_shadow_paging(fix, opened, subject)) escalated.push_back(std::move(*both));
        }
        const bool any_proven = std::any_of(f.fixes.begin(), f.fixes.end(), [](const Fix& x) { return x.proof == FixProof::Proven; });
        if (!any_proven) {
            for (auto& fix : escalated) {
                prove(fix, own, subject, before);
                f.fixes.push_back(std::move(fix));
            }
        }
        rank(f);
    }
}

}  // namespace

std::string finding_key(const Finding& finding, std::optional<std::size_t> target, std::size_t target_count) {
    std::string name(to_string(finding.kind));
    if (!finding.about.empty()) name += "(" + finding.about + ")";
    if (!target) return name;
    if (target_count <= 1) return "target." + name;
    return fmt::format("target{}.{}", *target + 1, name);
}

CheckedVm check_vm(const CheckSubject& subject, FixSearch search) {
    CheckedVm out;
    out.plan = make_plan(subject.spec, subject.options);
    const HostSnapshot* host = subject.host ? &*subject.host : nullptr;
    out.findings = run_checks({subject.spec, subject.options, out.plan, host, subject.hotplug, subject.libvirt, search, std::nullopt});
    for (std::size_t t = 0; t < subject.targets.size(); ++t) {
        std::vector<Finding> on_target;
        for (auto& f : run_checks({subject.spec, subject.options, out.plan, &subject.targets[t].host, subject.hotplug, subject.libvirt, search, t})) {
            if (is_host_finding(f.kind)) on_target.push_back(std::move(f));
        }
        out.target_findings.push_back(std::move(on_target));
    }
    if (search == FixSearch::VerdictsOnly) return out;
    const Verdicts before = verdicts_of(out);
    prove_all(out.findings, std::nullopt, subject, before);
    for (std::size_t t = 0; t < out.target_findings.size(); ++t) prove_all(out.target_findings[t], t, subject, before);
    return out;
}

}  // namespace aperture
