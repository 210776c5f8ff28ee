// A host snapshot (aperture host --save). What reads must write back to a snapshot that reads equal: a
// snapshot aperture cannot read back, or reads differently, is a bug.
#include <cstdio>

#include "fuzz_support.hpp"
#include "host/host_snapshot_json.hpp"

using namespace aperture;

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
    const std::string text = fuzz::text_of(data, size);
    std::optional<HostSnapshot> snapshot;
    fuzz::expect_outcome(text, [&] { snapshot = parse_host_snapshot_json(text, "fuzz.json"); });
    if (!snapshot) return 0;
    const std::string written = host_snapshot_json(*snapshot);
    try {
        if (parse_host_snapshot_json(written, "written.json") != *snapshot) {
            std::fprintf(stderr, "the written snapshot reads back differently:\n%s\n", written.c_str());
            std::abort();
        }
    } catch (const InputError& e) {
        std::fprintf(stderr, "aperture cannot read the snapshot it wrote: %s\n%s\n", e.what(), written.c_str());
        std::abort();
    }
    return 0;
}
