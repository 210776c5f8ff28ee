#pragma once
// The QEMU and firmware a Debian-family host has installed, read from the dpkg database, and the kernel
// release: what a plan made for this host models unless the user names a stack. Read-only, like every
// part of the probe.

#include <array>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "host/host_files.hpp"

namespace aperture {

// dpkg's database of installed packages (man dpkg: /var/lib/dpkg/status), under the probed root.
inline constexpr const char* kDpkgStatusFile = "/var/lib/dpkg/status";
// kernel/sysctl: /proc/sys/kernel/osrelease holds `uname -r`.
inline constexpr const char* kKernelReleaseFile = "/proc/sys/kernel/osrelease";

// Debian's binary packages of the stack aperture models: QEMU's x86 system emulator (its bios-256k.bin
// comes from seabios), SeaBIOS, and OVMF (ovmf-generic: Debian 13's build without SMM, same edk2 source).
inline constexpr std::string_view kQemuSystemX86Package = "qemu-system-x86";
inline constexpr std::string_view kSeabiosPackage = "seabios";
inline constexpr std::string_view kOvmfPackage = "ovmf";
inline constexpr std::string_view kOvmfGenericPackage = "ovmf-generic";
// Proxmox VE's own QEMU build ("9.2.0-5"), which replaces qemu-system-x86 on its hosts.
inline constexpr std::string_view kPveQemuKvmPackage = "pve-qemu-kvm";
inline constexpr std::array kWatchedPackages{kQemuSystemX86Package, kSeabiosPackage, kOvmfPackage, kOvmfGenericPackage,
                                             kPveQemuKvmPackage};

// One stanza of the dpkg database, as far as aperture reads it.
struct InstalledPackage {
    std::string name;     // Package:
    std::string status;   // Status: "install ok installed", "deinstall ok config-files", ...
    std::string version;  // Version: "1:7.2+dfsg-7+deb12u18"; empty for a package dpkg only remembers

    // dpkg's current state (the Status field's third word) is "installed": its files are on the host.
    bool installed() const;
    friend bool operator==(const InstalledPackage&, const InstalledPackage&) = default;
};

// The software a snapshot records. A snapshot saved before aperture recorded it has none (HostSnapshot::
// software is nullopt); within it, nullopt means the file could not be read.
struct HostSoftware {
    std::optional<std::string> kernel_release;  // "6.1.0-28-amd64"
    // The stanzas of kWatchedPackages found in the dpkg database, in the database's order; nullopt when there
    // is no database (not a Debian-family host, or a copied tree without it).
    std::optional<std::vector<InstalledPackage>> packages;

    // The package when it is installed; nullptr when it is absent, only remembered, or nothing was read.
    const InstalledPackage* installed(std::string_view name) const;
    friend bool operator==(const HostSoftware&, const HostSoftware&) = default;
};

// The stanzas of `wanted` in a dpkg status file's text. Throws InputError naming `source_name` and the
// line for a wanted stanza dpkg would not write (installed without a Version, a field without a colon).
std::vector<InstalledPackage> parse_dpkg_status(std::string_view text, const std::string& source_name,
                                                std::span<const std::string_view> wanted = kWatchedPackages);

// Reads kDpkgStatusFile and kKernelReleaseFile through `files`.
HostSoftware read_host_software(const HostFiles& files);

// The upstream part of a Debian version: without the epoch ("1:"), the Debian revision (from the last
// '-') and a repack suffix ("+dfsg", "+ds", "~rc1"). "1:10.0.2+ds-2+deb13u1~bpo12+1" -> "10.0.2",
// "1.16.3-2" -> "1.16.3", "2022.11-6+deb12u2" -> "2022.11".
std::string upstream_version(std::string_view debian_version);

}  // namespace aperture
