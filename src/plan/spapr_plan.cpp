#include "plan/spapr_plan.hpp"

#include <algorithm>

namespace aperture {

bool SpaprPlan::all_bars_fit() const {
    return std::all_of(slof.begin(), slof.end(), [](const slof::PhbAssignment& a) { return a.all_fit(); });
}

namespace {

PseriesMemlockInputs memlock_inputs(const spapr::SpaprMachine& m) {
    PseriesMemlockInputs in;
    in.phb_count = static_cast<unsigned>(m.phbs.size());
    in.ram_size = m.ram_size;
    in.max_memory = m.maxram_size;
    for (const auto& phb : m.phbs) {
        in.nvlink2_gpus += static_cast<unsigned>(phb.nvlink2.gpus.size());
        for (const auto& f : phb.functions) {
            if (f.function.driver == "vfio-pci") in.vfio = true;
            if (f.nvlink2) in.nvlink2 = true;
        }
    }
    return in;
}

}  // namespace

SpaprPlan make_spapr_plan(const VmSpec& spec, spapr::QemuRelease release, const spapr::SpaprHost& host) {
    SpaprPlan plan;
    plan.hypervisor_model = std::string(spapr::release_info(release).model_name);
    spapr::SpaprBuild build = spapr::build_spapr_machine(spec, release, host);
    if (!build.machine) {
        plan.outcome = Outcome::Refused;
        plan.refusal = build.refusal;
        if (build.partial) plan.machine = std::move(*build.partial);
        plan.memlock = memlock_inputs(plan.machine);
        return plan;
    }
    plan.machine = std::move(*build.machine);
    for (const auto& phb : plan.machine.phbs) {
        std::vector<slof::FunctionInput> inputs;
        for (const auto& f : phb.functions) inputs.push_back({f.devfn.value(), &f.function, f.bus, f.secondary, f.subordinate});
        plan.slof.push_back(slof::assign_phb_bars(phb.windows, std::move(inputs)));
    }
    plan.memlock = memlock_inputs(plan.machine);
    return plan;
}

}  // namespace aperture
