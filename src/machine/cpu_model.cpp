#include "machine/cpu_model.hpp"

#include <algorithm>
#include <array>
#include <fmt/format.h>

#include "core/did_you_mean.hpp"
#include "core/error.hpp"
#include "machine/qemu_x86_layout.hpp"

namespace aperture {

namespace {

// target/i386/cpu.c builtin_x86_defs: vendor, long mode and 1 GiB pages of the models users name.
struct CpuModelFacts {
    const char* name;  // a prefix: "Skylake-Server" matches "Skylake-Server-IBRS" and "-v4"
    const char* vendor;
    bool long_mode;
    bool pdpe1gb;
};

constexpr const char* INTEL = "GenuineIntel";
constexpr const char* AMD = "AuthenticAMD";

constexpr std::array CPU_MODELS{
    // qemu64 is an AMD model: the default TCG guest is "AMD" (target/i386/cpu.c, .vendor = CPUID_VENDOR_AMD).
    CpuModelFacts{"qemu64", AMD, true, false},
    CpuModelFacts{"qemu32", INTEL, false, false},
    CpuModelFacts{"kvm64", INTEL, true, false},
    CpuModelFacts{"kvm32", INTEL, false, false},
    CpuModelFacts{"coreduo", INTEL, false, false},
    CpuModelFacts{"core2duo", INTEL, true, false},
    CpuModelFacts{"pentium", INTEL, false, false},
    CpuModelFacts{"athlon", AMD, false, false},
    CpuModelFacts{"phenom", AMD, true, true},
    CpuModelFacts{"Conroe", INTEL, true, false},
    CpuModelFacts{"Penryn", INTEL, true, false},
    CpuModelFacts{"Nehalem", INTEL, true, false},
    CpuModelFacts{"Westmere", INTEL, true, false},
    CpuModelFacts{"SandyBridge", INTEL, true, false},
    CpuModelFacts{"IvyBridge", INTEL, true, false},
    CpuModelFacts{"Haswell", INTEL, true, false},
    CpuModelFacts{"Broadwell", INTEL, true, false},
    CpuModelFacts{"Skylake-Client", INTEL, true, false},
    CpuModelFacts{"Skylake-Server", INTEL, true, true},
    CpuModelFacts{"Cascadelake-Server", INTEL, true, true},
    CpuModelFacts{"Cooperlake", INTEL, true, true},
    CpuModelFacts{"Icelake-Server", INTEL, true, true},
    CpuModelFacts{"SapphireRapids", INTEL, true, true},
    CpuModelFacts{"Snowridge", INTEL, true, false},
    CpuModelFacts{"Denverton", INTEL, true, false},
    CpuModelFacts{"Opteron_G1", AMD, true, false},
    CpuModelFacts{"Opteron_G2", AMD, true, false},
    CpuModelFacts{"Opteron_G3", AMD, true, false},
    CpuModelFacts{"Opteron_G4", AMD, true, true},
    CpuModelFacts{"Opteron_G5", AMD, true, true},
    CpuModelFacts{"EPYC", AMD, true, true},
    CpuModelFacts{"Dhyana", "HygonGenuine", true, true},
};

const CpuModelFacts* find_model(const std::string& name) {
    for (const auto& facts : CPU_MODELS) {
        const std::string prefix = facts.name;
        if (name == prefix || (name.rfind(prefix + "-", 0) == 0)) return &facts;
    }
    return nullptr;
}

}  // namespace

namespace {

// x86_cpu_realizefn up to phys-bits; `width_known_to_kvm` says whether the width was already set when
// KVM's realize ran (host-phys-bits or phys-bits=), which decides the default GuestPhysBits.
GuestCpu resolve_width(const CpuSpec& spec, Accelerator accel, const std::optional<HostCpu>& host, bool& width_known_to_kvm,
                       std::string& refusal) {
    GuestCpu cpu;
    cpu.model = spec.model.empty() ? "qemu64" : spec.model;
    bool host_phys_bits = spec.host_phys_bits.value_or(false);

    if (cpu.model == "host" || cpu.model == "max") {
        if (accel == Accelerator::Kvm) {
            // target/i386/host-cpu.c host_cpu_max_instance_init: host and max copy the host under KVM.
            if (!host) throw InputError(fmt::format("{}: -cpu {} under KVM copies the host CPU; give the host's vendor and address width", spec.where.text, cpu.model));
            cpu.vendor = host->vendor;
            cpu.long_mode = true;
            cpu.pdpe1gb = true;
            host_phys_bits = spec.host_phys_bits.value_or(true);
        } else if (cpu.model == "host") {
            // target/i386/cpu.c: the host model needs an accelerator that can run the host's CPU.
            throw InputError(fmt::format("{}: -cpu host needs KVM (QEMU: \"CPU model 'host' requires KVM or HVF\")", spec.where.text));
        } else {
            // target/i386/cpu.c max_x86_cpu_initfn: under TCG max reports an AMD vendor and every TCG feature.
            cpu.vendor = AMD;
            cpu.long_mode = true;
            cpu.pdpe1gb = true;
        }
    } else {
        const CpuModelFacts* facts = find_model(cpu.model);
        if (!facts) {
            std::vector<std::string> names{"host", "max"};
            for (const auto& model : CPU_MODELS) names.emplace_back(model.name);
            throw InputError(fmt::format("{}: CPU model '{}' is not modelled by aperture{}", spec.where.text, cpu.model, did_you_mean(cpu.model, names)));
        }
        cpu.vendor = facts->vendor;
        cpu.long_mode = facts->long_mode;
        cpu.pdpe1gb = facts->pdpe1gb;
        // target/i386/host-cpu.c host_cpu_instance_init: under KVM a named model takes the host's vendor.
        if (accel == Accelerator::Kvm) {
            if (!host) throw InputError(fmt::format("{}: under KVM the CPU vendor is the host's; give the host", spec.where.text));
            cpu.vendor = host->vendor;
        }
    }
    if (spec.vendor) cpu.vendor = *spec.vendor;
    if (auto it = spec.flags.find("lm"); it != spec.flags.end()) cpu.long_mode = it->second;
    if (auto it = spec.flags.find("pdpe1gb"); it != spec.flags.end()) cpu.pdpe1gb = it->second;

    // target/i386/cpu.c x86_cpu_realizefn.
    if (!cpu.long_mode) {
        if (spec.phys_bits) {
            refusal = "phys-bits is not user-configurable in 32 bit";
            return cpu;
        }
        // qemu32/kvm32 and friends have PSE36: 36 bits; the others 32.
        cpu.phys_bits = 36;
        cpu.phys_bits_origin = "a 32-bit CPU with PSE36";
        return cpu;
    }
    if (host_phys_bits) {
        if (accel != Accelerator::Kvm) {
            // host-phys-bits only acts under KVM/HVF (target/i386/host-cpu.c); under TCG it is ignored.
        } else {
            if (!host) throw InputError(fmt::format("{}: host-phys-bits=on copies the host's address width; give the host", spec.where.text));
            unsigned bits = host->phys_bits;
            if (spec.host_phys_bits_limit && *spec.host_phys_bits_limit != 0 && bits > *spec.host_phys_bits_limit) {
                bits = *spec.host_phys_bits_limit;
            }
            cpu.phys_bits = bits;
            cpu.phys_bits_origin = "host-phys-bits=on: the host's width";
            width_known_to_kvm = true;
            return cpu;
        }
    }
    if (spec.phys_bits && *spec.phys_bits != 0) {
        const unsigned bits = *spec.phys_bits;
        if (bits > qemu_x86::TARGET_PHYS_ADDR_SPACE_BITS || bits < qemu_x86::MIN_PHYS_BITS) {
            // QEMU's message has two spaces before "(but": two string literals joined.
            refusal = fmt::format("phys-bits should be between {} and {}  (but is {})", qemu_x86::MIN_PHYS_BITS,
                                  qemu_x86::TARGET_PHYS_ADDR_SPACE_BITS, bits);
            return cpu;
        }
        cpu.phys_bits = bits;
        cpu.phys_bits_origin = fmt::format("-cpu phys-bits={}", bits);
        width_known_to_kvm = true;
        return cpu;
    }
    cpu.phys_bits = qemu_x86::TCG_PHYS_ADDR_BITS;
    cpu.phys_bits_origin = "QEMU's default, also under KVM without host-phys-bits";
    return cpu;
}

}  // namespace

GuestCpu resolve_guest_cpu(const CpuSpec& spec, Accelerator accel, const std::optional<HostCpu>& host, const CpuidRules& rules,
                           std::string& refusal) {
    bool width_known_to_kvm = false;
    GuestCpu cpu = resolve_width(spec, accel, host, width_known_to_kvm, refusal);
    // target/i386/cpu.c cpu_x86_cpuid, leaf 0x80000000 (x-vendor-cpuid-only-v2).
    cpu.extended_leaf_vendor = rules.intel_vendor_leaf_blank && cpu.vendor == INTEL ? "" : cpu.vendor;
    if (!refusal.empty()) return cpu;
    if (spec.guest_phys_bits && !rules.guest_phys_bits_property) {
        throw InputError(fmt::format("{}: guest-phys-bits is a -cpu property of QEMU 9.1 and later; this release has none "
                                     "(QEMU: \"Property '{}-x86_64-cpu.guest-phys-bits' not found\")",
                                     spec.where.text, cpu.model));
    }
    const unsigned asked = spec.guest_phys_bits.value_or(0);
    if (!cpu.long_mode) {
        if (asked != 0) refusal = "guest-phys-bits is not user-configurable in 32 bit";
        return cpu;
    }
    if (spec.guest_phys_bits) {
        cpu.guest_phys_bits = asked;
        cpu.guest_phys_bits_origin = fmt::format("-cpu guest-phys-bits={}", asked);
    } else if (accel == Accelerator::Kvm && rules.guest_phys_bits_from_kvm) {
        // target/i386/kvm/kvm-cpu.c kvm_set_guest_phys_bits: KVM's value, capped by the width QEMU knew then (0
        // unless host-phys-bits or phys-bits set it: the default 40 comes later). Its host-phys-bits-limit cap
        // is already in that width: resolve_width applied it to the host's.
        const unsigned reported = host && host->kvm_guest_phys_bits ? *host->kvm_guest_phys_bits : 0;
        const unsigned bits = std::min(reported, width_known_to_kvm ? cpu.phys_bits : 0u);
        cpu.guest_phys_bits = bits;
        if (!host || !host->kvm_guest_phys_bits) {
            cpu.guest_phys_bits_origin = "unknown: the host's KVM GuestPhysBits was not given, so 0 is assumed";
        } else if (reported == 0) {
            cpu.guest_phys_bits_origin = "KVM reports none (a kernel before 6.10, or no EPT/NPT)";
        } else if (bits == 0) {
            cpu.guest_phys_bits_origin = "KVM reports it, but QEMU forwards it only with host-phys-bits or phys-bits set";
        } else {
            cpu.guest_phys_bits_origin = fmt::format("KVM reports {}, forwarded by this machine type", reported);
        }
    }
    if (cpu.guest_phys_bits != 0 && (cpu.guest_phys_bits > cpu.phys_bits || cpu.guest_phys_bits < qemu_x86::MIN_PHYS_BITS)) {
        refusal = fmt::format("guest-phys-bits should be between {} and {}  (but is {})", qemu_x86::MIN_PHYS_BITS, cpu.phys_bits,
                              cpu.guest_phys_bits);
    }
    return cpu;
}

}  // namespace aperture
