#include "host/cpuinfo.hpp"

#include "host/kernel_text.hpp"

namespace aperture {

namespace {

constexpr unsigned kMaxAddressBits = 64;

std::optional<unsigned> address_bits(std::string_view word) {
    const auto bits = parse_kernel_decimal(word);
    if (!bits || *bits == 0 || *bits > kMaxAddressBits) return std::nullopt;
    return static_cast<unsigned>(*bits);
}

// "46 bits physical, 57 bits virtual" (arch/x86/kernel/cpu/proc.c, show_cpuinfo).
void parse_address_sizes(std::string_view value, HostCpuDetails& details) {
    const auto words = split_words(value);
    if (words.size() != 6 || words[1] != "bits" || words[2] != "physical," || words[4] != "bits" ||
        words[5] != "virtual") {
        return;
    }
    details.phys_bits = address_bits(words[0]);
    details.virt_bits = address_bits(words[3]);
}

void parse_flags(std::string_view value, HostCpuFlags& flags) {
    for (const auto flag : split_words(value)) {
        if (flag == "pdpe1gb") flags.pdpe1gb = true;
        if (flag == "la57") flags.la57 = true;
        if (flag == "vmx") flags.vmx = true;
        if (flag == "svm") flags.svm = true;
        if (flag == "ept") flags.ept = true;
        if (flag == "npt") flags.npt = true;
    }
}

}  // namespace

HostCpuDetails parse_cpuinfo_details(const std::string& text) {
    HostCpuDetails details;
    bool seen_address_sizes = false;
    bool seen_flags = false;
    bool seen_vmx_flags = false;
    for (const auto line : split_lines(text)) {
        const auto colon = line.find(':');
        if (colon == std::string_view::npos) continue;
        const auto key = trim_blanks(line.substr(0, colon));
        const auto value = trim_blanks(line.substr(colon + 1));
        if (key == "vendor_id" && !details.vendor) details.vendor = std::string(value);
        if (key == "model name" && !details.model_name) details.model_name = std::string(value);
        if (key == "address sizes" && !seen_address_sizes) {
            seen_address_sizes = true;
            parse_address_sizes(value, details);
        }
        if (key == "flags" && !seen_flags) {
            seen_flags = true;
            parse_flags(value, details.flags);
        }
        if (key == "vmx flags" && !seen_vmx_flags) {
            seen_vmx_flags = true;
            for (const auto flag : split_words(value)) {
                if (flag == "ept") details.flags.ept = true;
                if (flag == "ept_5level") details.flags.ept_5level = true;
            }
        }
    }
    return details;
}

std::optional<HostCpu> host_cpu(const HostCpuDetails& details) {
    if (!details.vendor || !details.phys_bits) return std::nullopt;
    return HostCpu{*details.vendor, *details.phys_bits, std::nullopt};
}

std::optional<HostCpu> parse_cpuinfo(const std::string& text) { return host_cpu(parse_cpuinfo_details(text)); }

}  // namespace aperture
