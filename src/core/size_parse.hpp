#pragma once
// Sizes as QEMU's command line writes them ("8G", "512M", "0x1000", "34359738368").

#include <optional>
#include <string>
#include <string_view>

#include "core/address.hpp"

namespace aperture {

enum class DefaultSuffix { Bytes, Mebibytes };  // `-m 2048` means MiB; `membar=4096` means bytes

// QEMU's qemu_strtosz rules: decimal or 0x hex, optional fraction, one suffix B/K/M/G/T/P/E (either case).
// Returns nullopt for anything malformed, negative, or >= 2^64 after scaling.
std::optional<u64> parse_size(std::string_view text, DefaultSuffix default_suffix = DefaultSuffix::Bytes);

// A plain unsigned integer (decimal, or 0x hex); nullopt when malformed or out of range.
std::optional<u64> parse_uint(std::string_view text);

// An integer as QEMU's qemu_strtou64 reads it with base 0: 0x hex, a leading 0 octal, else decimal.
std::optional<u64> parse_uint_base0(std::string_view text);

}  // namespace aperture
