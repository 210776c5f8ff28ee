#include "host/host_context.hpp"

#include <fmt/format.h>

#include "host/kernel_text.hpp"

namespace aperture {

namespace {

constexpr const char* kVfioPciDriver = "vfio-pci";

BarSpec bar_spec(const HostBar& bar) {
    const u64 size = bar.resource.size();
    switch (bar.kind()) {
        case BarKind::Io: return BarSpec::io(bar.index, size);
        case BarKind::Rom: return BarSpec::rom(size);
        case BarKind::Memory: break;
    }
    const Prefetchable prefetch = bar.resource.prefetchable() ? Prefetchable::Yes : Prefetchable::No;
    return bar.resource.is64() ? BarSpec::memory64(bar.index, size, prefetch)
                               : BarSpec::memory32(bar.index, size, prefetch);
}

}  // namespace

std::optional<PciFunctionSpec> passthrough_function(const HostPciDevice& device, std::string& why_not) {
    if (device.header_layout() != kHeaderTypeNormal) {
        why_not = fmt::format("{} is a bridge (header type {}); vfio-pci binds only header type 0 functions",
                              device.address, device.header_layout());
        return std::nullopt;
    }
    PciFunctionSpec spec;
    spec.driver = kVfioPciDriver;
    spec.vendor_id = device.vendor_id;
    spec.device_id = device.device_id;
    spec.class_code = device.class_word();
    spec.multifunction = device.multifunction();
    for (const auto& bar : device.bars) {
        if (!is_power_of_two(bar.resource.size())) {
            why_not = fmt::format(
                "{} {} is {:#x} bytes, not a power of two; QEMU cannot register such a BAR", device.address,
                bar.index == kRomBarIndex ? std::string("ROM") : fmt::format("BAR {}", bar.index), bar.resource.size());
            return std::nullopt;
        }
        spec.bars.push_back(bar_spec(bar));
    }
    return spec;
}

HostContext host_context(const HostSnapshot& snapshot) {
    HostContext context;
    if (snapshot.cpu) context.cpu = host_cpu(*snapshot.cpu);
    if (context.cpu && snapshot.kvm_guest_phys_bits) context.cpu->kvm_guest_phys_bits = snapshot.kvm_guest_phys_bits->bits;
    for (const auto& device : snapshot.pci) {
        std::string why_not;
        if (auto spec = passthrough_function(device, why_not)) {
            context.passthrough.emplace(device.address, std::move(*spec));
        }
        if (device.igd) context.igd_registers.emplace(device.address, *device.igd);
    }
    return context;
}

std::optional<HostCpu> live_host_cpu() {
    const RootedHostFiles files("/");
    const auto cpuinfo = files.read(kCpuinfoFile, kProcTableMaxBytes);
    if (!cpuinfo) return std::nullopt;
    const HostCpuDetails details = parse_cpuinfo_details(*cpuinfo);
    std::optional<HostCpu> cpu = host_cpu(details);
    if (!cpu) return std::nullopt;
    const DevKvm device;
    std::optional<std::string> kernel_release;
    if (const auto release = files.read(kKernelReleaseFile, kKernelAttributeMaxBytes)) kernel_release = std::string(trim_blanks(*release));
    const auto facts = guest_phys_bits_facts(details, read_kvm_paging(files), kernel_release);
    cpu->kvm_guest_phys_bits = probe_kvm_guest_phys_bits(facts, &device).bits;
    return cpu;
}

}  // namespace aperture
