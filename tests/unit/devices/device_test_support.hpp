#pragma once
// Helpers shared by the device tests: a -device argument parser, plug contexts named after the
// oracle's contexts, and the canonical one-line layout text that tests/oracle/devices/record.py
// writes for real QEMU.

#include <cstdio>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "config/vm_spec.hpp"
#include "devices/device_model.hpp"
#include "devices/qdev_alias.hpp"

namespace aperture::test {

// parse_device("virtio-net-pci,mq=on,romfile=") -> DeviceSpec (no ',,' escaping; id= and bus= go to
// their fields). context_named: root (q35 pcie.0), rp (behind a pcie-root-port), pb (behind pci-bridge),
// ppb (behind pcie-pci-bridge), pc (i440fx pci.0). layout_text: "1af4:1000 c0200 0:io:32 1:m32:4K
// 4:m64p:16K rom:256K bridge(...)".

inline DeviceSpec parse_device(const std::string& text) {
    DeviceSpec spec;
    std::stringstream stream(text);
    std::string item;
    std::getline(stream, spec.driver, ',');
    spec.driver = canonical_device_driver(spec.driver);  // as the -device reader does
    while (std::getline(stream, item, ',')) {
        const auto equals = item.find('=');
        const std::string key = item.substr(0, equals);
        const std::string value = equals == std::string::npos ? "on" : item.substr(equals + 1);
        if (key == "id") {
            spec.id = value;
        } else if (key == "bus") {
            spec.bus = value;
        } else {
            spec.properties.entries.emplace_back(key, value);
        }
    }
    spec.where.text = "-device " + text;
    return spec;
}

inline PlugContext context_named(const std::string& name) {
    PlugContext context;
    if (name == "root") {
        context.machine = MachineFamily::Q35;
        context.bus_is_express = true;
        context.bus_is_root = true;
    } else if (name == "rp") {
        context.machine = MachineFamily::Q35;
        context.bus_is_express = true;
        context.bus_is_root = false;
    } else if (name == "pb" || name == "ppb") {
        context.machine = MachineFamily::Q35;
        context.bus_is_express = false;
        context.bus_is_root = false;
    } else if (name == "pc") {
        context.machine = MachineFamily::I440fx;
        context.bus_is_express = false;
        context.bus_is_root = true;
    }
    return context;
}

inline std::string size_text(u64 size) {
    static const struct {
        const char* unit;
        int shift;
    } units[] = {{"E", 60}, {"P", 50}, {"T", 40}, {"G", 30}, {"M", 20}, {"K", 10}};
    for (const auto& u : units) {
        const u64 one = u64{1} << u.shift;
        if (size >= one && size % one == 0) return std::to_string(size >> u.shift) + u.unit;
    }
    return std::to_string(size);
}

namespace detail {

inline std::string hex4(unsigned value) {
    char buffer[8];
    std::snprintf(buffer, sizeof buffer, "%04x", value);
    return buffer;
}

inline std::string bar_text(const BarSpec& bar) {
    if (bar.kind == BarKind::Rom) return "rom:" + size_text(bar.size);
    if (bar.kind == BarKind::Io) return std::to_string(bar.index) + ":io:" + size_text(bar.size);
    return std::to_string(bar.index) + ":" + (bar.is64 ? "m64" : "m32") + (bar.prefetchable ? "p" : "") + ":" +
           size_text(bar.size);
}

template <typename T>
inline std::string field_text(const std::optional<T>& value, bool as_size) {
    if (!value) return "-";
    return as_size ? size_text(*value) : std::to_string(*value);
}

inline std::string reserve_text(const std::optional<ResourceReserveCap>& reserve) {
    if (!reserve) return "none";
    return "bus=" + field_text(reserve->bus, false) + ",io=" + field_text(reserve->io, true) +
           ",mem=" + field_text(reserve->mem, true) + ",pref32=" + field_text(reserve->pref32, true) +
           ",pref64=" + field_text(reserve->pref64, true);
}

}  // namespace detail

inline std::string layout_text(const PciFunctionSpec& spec) {
    std::string text =
        detail::hex4(spec.vendor_id) + ":" + detail::hex4(spec.device_id) + " c" + detail::hex4(spec.class_code);
    for (const BarSpec& bar : spec.bars) text += " " + detail::bar_text(bar);
    if (spec.bridge) {
        const BridgeSpec& b = *spec.bridge;
        text += " bridge(slot=" + std::to_string(b.slot_implemented) + " hpc=" + std::to_string(b.hotplug_capable) +
                " iowin=" + std::to_string(b.io_window) + " prefwin=" + std::to_string(b.pref_window) +
                " pref64=" + std::to_string(b.pref_window_64) + " shpc=" + std::to_string(b.has_shpc) +
                " reserve=" + detail::reserve_text(b.reserve) + ")";
    }
    return text;
}

// Builds "-device TEXT" in the named context.
inline PciFunctionSpec build(const std::string& text, const std::string& context) {
    return build_device(parse_device(text), context_named(context));
}

}  // namespace aperture::test
