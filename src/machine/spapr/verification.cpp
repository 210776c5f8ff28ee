#include "machine/spapr/verification.hpp"

namespace aperture::spapr {

namespace {

// tests/oracle/pseries/recorded: Debian 12's QEMU 7.2.22 (1:7.2+dfsg-7+deb12u18) with its SLOF 20220719.
constexpr std::string_view kOracleStack = "QEMU 7.2 + SLOF 20220719";
// tests/oracle/pseries/README (the recordings' counts); replayed by CTest oracle_replay_pseries*.
constexpr std::string_view kOracleRecord = "770 held-out cases agree";

}  // namespace

SpaprVerification spapr_verification(QemuRelease release) {
    SpaprVerification v;
    v.source_only = {SpaprPart::DdwWindows, SpaprPart::Nvlink2, SpaprPart::Vfio, SpaprPart::GuestReassignment};
    // Only Debian 12's release runs here; 8.1 and 8.2 are read from their tags.
    if (release == QemuRelease::V7_2) {
        v.stack = kOracleStack;
        v.record = kOracleRecord;
        v.checked = {SpaprPart::PhbWindows, SpaprPart::SlofBars, SpaprPart::BridgeWindows};
    } else {
        v.source_only.insert(v.source_only.begin(), {SpaprPart::PhbWindows, SpaprPart::SlofBars, SpaprPart::BridgeWindows});
    }
    return v;
}

namespace {

std::string list(const std::vector<SpaprPart>& parts) {
    std::string out;
    for (const auto part : parts) out += (out.empty() ? "" : ", ") + std::string(part_text(part));
    return out;
}

}  // namespace

std::string verification_text(QemuRelease release) {
    const SpaprVerification v = spapr_verification(release);
    if (v.checked.empty()) {
        return "modelled from upstream source only, not checked against a running system (QEMU " + std::string(release_info(release).name) +
               " does not run here; the oracle is QEMU 7.2)";
    }
    return "checked against " + std::string(v.stack) + " (" + std::string(v.record) + "): " + list(v.checked) +
           "; modelled from upstream source only: " + list(v.source_only);
}

std::string_view part_key(SpaprPart part) {
    switch (part) {
        case SpaprPart::PhbWindows: return "phb-windows";
        case SpaprPart::SlofBars: return "slof-bars";
        case SpaprPart::BridgeWindows: return "bridge-windows";
        case SpaprPart::DdwWindows: return "ddw-windows";
        case SpaprPart::Nvlink2: return "nvlink2";
        case SpaprPart::Vfio: return "vfio";
        case SpaprPart::GuestReassignment: return "guest-reassignment";
    }
    return "";
}

std::string_view part_text(SpaprPart part) {
    switch (part) {
        case SpaprPart::PhbWindows: return "PHB windows";
        case SpaprPart::SlofBars: return "the BARs SLOF programs";
        case SpaprPart::BridgeWindows: return "pci-bridge windows";
        case SpaprPart::DdwWindows: return "DDW windows the guest creates";
        case SpaprPart::Nvlink2: return "NVLink2";
        case SpaprPart::Vfio: return "VFIO";
        case SpaprPart::GuestReassignment: return "what Linux reassigns";
    }
    return "";
}

}  // namespace aperture::spapr
