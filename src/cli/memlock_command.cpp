#include "cli/memlock_command.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "host/host_snapshot_json.hpp"
#include "input/libvirt_xml/memlock_reader.hpp"
#include "libvirt/xml_memlock_input.hpp"

namespace aperture::cli {

namespace {

const char* action_name(LibvirtMemlockAction action) {
    switch (action) {
        case LibvirtMemlockAction::Leave: return "left as libvirtd's";
        case LibvirtMemlockAction::Set: return "set";
        case LibvirtMemlockAction::Unlimited: return "unlimited";
    }
    return "";
}

// The limit as a user reads it: bytes and KiB, or what libvirt does instead of setting one.
std::string limit_text(const LibvirtMemlockLimit& limit) {
    if (limit.action != LibvirtMemlockAction::Set) return action_name(limit.action);
    return fmt::format("{} bytes ({} KiB)", limit.bytes, limit.bytes / KiB);
}

}  // namespace

CLI::App* add_memlock_subcommand(CLI::App& app, MemlockCommand& cmd) {
    auto* memlock = app.add_subcommand("memlock", "The locked-memory limit libvirt sets for a domain XML (any architecture)");
    memlock->add_option("--xml", cmd.xml_file, "The libvirt domain XML (virsh dumpxml)")->required();
    memlock->add_option("--libvirt-version", cmd.libvirt_version, "The libvirt release that starts the domain (default 9.0.0, Debian 12's)");
    memlock->add_option("--host", cmd.host_file, "A host snapshot (aperture host --save): the PCI hostdevs' IOMMU groups (ppc64 PHBs)");
    memlock->add_option("--nvlink2", cmd.nvlink2, "HOSTBDF: a PCI hostdev that is an NVLink2 GPU (ppc64; repeatable)")
        ->expected(1)
        ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
    memlock->add_option("--format", cmd.format, "Output format")->check(CLI::IsMember({"text", "json"}));
    return memlock;
}

int run_memlock(const MemlockCommand& cmd, std::ostream& out) {
    const LibvirtMemlockDomain domain = read_libvirt_memlock_domain_file(cmd.xml_file);
    std::optional<HostSnapshot> snapshot;
    if (!cmd.host_file.empty()) snapshot = load_host_snapshot(cmd.host_file);
    const XmlMemlockInput input = xml_memlock_input(domain, XmlMemlockHost{snapshot ? &*snapshot : nullptr, cmd.nvlink2});
    const LibvirtVersion version = parse_libvirt_version(cmd.libvirt_version);
    const LibvirtMemlockLimit limit = libvirt_memlock_limit(input.input, version);
    const bool ppc64_kvm = input.input.arch == LibvirtGuestArch::Ppc64 && input.input.virt_type == LibvirtVirtType::Kvm;
    // getPPC64MemLockLimitBytes is the same in every release read; the release formulas are the others'.
    const std::string formula = ppc64_kvm ? "ppc64 KVM (getPPC64MemLockLimitBytes, unchanged in every release read)" : to_string(limit.formula);

    if (cmd.format == "json") {
        nlohmann::ordered_json j;
        j["xml"] = cmd.xml_file;
        j["arch"] = domain.arch;
        j["libvirt_version"] = cmd.libvirt_version;
        j["action"] = action_name(limit.action);
        j["bytes"] = limit.bytes;
        j["formula"] = formula;
        j["verified_release"] = limit.verified;
        j["explanation"] = limit.explanation;
        if (input.input.arch == LibvirtGuestArch::Ppc64) {
            j["pseries_phbs"] = input.input.pseries_phbs;
            j["phb_note"] = input.phb_note;
            j["nvlink2"] = input.input.nvlink2;
        }
        out << j.dump(2) << "\n";
        return EXIT_OK;
    }
    out << fmt::format("{}: libvirt {} memlock limit: {}\n", cmd.xml_file, cmd.libvirt_version, limit_text(limit));
    out << fmt::format("  formula: {}{}\n", formula, limit.verified ? "" : " (assumed: a release after the newest one read, 10.7.0)");
    out << fmt::format("  terms:   {}\n", limit.explanation);
    if (input.input.arch == LibvirtGuestArch::Ppc64) {
        out << fmt::format("  PHBs:    {} after libvirt's PCI address assignment; {}\n", input.input.pseries_phbs, input.phb_note);
        if (!ppc64_kvm) out << "  (not <domain type='kvm'>: libvirt takes the generic rule, not the ppc64 one)\n";
    }
    return EXIT_OK;
}

}  // namespace aperture::cli
