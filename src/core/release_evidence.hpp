#pragma once
// How a release's model was checked: shared by the QEMU and firmware release tables.

namespace aperture {

// Against the real binary under TCG (tests/oracle), or only read from the upstream source at its tag
// because no Debian suite builds it for this machine.
enum class ReleaseEvidence { RealBinary, UpstreamSource };

constexpr const char* to_string(ReleaseEvidence evidence) {
    switch (evidence) {
        case ReleaseEvidence::RealBinary: return "checked against the real binary";
        case ReleaseEvidence::UpstreamSource: return "modelled from the upstream source, not checked against a binary";
    }
    return "";
}

}  // namespace aperture
