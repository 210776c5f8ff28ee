#pragma once
// PciBusDxe's resource tree (edk2-stable202211 MdeModulePkg/Bus/Pci/PciBusDxe/PciResourceSupport.c):
// per bridge one list per resource type, kept in the order InsertResourceNode leaves it, and the
// aperture each list needs. The list order is the address order, so it is modelled operation by
// operation rather than as a sort: merges re-insert nodes one at a time and reverse ties.

#include <vector>

#include "core/address.hpp"

namespace aperture::ovmf {

// PCI_BAR_TYPE, the ones QEMU devices produce.
enum class ResType { Io, Mem32, PMem32, Mem64, PMem64, OpRom };
enum class ResUsage { Typical, Padding };

// Window slots of a bridge, as PciBus.h numbers them (PPB_BAR_0/1 are the bridge's own BARs).
inline constexpr int PPB_IO_RANGE = 2;
inline constexpr int PPB_MEM32_RANGE = 3;
inline constexpr int PPB_PMEM32_RANGE = 4;
inline constexpr int PPB_PMEM64_RANGE = 5;
inline constexpr int PPB_MEM64_RANGE = 0xFF;
inline constexpr int ROOT_ROM_SLOT = 0;  // RootBridgeDev->PciBar[0] holds the shared option-ROM slot

struct ResNode {
    int device = -1;  // the function (or root bridge) the node belongs to
    u64 length = 0;
    u64 alignment = 0;  // a mask: 2^n - 1
    u64 offset = 0;     // from the start of the parent's window, once calculated
    int bar = 0;        // BAR index, or a PPB_*_RANGE slot for window nodes
    ResType type = ResType::Mem32;
    ResUsage usage = ResUsage::Typical;
    bool window = false;        // a bridge window (or root bridge) node: it has children
    std::vector<int> children;  // node ids, in list order
};

class ResourceTree {
public:
    int create(int device, u64 length, u64 alignment, int bar, ResType type, ResUsage usage, bool window = false);
    ResNode& operator[](int id) { return nodes_[static_cast<std::size_t>(id)]; }
    const ResNode& operator[](int id) const { return nodes_[static_cast<std::size_t>(id)]; }

    // InsertResourceNode: at the head, then moved past every node it does not outrank.
    void insert(int parent, int node);
    // MergeResourceTree: every child of `from`, head first, inserted into `to`.
    void merge(int to, int from, bool type_merge);
    // CalculateResourceAperture / CalculateApertureIo16 for one list.
    void calculate_aperture(int window);
    // ResourceRequestExisted
    bool requested(int window) const;

private:
    std::vector<ResNode> nodes_;
};

}  // namespace aperture::ovmf
