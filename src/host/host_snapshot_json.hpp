#pragma once
// A HostSnapshot as JSON, schema "aperture-host/2" (docs/host-probe.md, docs/json.md): addresses and sizes
// as integers with the addresses' "0x..." strings beside them, register values as "0x..." strings. Loading
// gives back exactly the snapshot that was written, and reads snapshots saved as "aperture-host/1" too.
// Fields computed from others (a BAR's kind, an IOMMU's MGAW, the merged reserved regions, notes) are
// written for readers; a loader checks they agree with the fields they come from, so a hand-edited
// snapshot cannot say two things at once.

#include <string>

#include "host/host_snapshot.hpp"

namespace aperture {

inline constexpr const char* kHostSnapshotSchema = "aperture-host/2";

std::string host_snapshot_json(const HostSnapshot& snapshot);

// `source_name` is how messages name the text ("host.json"). Throws InputError naming it and, for a
// bad field, the field's JSON path ("$.pci[0].bars[1].size") and what was expected.
HostSnapshot parse_host_snapshot_json(const std::string& text, const std::string& source_name);
// Reads the file; throws InputError naming it when it cannot be read or is not a snapshot.
HostSnapshot load_host_snapshot(const std::string& path);

}  // namespace aperture
