#pragma once
// The fixes `aperture fix` writes into a libvirt domain: every FAIL's proven fix that has a domain-XML
// form, combined into one edit; what cannot be written that way is listed for the user instead.

#include <string>
#include <vector>

#include "diagnostics/finding.hpp"

namespace aperture {

struct CombinedDomainFix {
    DomainFix edit;
    std::vector<std::string> applied;      // "host.phys-bits: give the guest the host's 39 physical address bits"
    std::vector<std::string> not_applied;  // a FAIL this edit does not fix, and why
};

CombinedDomainFix combine_domain_fixes(const std::vector<Finding>& findings);

}  // namespace aperture
