#pragma once
// How much memory this process may lock (RLIMIT_MEMLOCK). VFIO pins all guest RAM, so QEMU run with a
// limit below the guest's RAM fails with "vfio_pin_pages_remote: RLIMIT_MEMLOCK (65536) exceeded".

#include <optional>
#include <string>

#include "core/address.hpp"

namespace aperture {

inline constexpr const char* kProcessLimitsFile = "/proc/self/limits";

enum class MemlockSource { Getrlimit, LimitsFile };
const char* to_string(MemlockSource source);  // "getrlimit", "limits-file"

struct MemlockLimit {
    MemlockSource source = MemlockSource::Getrlimit;
    std::optional<u64> soft;  // bytes; nullopt: unlimited
    std::optional<u64> hard;

    friend bool operator==(const MemlockLimit&, const MemlockLimit&) = default;
};

// The "Max locked memory" line of a /proc/<pid>/limits text (fs/proc/base.c, proc_pid_limits): soft and
// hard limit in bytes or "unlimited". nullopt when the text has no such line; throws InputError naming
// `file` and the line when it is malformed.
std::optional<MemlockLimit> parse_limits_memlock(const std::string& text, const std::string& file);

// getrlimit(RLIMIT_MEMLOCK) of this process; nullopt when the call fails.
std::optional<MemlockLimit> process_memlock_limit();

}  // namespace aperture
