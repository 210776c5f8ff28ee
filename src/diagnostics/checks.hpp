#pragma once
// `aperture check`: the plan's findings against the host it will run on. Each check is a function of the
// plan, the VM as the user wrote it (fixes are changes to it, proven by planning again) and, where it
// matters, the host snapshot; without a host the host-dependent checks are skipped, not passed.

#include <optional>
#include <vector>

#include "config/vm_spec.hpp"
#include "devices/pci_function.hpp"
#include "diagnostics/finding.hpp"
#include "host/host_snapshot.hpp"
#include "libvirt/memlock_limit.hpp"
#include "plan/plan.hpp"

namespace aperture {

// A device the user will hot-plug later behind a port: every BAR of it must fit the windows the firmware
// left the port (--will-attach PORT=DEVICE).
struct PlannedHotplug {
    std::string port;         // the port's id=
    std::string what;         // the device as the user named it: "32G", "h100", "0000:41:00.0"
    PciFunctionSpec device;   // its BARs
    // A device known only by its largest BAR ("32G"): one 64-bit prefetchable BAR of `bytes`.
    static PlannedHotplug largest_bar(std::string port, u64 bytes);
};

// The VM came from libvirt domain XML: what libvirt reads to set QEMU's locked-memory limit, and which
// libvirt will start it (Debian 12 ships 9.0.0).
struct LibvirtMemlockContext {
    LibvirtMemlockInput domain;
    LibvirtVersion version{9, 0, 0};
};

// Whether the checks propose fixes (each with the edit that applies it) or only give verdicts: proving a
// fix checks the changed VM again, and that check needs no fixes of its own.
enum class FixSearch { Propose, VerdictsOnly };

struct CheckInput {
    const VmSpec& spec;
    const PlanOptions& options;
    const Plan& plan;
    const HostSnapshot* host = nullptr;  // nullptr: no host known
    std::vector<PlannedHotplug> hotplug = {};
    std::optional<LibvirtMemlockContext> libvirt = std::nullopt;  // nullopt: a plain QEMU command line
    FixSearch search = FixSearch::Propose;
    // `host` is the source host (nullopt) or CheckSubject::targets[*target]: a host-side fix edits that one.
    std::optional<std::size_t> target = std::nullopt;
};

std::vector<Finding> run_checks(const CheckInput& input);

// The guest-physical ranges VFIO maps for DMA: every RAM range QEMU builds, hotpluggable memory included.
std::vector<AddressRange> guest_ram_ranges(const Machine& machine);

// What OVMF's identity-mapped page tables cost for a `width`-bit address space. Debian's OVMF_CODE_4M is
// built with PcdUse1GPageTable FALSE, so it maps with 2 MiB pages whatever the CPU offers.
u64 ovmf_page_table_bytes(unsigned width);

}  // namespace aperture
