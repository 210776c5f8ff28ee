#pragma once
// Global properties as QEMU applies them to a -device when it creates it (hw/core/qdev.c
// qdev_prop_set_globals -> qom/object.c object_apply_global_props): first the machine type's compat
// properties in the order the machine class added them, then each -global in command-line order, then
// the device's own properties; the last value of a property wins. A global reaches every device whose
// QOM type is, or derives from, the global's driver; an optional compat property only those that have it.

#include <vector>

#include "config/vm_spec.hpp"

namespace aperture {

DeviceSpec with_globals(const DeviceSpec& device, const std::vector<GlobalSpec>& compat, const std::vector<GlobalSpec>& user);

}  // namespace aperture
