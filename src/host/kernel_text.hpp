#pragma once
// The few text forms the kernel prints in sysfs and procfs ("0x10de", "%016llx", "%llx", decimal), read
// strictly: a value that does not have the kernel's form is an error naming the file and line, never a
// silent zero.

#include <string>
#include <string_view>
#include <vector>

#include "core/address.hpp"
#include "core/error.hpp"

namespace aperture {

// Whether the hex form carries "0x": sysfs `vendor` and `resource` do ("0x%04x", "0x%016llx"); intel-iommu
// `cap` ("%llx") and `resourceN_resize` ("%016llx") do not.
enum class HexPrefix { Required, Absent };

// nullopt unless `text` is exactly the hex form (1 to 16 digits after the optional prefix).
std::optional<u64> parse_kernel_hex(std::string_view text, HexPrefix prefix);
// nullopt unless `text` is 1 to 20 decimal digits that fit in 64 bits.
std::optional<u64> parse_kernel_decimal(std::string_view text);

std::string_view trim_blanks(std::string_view text);
// Lines without their '\n'; a final newline does not make an empty last line.
std::vector<std::string_view> split_lines(std::string_view text);
// Words separated by runs of spaces or tabs.
std::vector<std::string_view> split_words(std::string_view text);

// "<file>:<line>: <message>", line counted from 1.
InputError kernel_text_error(const std::string& file, std::size_t line, const std::string& message);
// "<file>: <message>", for one-value files.
InputError kernel_file_error(const std::string& file, const std::string& message);

}  // namespace aperture
