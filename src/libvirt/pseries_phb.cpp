#include "libvirt/pseries_phb.hpp"

#include <algorithm>
#include <array>
#include <fmt/format.h>

#include "core/error.hpp"

namespace aperture {

namespace {

// A PHB's bus as libvirt's address set models it (virDomainPCIAddressBusSetModel, pci-root): slot 0 is
// the host bridge's own, devices take slots 1 to VIR_PCI_ADDRESS_SLOT_LAST (31), functions 0 to 7.
constexpr unsigned kFirstSlot = 1;
constexpr unsigned kLastSlot = 31;
constexpr unsigned kLastFunction = 7;
// The isolation group of emulated devices, and of the locked default PHB.
constexpr unsigned kDefaultGroup = 0;

struct Phb {
    std::array<unsigned, kLastSlot + 1> functions{};  // a bit per reserved function
    unsigned group = kDefaultGroup;
    bool locked = false;

    bool empty() const {
        return std::all_of(functions.begin() + kFirstSlot, functions.end(), [](unsigned used) { return used == 0; });
    }
    bool fully_reserved() const {
        return std::all_of(functions.begin() + kFirstSlot, functions.end(), [](unsigned used) { return used != 0; });
    }
    std::optional<unsigned> free_slot() const {
        for (unsigned slot = kFirstSlot; slot <= kLastSlot; ++slot) {
            if (functions[slot] == 0) return slot;
        }
        return std::nullopt;
    }
};

// qemuDomainFillDeviceIsolationGroup: a hostdev's IOMMU group + 1, so group 0 stays the emulated devices'.
unsigned isolation_group(const PseriesPciDevice& device) {
    return device.host_iommu_group ? *device.host_iommu_group + 1 : kDefaultGroup;
}

class PhbSet {
public:
    explicit PhbSet(unsigned count) : phbs_(count) {
        // qemuDomainSetupIsolationGroups: hostdevs must never share the default PHB.
        phbs_[0].locked = true;
    }

    unsigned size() const { return static_cast<unsigned>(phbs_.size()); }

    // virDomainPCIAddressReserveAddrInternal with fromConfig: an address the user wrote.
    void reserve_written(const PseriesGuestAddress& address, unsigned group) {
        if (address.slot < kFirstSlot || address.slot > kLastSlot || address.function > kLastFunction) {
            throw InputError(fmt::format("pSeries PCI address bus {} slot {} function {}: slots run from {} to {}, functions to {}", address.bus,
                                         address.slot, address.function, kFirstSlot, kLastSlot, kLastFunction));
        }
        // virDomainPCIAddressSetGrow (dry run): a bus past the last one adds PHBs up to it.
        if (address.bus >= size()) phbs_.resize(address.bus + 1);
        Phb& phb = phbs_[address.bus];
        const unsigned bit = 1u << address.function;
        if (phb.functions[address.slot] & bit) {
            throw InputError(fmt::format("pSeries PCI address bus {} slot {} function {} is used twice", address.bus, address.slot, address.function));
        }
        if (phb.empty() && !phb.locked) {
            phb.group = group;  // the first device decides the bus's group
        } else if (phb.group != group) {
            phb.group = kDefaultGroup;  // the user mixed groups: isolation is given up on this bus
        }
        phb.functions[address.slot] |= bit;
    }

    // virDomainPCIAddressGetNextAddr + ReserveAddrInternal: a whole free slot for a device without address.
    PseriesGuestAddress reserve_next(unsigned group) {
        for (unsigned bus = 0; bus < size(); ++bus) {
            Phb& phb = phbs_[bus];
            if (phb.group != group) continue;
            if (const auto slot = phb.free_slot()) return take(bus, *slot, group);
        }
        for (unsigned bus = 0; bus < size(); ++bus) {
            const Phb& phb = phbs_[bus];
            if (!phb.empty() || phb.locked) continue;
            if (const auto slot = phb.free_slot()) return take(bus, *slot, group);
        }
        phbs_.emplace_back();  // no room: a new PHB (pSeries supports several roots)
        return take(size() - 1, kFirstSlot, group);
    }

    bool fully_reserved() const {
        return std::all_of(phbs_.begin(), phbs_.end(), [](const Phb& phb) { return phb.fully_reserved(); });
    }

private:
    PseriesGuestAddress take(unsigned bus, unsigned slot, unsigned group) {
        Phb& phb = phbs_[bus];
        if (phb.empty() && !phb.locked) phb.group = group;
        phb.functions[slot] |= 1u;
        return {bus, slot, 0};
    }

    std::vector<Phb> phbs_;
};

// The first pass of qemuDomainAssignPCIAddresses, which only counts the buses it needs.
unsigned dry_run(const PseriesPhbInput& input, PhbSet& phbs) {
    // qemuDomainCollectPCIAddress: addresses from the XML first.
    for (const auto& device : input.devices) {
        if (device.address) phbs.reserve_written(*device.address, isolation_group(device));
    }
    // qemuDomainHasPCIRoot: keep one slot free for a future pci-bridge, unless every bus is full.
    if (!phbs.fully_reserved()) phbs.reserve_next(kDefaultGroup);
    // qemuDomainAssignDevicePCISlots: the rest, in libvirt's order.
    for (const auto& device : input.devices) {
        if (!device.address) phbs.reserve_next(isolation_group(device));
    }
    return phbs.size();
}

}  // namespace

unsigned pseries_phb_count(const PseriesPhbInput& input) {
    // qemuDomainAssignPCIAddresses: one bus per index up to the highest PCI controller's; the ones the XML
    // skipped are filled with PHBs too.
    unsigned highest = 0;
    for (unsigned index : input.explicit_phbs) highest = std::max(highest, index);
    PhbSet phbs(highest + 1);
    return dry_run(input, phbs);
}

PseriesPhbAssignment pseries_phb_assignment(const PseriesPhbInput& input) {
    // The second pass of qemuDomainAssignPCIAddresses: the PHBs the dry run counted now exist, and the
    // slot it kept free for a bridge is not reserved any more.
    PhbSet phbs(pseries_phb_count(input));
    for (const auto& device : input.devices) {
        if (device.address) phbs.reserve_written(*device.address, isolation_group(device));
    }
    PseriesPhbAssignment out;
    for (const auto& device : input.devices) out.addresses.push_back(device.address ? *device.address : phbs.reserve_next(isolation_group(device)));
    out.phbs = phbs.size();
    return out;
}

}  // namespace aperture
