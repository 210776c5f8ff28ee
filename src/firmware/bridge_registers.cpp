#include "firmware/bridge_registers.hpp"

namespace aperture {

namespace {
constexpr std::uint16_t PREF_RANGE_TYPE_64 = 0x1;  // PCI_PREF_RANGE_TYPE_64
constexpr std::uint16_t PREF_RANGE_MASK = 0xfff0;  // PCI_PREF_RANGE_MASK
}  // namespace

BridgeRegisters::BridgeRegisters(const BridgeSpec& spec)
    : io_mask_(spec.io_window ? 0xf0 : 0), pref_(spec.pref_window), pref64_(spec.pref_window && spec.pref_window_64) {
    const std::uint16_t type = pref64_ ? PREF_RANGE_TYPE_64 : 0;
    pref_base_ = type;
    pref_limit_ = type;
    if (spec.kind == BridgeKind::PcieRootPort) {
        // hw/pci-bridge/pcie_root_port.c rp_reset -> pci_bridge_disable_base_limit: root ports come out
        // of reset with every window closed (base all ones, limit zero). A read-only IO window
        // (io-reserve=0) keeps that state for good, and SeaBIOS's probe then still sees it as present.
        io_base_ = 0xf0;
        memory_base_ = MEMORY_MASK;
        if (pref_) pref_base_ = static_cast<std::uint16_t>(PREF_RANGE_MASK | type);
    }
}

void BridgeRegisters::write_pref_base(std::uint16_t value) {
    if (!pref_) return;
    pref_base_ = static_cast<std::uint16_t>((value & PREF_RANGE_MASK) | (pref_base_ & ~PREF_RANGE_MASK));
}

void BridgeRegisters::write_pref_limit(std::uint16_t value) {
    if (!pref_) return;
    pref_limit_ = static_cast<std::uint16_t>((value & PREF_RANGE_MASK) | (pref_limit_ & ~PREF_RANGE_MASK));
}

void BridgeRegisters::write_pref_base_low_byte(std::uint8_t value) {
    write_pref_base(static_cast<std::uint16_t>((pref_base_ & 0xff00) | value));
}

WindowView BridgeRegisters::io_view() const {
    // 16-bit IO decoding: the upper-16 registers are ignored.
    const u64 base = static_cast<u64>(io_base_ & 0xf0) << 8;
    const u64 limit = (static_cast<u64>(io_limit_ & 0xf0) << 8) | 0xfff;
    return {base, limit};
}

WindowView BridgeRegisters::memory_view() const {
    const u64 base = static_cast<u64>(memory_base_ & MEMORY_MASK) << 16;
    const u64 limit = (static_cast<u64>(memory_limit_ & MEMORY_MASK) << 16) | 0xfffff;
    return {base, limit};
}

WindowView BridgeRegisters::prefetchable_view() const {
    u64 base = static_cast<u64>(pref_base_ & PREF_RANGE_MASK) << 16;
    u64 limit = (static_cast<u64>(pref_limit_ & PREF_RANGE_MASK) << 16) | 0xfffff;
    if (pref64_) {
        base |= static_cast<u64>(pref_base_upper_) << 32;
        limit |= static_cast<u64>(pref_limit_upper_) << 32;
    }
    return {base, limit};
}

}  // namespace aperture
