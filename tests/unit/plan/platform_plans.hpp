#pragma once
// Xen and pseries plans for the PlanView and map tests: a Xen HVM guest with a passed-through GPU, and a
// pseries VM with two PHBs and passed-through NICs.

#include <map>
#include <string>
#include <vector>

#include "../support/words.hpp"
#include "devices/pci_ids.hpp"
#include "input/ppc64_command_line.hpp"
#include "plan/spapr_plan.hpp"
#include "plan/xen_plan.hpp"

namespace aperture::test {

inline PciFunctionSpec passthrough_function(std::vector<BarSpec> bars) {
    PciFunctionSpec f;
    f.driver = "vfio-pci";
    f.vendor_id = 0x10de;
    f.device_id = 0x1234;
    f.class_code = pci_ids::kClassDisplayVga;
    f.bars = std::move(bars);
    return f;
}

// 8 GiB and a GPU at host 41:00.0 with 16 MiB 32-bit, `bar1` and 32 MiB 64-bit BARs; guest phys-bits `phys_bits`.
inline XenPlan xen_gpu_plan(u64 bar1, unsigned phys_bits = 46) {
    XlDomainConfig config;
    config.source = "vm.cfg";
    config.memory_mib = 8192;
    config.pci.push_back(parse_pci_spec("41:00.0", "pci"));
    XenPlanOptions options;
    options.release = HvmloaderRelease::Xen4_17_7;
    options.phys_bits = phys_bits;
    options.phys_bits_source = "test";
    options.passthrough["0000:41:00.0"] =
        passthrough_function({BarSpec::memory32(0, 16 * MiB, Prefetchable::No), BarSpec::memory64(1, bar1, Prefetchable::Yes),
                              BarSpec::memory64(3, 32 * MiB, Prefetchable::Yes)});
    return make_xen_plan(config, options);
}

// PHB 0 (default) and PHB 1, each with a passed-through function of `bar_size` 32-bit BAR 0.
inline SpaprPlan pseries_two_phb_plan(u64 bar_size) {
    spapr::SpaprHost host;
    host.passthrough["0001:01:00.0"] = {passthrough_function({BarSpec::memory32(0, bar_size, Prefetchable::No)}), std::nullopt};
    host.passthrough["0001:02:00.0"] = {passthrough_function({BarSpec::memory64(0, 4 * GiB, Prefetchable::Yes), BarSpec::io(2, 256)}), std::nullopt};
    const VmSpec spec = read_ppc64_command_line(words(
        "qemu-system-ppc64 -machine pseries,usb=off -m 4G -nodefaults "
        "-device spapr-pci-host-bridge,index=1,id=pci.1 "
        "-device vfio-pci,host=0001:01:00.0,id=nic0,bus=pci.1.0,addr=0x2 "
        "-device vfio-pci,host=0001:02:00.0,id=gpu0,addr=0x3"));
    return make_spapr_plan(spec, spapr::QemuRelease::V7_2, host);
}

}  // namespace aperture::test
