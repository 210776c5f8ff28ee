#pragma once
// The pseries pipeline: the VM -> the machine QEMU builds (src/machine/spapr) -> SLOF's BAR assignment
// under each PHB (src/firmware/slof). Modelled from upstream source at a named QEMU release; nothing
// here was checked against a running system (no ppc64 host or TCG oracle runs here).

#include <string>
#include <vector>

#include "config/vm_spec.hpp"
#include "firmware/slof/slof_bar_assignment.hpp"
#include "machine/spapr/spapr_machine.hpp"
#include "plan/plan.hpp"

namespace aperture {

// What libvirt's pseries memlock formula (src/qemu/qemu_domain.c getPPC64MemLockLimitBytes) reads from a
// VM, as this plan sees it. nPHB counts every spapr-pci-host-bridge, the default one included.
struct PseriesMemlockInputs {
    unsigned phb_count = 0;
    bool nvlink2 = false;       // an NVLink2 GPU or NPU link is passed through
    unsigned nvlink2_gpus = 0;  // GPUs QEMU maps RAM for (0 on a release without NVLink2)
    u64 ram_size = 0;
    u64 max_memory = 0;         // maxmem, or RAM
    bool vfio = false;          // any vfio-pci device
};

struct SpaprPlan {
    Outcome outcome = Outcome::Ok;
    std::string refusal;                    // QEMU's message when refused
    spapr::SpaprMachine machine;            // complete unless refused
    std::vector<slof::PhbAssignment> slof;  // one per machine.phbs entry
    std::string hypervisor_model;           // "qemu-7.2"
    std::string firmware_model = slof::SLOF_MODEL;
    PseriesMemlockInputs memlock;
    bool all_bars_fit() const;
};

SpaprPlan make_spapr_plan(const VmSpec& spec, spapr::QemuRelease release, const spapr::SpaprHost& host);

}  // namespace aperture
