#include "machine/x86_apic_ids.hpp"

#include <algorithm>
#include <bit>

namespace aperture {

namespace {

// apicid_bitwidth_for_count: the bits that number `count` items (none for one).
unsigned bit_width_for(unsigned count) { return count <= 1 ? 0 : static_cast<unsigned>(std::bit_width(count - 1)); }

}  // namespace

unsigned x86_apic_id_limit(const SmpSpec& smp) {
    const unsigned threads = std::max(1u, smp.threads);
    const unsigned cores = std::max(1u, smp.cores);
    const unsigned dies = std::max(1u, smp.dies);
    const unsigned last = std::max(1u, smp.max_cpus) - 1;
    // x86_topo_ids_from_idx: thread, core, die and package of CPU index `last`.
    const unsigned smt_id = last % threads;
    const unsigned core_id = last / threads % cores;
    const unsigned die_id = last / (threads * cores) % dies;
    const unsigned pkg_id = last / (threads * cores * dies);
    const unsigned core_offset = bit_width_for(threads);
    const unsigned die_offset = core_offset + bit_width_for(cores);
    const unsigned pkg_offset = die_offset + bit_width_for(dies);
    return ((pkg_id << pkg_offset) | (die_id << die_offset) | (core_id << core_offset) | smt_id) + 1;
}

}  // namespace aperture
