// Host snapshot cost: writing one (`aperture host --save`) and reading it (`--host`, once per VM a scheduler
// asks about unless it shares one already read), for a small desktop and an 8-GPU server; bytes/s is the
// snapshot's JSON text.

#include <benchmark/benchmark.h>

#include <string>

#include "host/host_snapshot_json.hpp"

namespace aperture {
namespace {

std::string fixture(const char* name) { return std::string(APERTURE_SOURCE_DIR) + "/tests/fixtures/host/snapshots/" + name + ".json"; }

void BM_WriteHostSnapshot(benchmark::State& state, const char* name) {
    const HostSnapshot snapshot = load_host_snapshot(fixture(name));
    std::size_t bytes = 0;
    for (auto _ : state) {
        const std::string text = host_snapshot_json(snapshot);
        bytes += text.size();
        benchmark::DoNotOptimize(text.data());
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
}
BENCHMARK_CAPTURE(BM_WriteHostSnapshot, desktop, "intel-i7-12700-rtx4090")->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_WriteHostSnapshot, server, "h100-8gpu-server")->Unit(benchmark::kMicrosecond);

void BM_ReadHostSnapshot(benchmark::State& state, const char* name) {
    const std::string text = host_snapshot_json(load_host_snapshot(fixture(name)));
    for (auto _ : state) {
        const HostSnapshot snapshot = parse_host_snapshot_json(text, name);
        benchmark::DoNotOptimize(snapshot.pci.data());
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
}
BENCHMARK_CAPTURE(BM_ReadHostSnapshot, desktop, "intel-i7-12700-rtx4090")->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_ReadHostSnapshot, server, "h100-8gpu-server")->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace aperture
