#include "machine/spapr/nvlink2.hpp"

#include <algorithm>

#include "core/error.hpp"
#include "machine/spapr/spapr_constants.hpp"

namespace aperture::spapr {

namespace {

// hw/ppc/spapr_pci_nvlink2.c SpaprPhbPciNvGpuSlot: one per distinct tgt.
struct Slot {
    u64 tgt = 0;
    const Nvlink2Function* gpu = nullptr;
    u64 gpa = 0;
    std::vector<u64> link_atsd;
};

}  // namespace

Nvlink2Layout layout_nvlink2(u64 nv2_gpa, u64 nv2_atsd, std::vector<Nvlink2Function> functions) {
    Nvlink2Layout layout;
    if (nv2_gpa == 0 || nv2_atsd == 0) return layout;  // spapr_phb_nvgpu_setup returns at once
    std::stable_sort(functions.begin(), functions.end(), [](const auto& a, const auto& b) { return a.devfn < b.devfn; });

    std::vector<Slot> slots;
    u64 ram_current = nv2_gpa;
    u64 atsd_current = nv2_atsd;
    auto slot_for = [&](u64 tgt) -> Slot* {  // spapr_nvgpu_get_slot
        for (auto& s : slots) {
            if (s.tgt == tgt) return &s;
        }
        if (slots.size() == NVGPU_MAX_NUM) return nullptr;
        slots.push_back(Slot{tgt, nullptr, 0, {}});
        return &slots.back();
    };
    for (const auto& f : functions) {
        if (f.tgt == 0) throw InputError(f.name + ": an NVLink2 function needs a non-zero target address");
        Slot* slot = slot_for(f.tgt);
        if (f.role == Nvlink2Role::Gpu) {  // spapr_pci_collect_nvgpu
            if (!slot) {
                if (layout.error.empty()) layout.error = "Found too many GPUs per vPHB";
                continue;
            }
            if (slot->gpu) throw InputError(f.name + ": two NVLink2 GPUs share the target of " + slot->gpu->name + " (QEMU asserts)");
            if (f.ram_size == 0) throw InputError(f.name + ": an NVLink2 GPU needs its RAM size");
            slot->gpu = &f;
            slot->gpa = ram_current;
            ram_current = add_or_throw(ram_current, f.ram_size, "NVLink2 GPU RAM window");
        } else {  // spapr_pci_collect_nvnpu
            if (!slot) {
                if (layout.error.empty()) layout.error = "Found too many NVLink bridges per vPHB";
                continue;
            }
            if (slot->link_atsd.size() == NVGPU_MAX_LINKS) {
                if (layout.error.empty()) layout.error = "Found too many NVLink bridges per GPU";
                continue;
            }
            slot->link_atsd.push_back(atsd_current);
            atsd_current = add_or_throw(atsd_current, NV2ATSD_REGION_SIZE, "NVLink2 ATSD window");
        }
    }
    if (!layout.error.empty()) return layout;  // cleanup_exit: nothing is mapped

    for (const auto& s : slots) {
        if (!s.gpu) continue;  // "ATSD is pointless without GPU RAM MR so skip those"
        Nvlink2GpuWindows g{s.gpu->name, s.tgt, AddressRange::from_start_and_size(s.gpa, s.gpu->ram_size), {}};
        for (u64 a : s.link_atsd) g.atsd.push_back(AddressRange::from_start_and_size(a, NV2ATSD_REGION_SIZE));
        layout.atsd_count += static_cast<unsigned>(g.atsd.size());
        layout.gpus.push_back(std::move(g));
    }
    if (!layout.gpus.empty()) layout.ram_end = ram_current;
    return layout;
}

}  // namespace aperture::spapr
