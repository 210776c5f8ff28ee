#pragma once
// The APIC IDs QEMU gives x86 CPUs: each topology level takes the bits its count needs, so a count that
// is not a power of two leaves holes, and the limit firmware sizes its per-CPU tables by can exceed
// maxcpus.

#include "config/vm_spec.hpp"

namespace aperture {

// include/hw/i386/topology.h x86_apicid_from_cpu_idx for the last possible CPU, plus one: x86_cpus_init's
// apic_id_limit, which QEMU passes to firmware as fw_cfg FW_CFG_MAX_CPUS ("etc/max-cpus" in SeaBIOS).
unsigned x86_apic_id_limit(const SmpSpec& smp);

}  // namespace aperture
