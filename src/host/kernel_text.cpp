#include "host/kernel_text.hpp"

#include <fmt/format.h>

namespace aperture {

namespace {

constexpr std::size_t kMaxHexDigits = 16;      // 64 bits
constexpr std::size_t kMaxDecimalDigits = 20;  // 18446744073709551615

std::optional<unsigned> hex_digit(char c) {
    if (c >= '0' && c <= '9') return static_cast<unsigned>(c - '0');
    if (c >= 'a' && c <= 'f') return static_cast<unsigned>(c - 'a' + 10);
    if (c >= 'A' && c <= 'F') return static_cast<unsigned>(c - 'A' + 10);
    return std::nullopt;
}

}  // namespace

std::optional<u64> parse_kernel_hex(std::string_view text, HexPrefix prefix) {
    if (prefix == HexPrefix::Required) {
        if (text.size() < 2 || text[0] != '0' || (text[1] != 'x' && text[1] != 'X')) return std::nullopt;
        text.remove_prefix(2);
    }
    if (text.empty() || text.size() > kMaxHexDigits) return std::nullopt;
    u64 value = 0;
    for (char c : text) {
        const auto digit = hex_digit(c);
        if (!digit) return std::nullopt;
        value = (value << 4) | *digit;  // at most 16 digits: cannot overflow
    }
    return value;
}

std::optional<u64> parse_kernel_decimal(std::string_view text) {
    if (text.empty() || text.size() > kMaxDecimalDigits) return std::nullopt;
    u64 value = 0;
    for (char c : text) {
        if (c < '0' || c > '9') return std::nullopt;
        const auto scaled = checked_mul(value, 10);
        if (!scaled) return std::nullopt;
        const auto sum = checked_add(*scaled, static_cast<u64>(c - '0'));
        if (!sum) return std::nullopt;
        value = *sum;
    }
    return value;
}

std::string_view trim_blanks(std::string_view text) {
    const auto first = text.find_first_not_of(" \t\r\n");
    if (first == std::string_view::npos) return {};
    const auto last = text.find_last_not_of(" \t\r\n");
    return text.substr(first, last - first + 1);
}

std::vector<std::string_view> split_lines(std::string_view text) {
    std::vector<std::string_view> lines;
    while (!text.empty()) {
        const auto newline = text.find('\n');
        lines.push_back(text.substr(0, newline));
        if (newline == std::string_view::npos) break;
        text.remove_prefix(newline + 1);
    }
    return lines;
}

std::vector<std::string_view> split_words(std::string_view text) {
    std::vector<std::string_view> words;
    std::size_t pos = 0;
    while (pos < text.size()) {
        const auto start = text.find_first_not_of(" \t", pos);
        if (start == std::string_view::npos) break;
        const auto end = text.find_first_of(" \t", start);
        words.push_back(text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
        pos = end == std::string_view::npos ? text.size() : end;
    }
    return words;
}

InputError kernel_text_error(const std::string& file, std::size_t line, const std::string& message) {
    return InputError(fmt::format("{}:{}: {}", file, line, message));
}

InputError kernel_file_error(const std::string& file, const std::string& message) {
    return InputError(fmt::format("{}: {}", file, message));
}

}  // namespace aperture
