#pragma once
// A PCI-PCI bridge's window registers as QEMU implements them (hw/pci/pci_bridge.c): firmware writes
// through the writable masks, and QMP query-pci decodes them (pci_bridge_get_base/limit). Modelling the
// registers, not the intent, is what makes a closed or never-programmed window read back exactly.

#include <cstdint>

#include "core/address.hpp"
#include "devices/pci_function.hpp"
#include "firmware/firmware_result.hpp"

namespace aperture {

class BridgeRegisters {
public:
    explicit BridgeRegisters(const BridgeSpec& spec);

    // Writes go through QEMU's wmask: bits outside it keep their value.
    void write_io_base(std::uint8_t value) { io_base_ = masked(io_base_, value, io_mask_); }
    void write_io_limit(std::uint8_t value) { io_limit_ = masked(io_limit_, value, io_mask_); }
    void write_memory_base(std::uint16_t value) { memory_base_ = masked(memory_base_, value, MEMORY_MASK); }
    void write_memory_limit(std::uint16_t value) { memory_limit_ = masked(memory_limit_, value, MEMORY_MASK); }
    void write_pref_base(std::uint16_t value);
    void write_pref_limit(std::uint16_t value);
    void write_pref_base_upper(std::uint32_t value) { if (pref64_) pref_base_upper_ = value; }
    void write_pref_limit_upper(std::uint32_t value) { if (pref64_) pref_limit_upper_ = value; }
    // An 8-bit write to the low byte of the prefetchable base (SeaBIOS's pci_bridge_has_region probe).
    void write_pref_base_low_byte(std::uint8_t value);

    std::uint8_t read_io_base() const { return io_base_; }
    std::uint8_t read_pref_base_low_byte() const { return static_cast<std::uint8_t>(pref_base_ & 0xff); }

    WindowView io_view() const;
    WindowView memory_view() const;
    WindowView prefetchable_view() const;

private:
    template <typename T>
    static T masked(T old, T value, T mask) {
        return static_cast<T>((old & ~mask) | (value & mask));
    }
    static constexpr std::uint16_t MEMORY_MASK = 0xfff0;  // PCI_MEMORY_RANGE_MASK
    std::uint8_t io_mask_ = 0xf0;                        // PCI_IO_RANGE_MASK; 0 when io-reserve=0
    bool pref_ = true;
    bool pref64_ = true;
    std::uint8_t io_base_ = 0, io_limit_ = 0;
    std::uint16_t memory_base_ = 0, memory_limit_ = 0;
    std::uint16_t pref_base_ = 0, pref_limit_ = 0;  // low nibble: PCI_PREF_RANGE_TYPE, read-only
    std::uint32_t pref_base_upper_ = 0, pref_limit_upper_ = 0;
};

}  // namespace aperture
