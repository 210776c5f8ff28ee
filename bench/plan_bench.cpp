// Planning cost: a typical 8-GPU passthrough VM, and synthetic VMs of growing size to show how the cost
// scales (Google Benchmark's complexity fit reports it; per-BAR cost is the "items" rate).

#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include "plan/plan.hpp"

namespace aperture {
namespace {

DeviceSpec device(std::string driver, std::string id, std::optional<std::string> bus,
                  std::vector<std::pair<std::string, std::string>> properties = {}) {
    DeviceSpec d;
    d.driver = std::move(driver);
    d.id = std::move(id);
    d.bus = std::move(bus);
    d.properties.entries = std::move(properties);
    d.where.text = "benchmark";
    return d;
}

// q35, 64 GiB, 8 root ports each holding a GPU stand-in with a 32 GiB BAR, plus NVMe and virtio-net.
VmSpec eight_gpu_vm() {
    VmSpec spec;
    spec.machine.type = "q35";
    spec.memory.size = 64 * GiB;
    spec.cpu.phys_bits = 46;
    spec.defaults.nodefaults = true;
    for (int i = 0; i < 8; ++i) {
        const std::string port = fmt::format("rp{}", i);
        spec.devices.push_back(device("pcie-root-port", port, std::nullopt, {{"chassis", std::to_string(i + 1)}}));
        spec.devices.push_back(device("pci-testdev", fmt::format("gpu{}", i), port, {{"membar", "32G"}}));
    }
    spec.devices.push_back(device("nvme", "disk", std::nullopt, {{"serial", "bench"}}));
    spec.devices.push_back(device("virtio-net-pci", "net", std::nullopt));
    return spec;
}

// pc machine with conventional pci-bridges nested two deep, each leaf bridge full of modern-only
// virtio-rng devices (an MSI-X BAR and a 64-bit prefetchable BAR each): 62 BARs per leaf bridge.
// `hotplug` false turns the bridges' SHPC off: OVMF pads every hotplug bridge with 4 KiB of IO, and
// 160 of them overflow the pc machine's 16 KiB IO window, which OVMF resolves one rejection (one full
// layout) at a time.
std::vector<std::pair<std::string, std::string>> bridge_properties(int chassis, bool hotplug) {
    std::vector<std::pair<std::string, std::string>> p{{"chassis_nr", std::to_string(chassis)}};
    if (!hotplug) p.emplace_back("shpc", "off");
    return p;
}

VmSpec synthetic_vm(int leaf_bridges, bool hotplug = true) {
    VmSpec spec;
    spec.machine.type = "pc";
    spec.memory.size = 4 * GiB;
    spec.cpu.phys_bits = 46;
    spec.defaults.nodefaults = true;
    int chassis = 1;
    const int tops = (leaf_bridges + 29) / 30;
    for (int t = 0; t < tops; ++t) {
        const std::string top = fmt::format("top{}", t);
        spec.devices.push_back(device("pci-bridge", top, std::nullopt, bridge_properties(chassis++, hotplug)));
        for (int l = 0; l < 30 && t * 30 + l < leaf_bridges; ++l) {
            const std::string leaf = fmt::format("leaf{}_{}", t, l);
            spec.devices.push_back(device("pci-bridge", leaf, top, bridge_properties(chassis++, hotplug)));
            for (int d = 1; d < 32; ++d) {
                DeviceSpec rng = device("virtio-rng-pci", "", leaf, {{"disable-legacy", "on"}});
                rng.addr = fmt::format("{:x}", d);
                spec.devices.push_back(std::move(rng));
            }
        }
    }
    return spec;
}

std::size_t bar_count(const Plan& plan) {
    std::size_t count = 0;
    for (const auto& bus : plan.machine.pci.buses()) {
        for (const auto& node : bus.devices) count += node.function.bars.size();
    }
    return count;
}

// Plans `spec` repeatedly; items are BARs, so the rate reads as a per-BAR cost.
void plan_repeatedly(benchmark::State& state, const VmSpec& spec, FirmwareKind firmware = FirmwareKind::SeaBios) {
    PlanOptions options;
    options.firmware = firmware;
    std::size_t bars = 0;
    for (auto _ : state) {
        Plan plan = make_plan(spec, options);
        bars = bar_count(plan);
        benchmark::DoNotOptimize(plan);
    }
    state.counters["bars"] = static_cast<double>(bars);
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * static_cast<std::int64_t>(bars));
    state.SetComplexityN(static_cast<std::int64_t>(bars));
}

void BM_PlanEightGpuVm(benchmark::State& state) { plan_repeatedly(state, eight_gpu_vm()); }
BENCHMARK(BM_PlanEightGpuVm)->Unit(benchmark::kMicrosecond);

void BM_PlanSyntheticVm(benchmark::State& state) { plan_repeatedly(state, synthetic_vm(static_cast<int>(state.range(0)))); }
// 10 leaf bridges ~ 630 BARs ... 160 leaf bridges ~ 10,000 BARs. (Fewer leaf bridges with hotplug put
// the ACPI tables just under 64 KiB, where the SeaBIOS model declines to guess the padding.)
BENCHMARK(BM_PlanSyntheticVm)->Arg(10)->Arg(20)->Arg(40)->Arg(80)->Arg(160)->Unit(benchmark::kMillisecond)->Complexity();

// OVMF: the same VMs. With 1 GiB pages OVMF trusts the 46 bits and the 8 GPUs fit its 8 TiB window;
// without them it clamps to 40 bits, its 128 GiB window drops GPUs, and the plan also searches for the
// X-PciMmio64Mb that fits (up to 14 more layouts).
VmSpec with_1g_pages(VmSpec spec) {
    spec.cpu.flags["pdpe1gb"] = true;
    return spec;
}

void BM_PlanEightGpuVmOvmf(benchmark::State& state) { plan_repeatedly(state, with_1g_pages(eight_gpu_vm()), FirmwareKind::Ovmf); }
BENCHMARK(BM_PlanEightGpuVmOvmf)->Unit(benchmark::kMicrosecond);

void BM_PlanEightGpuVmOvmfDropping(benchmark::State& state) { plan_repeatedly(state, eight_gpu_vm(), FirmwareKind::Ovmf); }
BENCHMARK(BM_PlanEightGpuVmOvmfDropping)->Unit(benchmark::kMicrosecond);

void BM_PlanSyntheticVmOvmf(benchmark::State& state) {
    plan_repeatedly(state, with_1g_pages(synthetic_vm(static_cast<int>(state.range(0)), false)), FirmwareKind::Ovmf);
}
BENCHMARK(BM_PlanSyntheticVmOvmf)->Arg(10)->Arg(20)->Arg(40)->Arg(80)->Arg(160)->Unit(benchmark::kMillisecond)->Complexity();

}  // namespace
}  // namespace aperture
