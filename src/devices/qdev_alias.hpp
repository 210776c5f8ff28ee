#pragma once
// QEMU's device-name aliases: `-device lsi` creates an lsi53c895a, `-device ahci` an ich9-ahci
// (softmmu/qdev-monitor.c qdev_alias_table, resolved by qdev_get_device_class before anything else).
// The object QEMU creates has the canonical type name: -global, query-pci and SeaBIOS see that one.

#include <string>
#include <string_view>

namespace aperture {

// The canonical device type for `driver`: the aliased one for an alias of the x86_64 build, else
// `driver` itself.
std::string canonical_device_driver(std::string_view driver);

}  // namespace aperture
