#include "host/memlock.hpp"

#include <sys/resource.h>

#include "host/kernel_text.hpp"

namespace aperture {

namespace {

// fs/proc/base.c: lnames[RLIMIT_MEMLOCK] = {"Max locked memory", "bytes"}, "unlimited" for RLIM_INFINITY
constexpr std::string_view kMemlockLineName = "Max locked memory";
constexpr std::string_view kUnlimited = "unlimited";

std::optional<u64> from_rlim(rlim_t value) {
    if (value == RLIM_INFINITY) return std::nullopt;
    return static_cast<u64>(value);
}

}  // namespace

const char* to_string(MemlockSource source) {
    switch (source) {
        case MemlockSource::Getrlimit: return "getrlimit";
        case MemlockSource::LimitsFile: return "limits-file";
    }
    return "getrlimit";
}

std::optional<MemlockLimit> parse_limits_memlock(const std::string& text, const std::string& file) {
    const auto lines = split_lines(text);
    for (std::size_t i = 0; i < lines.size(); ++i) {
        if (!lines[i].starts_with(kMemlockLineName)) continue;
        // "%-25s %-20s %-20s %-10s": name, soft, hard, unit.
        const auto words = split_words(lines[i].substr(kMemlockLineName.size()));
        MemlockLimit limit{MemlockSource::LimitsFile, std::nullopt, std::nullopt};
        bool valid = words.size() == 3 && words[2] == "bytes";
        for (std::size_t w = 0; valid && w < 2; ++w) {
            if (words[w] == kUnlimited) continue;
            const auto bytes = parse_kernel_decimal(words[w]);
            if (!bytes) valid = false;
            (w == 0 ? limit.soft : limit.hard) = bytes;
        }
        if (!valid) {
            throw kernel_text_error(
                file, i + 1,
                "expected 'Max locked memory <soft> <hard> bytes' with byte counts or 'unlimited', got '" +
                    std::string(lines[i]) + "'");
        }
        return limit;
    }
    return std::nullopt;
}

std::optional<MemlockLimit> process_memlock_limit() {
    rlimit limit{};
    if (getrlimit(RLIMIT_MEMLOCK, &limit) != 0) return std::nullopt;
    return MemlockLimit{MemlockSource::Getrlimit, from_rlim(limit.rlim_cur), from_rlim(limit.rlim_max)};
}

}  // namespace aperture
