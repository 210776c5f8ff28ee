#include "host/kernel_version.hpp"

#include <charconv>

namespace aperture {

namespace {

// The decimal number at the start of `text`, and where it ends; nullopt without a digit or past 32 bits.
std::optional<unsigned> leading_number(std::string_view text, std::size_t& end) {
    unsigned value = 0;
    const auto [ptr, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || ptr == text.data()) return std::nullopt;
    end = static_cast<std::size_t>(ptr - text.data());
    return value;
}

}  // namespace

std::optional<KernelVersion> parse_kernel_version(std::string_view release) {
    std::size_t end = 0;
    const auto major = leading_number(release, end);
    if (!major || end >= release.size() || release[end] != '.') return std::nullopt;
    const std::string_view rest = release.substr(end + 1);
    const auto minor = leading_number(rest, end);
    if (!minor) return std::nullopt;
    return KernelVersion{*major, *minor};
}

}  // namespace aperture
