#include "diagnostics/domain_fixes.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace aperture {

namespace {

// Two fixes asking for the same setting: the larger value satisfies both (a wider window, a higher limit,
// more address bits).
template <class T>
void take_larger(std::optional<T>& into, const std::optional<T>& from) {
    if (from && (!into || *from > *into)) into = from;
}

// The 64-bit PCI hole is proposed only smaller (QEMU's phys-bits check counts all of it): the smaller
// value satisfies both.
template <class T>
void take_smaller(std::optional<T>& into, const std::optional<T>& from) {
    if (from && (!into || *from < *into)) into = from;
}

}  // namespace

CombinedDomainFix combine_domain_fixes(const std::vector<Finding>& findings) {
    CombinedDomainFix out;
    for (const auto& f : findings) {
        if (f.verdict != Verdict::Fail) continue;
        if (f.fixes.empty()) {
            out.not_applied.push_back(fmt::format("{}: no fix ({})", to_string(f.kind), f.no_fix.empty() ? f.evidence : f.no_fix));
            continue;
        }
        // The best-ranked proven fix that libvirt's XML can say.
        const auto written = std::find_if(f.fixes.begin(), f.fixes.end(), [](const Fix& x) { return x.proven && !x.domain.empty(); });
        if (written == f.fixes.end()) {
            const bool any_domain = std::any_of(f.fixes.begin(), f.fixes.end(), [](const Fix& x) { return !x.domain.empty(); });
            out.not_applied.push_back(any_domain ? fmt::format("{}: the fix did not pass when checked again, so it is not written: {}", to_string(f.kind),
                                                               f.fixes.front().summary)
                                                 : fmt::format("{}: the fix is not a domain XML change: {}", to_string(f.kind), f.fixes.front().summary));
            continue;
        }
        const DomainFix& d = written->domain;
        take_larger(out.edit.maxphysaddr_bits, d.maxphysaddr_bits);
        take_smaller(out.edit.pcihole64_kib, d.pcihole64_kib);
        take_larger(out.edit.hard_limit_kib, d.hard_limit_kib);
        take_larger(out.edit.x_pci_mmio64_mb, d.x_pci_mmio64_mb);
        for (const auto& p : d.overrides) {
            auto same = std::find_if(out.edit.overrides.begin(), out.edit.overrides.end(),
                                     [&](const QemuOverrideProperty& q) { return q.alias == p.alias && q.name == p.name; });
            if (same == out.edit.overrides.end()) out.edit.overrides.push_back(p);
            else if (p.type != "unsigned" || std::stoull(p.value) > std::stoull(same->value)) *same = p;
        }
        out.applied.push_back(fmt::format("{}: {}", to_string(f.kind), written->summary));
    }
    return out;
}

}  // namespace aperture
