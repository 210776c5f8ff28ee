// `aperture memlock`: the locked-memory limit libvirt sets for a domain of any architecture, read without
// planning the VM.

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "app/use_cases.hpp"
#include "core/json_shapes.hpp"
#include "host/host_snapshot_json.hpp"
#include "input/libvirt_xml/memlock_reader.hpp"
#include "libvirt/libvirt_memlock_release.hpp"
#include "libvirt/xml_memlock_input.hpp"

namespace aperture::app {

namespace {

const char* action_name(LibvirtMemlockAction action) {
    switch (action) {
        case LibvirtMemlockAction::Leave: return "left as libvirtd's";
        case LibvirtMemlockAction::Set: return "set";
        case LibvirtMemlockAction::Unlimited: return "unlimited";
    }
    return "";
}

// aperture-memlock/2's "action": what libvirt does with the limit, as a word.
const char* action_word(LibvirtMemlockAction action) {
    switch (action) {
        case LibvirtMemlockAction::Leave: return "leave";
        case LibvirtMemlockAction::Set: return "set";
        case LibvirtMemlockAction::Unlimited: return "unlimited";
    }
    return "leave";
}

// The limit as a user reads it: bytes and KiB, or what libvirt does instead of setting one.
std::string limit_text(const LibvirtMemlockLimit& limit) {
    if (limit.action != LibvirtMemlockAction::Set) return action_name(limit.action);
    return fmt::format("{} bytes ({} KiB)", limit.bytes, limit.bytes / KiB);
}

}  // namespace

MemlockResult memlock(const MemlockRequest& request) {
    const LibvirtMemlockDomain domain = read_libvirt_memlock_domain_file(request.xml_file);
    std::optional<HostSnapshot> snapshot;
    if (!request.host_file.empty()) snapshot = load_host_snapshot(request.host_file);
    const XmlMemlockInput input = xml_memlock_input(domain, XmlMemlockHost{snapshot ? &*snapshot : nullptr, request.nvlink2});
    const LibvirtVersion version = parse_libvirt_version(request.libvirt_version);
    MemlockResult result{libvirt_memlock_limit(input.input, version), ""};
    const LibvirtMemlockLimit& limit = result.limit;
    const bool ppc64_kvm = input.input.arch == LibvirtGuestArch::Ppc64 && input.input.virt_type == LibvirtVirtType::Kvm;
    // getPPC64MemLockLimitBytes is the same in every release read but for its NVLink2 term, which libvirt
    // 5.3.0 added (libvirt_memlock_release.hpp); the release formulas are the others'.
    const std::string formula =
        ppc64_kvm ? fmt::format("ppc64 KVM (getPPC64MemLockLimitBytes; its NVLink2 term since libvirt {})",
                                to_string(libvirt_memlock_branch_since(LibvirtMemlockBranch::Ppc64Nvlink2)))
                  : to_string(limit.formula);

    if (request.format == OutputFormat::Json) {
        nlohmann::ordered_json j;
        j["schema"] = "aperture-memlock/2";
        j["domain"] = request.xml_file;
        j["arch"] = domain.arch;
        j["libvirt_version"] = request.libvirt_version;
        j["action"] = action_word(limit.action);
        // The limit libvirt sets; null when it leaves libvirtd's own in place.
        j["limit"] = limit.action == LibvirtMemlockAction::Leave ? nlohmann::ordered_json(nullptr)
                                                                  : json_shape::limit(limit.action == LibvirtMemlockAction::Set ? std::optional<u64>(limit.bytes) : std::nullopt);
        j["formula"] = formula;
        j["verified_release"] = limit.verified;
        j["explanation"] = limit.explanation;
        if (input.input.arch == LibvirtGuestArch::Ppc64) {
            j["pseries_phbs"] = input.input.pseries_phbs;
            j["phb_note"] = input.phb_note;
            j["nvlink2"] = input.input.nvlink2;
        }
        result.output = json_shape::document_text(j);
        return result;
    }
    std::string& out = result.output;
    out += fmt::format("{}: libvirt {} memlock limit: {}\n", request.xml_file, request.libvirt_version, limit_text(limit));
    out += fmt::format("  formula: {}{}\n", formula, limit.verified ? "" : " (assumed: a release after the newest one read, 10.7.0)");
    out += fmt::format("  terms:   {}\n", limit.explanation);
    if (input.input.arch == LibvirtGuestArch::Ppc64) {
        out += fmt::format("  PHBs:    {} after libvirt's PCI address assignment; {}\n", input.input.pseries_phbs, input.phb_note);
        if (!ppc64_kvm) out += "  (not <domain type='kvm'>: libvirt takes the generic rule, not the ppc64 one)\n";
    }
    return result;
}

}  // namespace aperture::app
