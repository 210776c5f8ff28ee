#include "core/size_parse.hpp"

#include <cctype>

namespace aperture {

namespace {

std::optional<u64> suffix_multiplier(char suffix) {
    switch (std::toupper(static_cast<unsigned char>(suffix))) {
        case 'B': return u64{1};
        case 'K': return KiB;
        case 'M': return MiB;
        case 'G': return GiB;
        case 'T': return TiB;
        case 'P': return u64{1} << 50;
        case 'E': return u64{1} << 60;
        default: return std::nullopt;
    }
}

}  // namespace

std::optional<u64> parse_uint(std::string_view text) {
    if (text.empty()) return std::nullopt;
    unsigned base = 10;
    if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
        base = 16;
        text.remove_prefix(2);
    }
    u64 value = 0;
    for (char c : text) {
        unsigned digit = 0;
        if (c >= '0' && c <= '9') {
            digit = static_cast<unsigned>(c - '0');
        } else if (base == 16 && std::isxdigit(static_cast<unsigned char>(c))) {
            digit = static_cast<unsigned>(std::tolower(static_cast<unsigned char>(c)) - 'a' + 10);
        } else {
            return std::nullopt;
        }
        auto scaled = checked_mul(value, base);
        if (!scaled) return std::nullopt;
        auto sum = checked_add(*scaled, digit);
        if (!sum) return std::nullopt;
        value = *sum;
    }
    return value;
}

std::optional<u64> parse_uint_base0(std::string_view text) {
    if (text.size() > 1 && text[0] == '0' && text[1] != 'x' && text[1] != 'X') {
        u64 value = 0;
        for (char c : text.substr(1)) {
            if (c < '0' || c > '7') return std::nullopt;
            auto scaled = checked_mul(value, 8);
            if (!scaled) return std::nullopt;
            value = *scaled + static_cast<u64>(c - '0');
        }
        return value;
    }
    return parse_uint(text);
}

std::optional<u64> parse_size(std::string_view text, DefaultSuffix default_suffix) {
    // Split into integer digits, an optional decimal fraction, and an optional one-letter suffix.
    std::size_t pos = 0;
    const bool is_hex = text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X');
    if (is_hex) {
        pos = 2;
        while (pos < text.size() && std::isxdigit(static_cast<unsigned char>(text[pos]))) ++pos;
        // A trailing B/E would be taken as hex digits by strtoull; QEMU likewise reads them as digits.
    } else {
        while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) ++pos;
    }
    if (pos == 0 || (is_hex && pos == 2)) return std::nullopt;
    auto whole = parse_uint(text.substr(0, pos));
    if (!whole) return std::nullopt;

    // Fraction: kept as numerator/denominator so "1.5G" is exact.
    u64 frac_num = 0, frac_den = 1;
    if (pos < text.size() && text[pos] == '.') {
        if (is_hex) return std::nullopt;
        ++pos;
        std::size_t digits = 0;
        while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) {
            if (digits < 18) {
                frac_num = frac_num * 10 + static_cast<u64>(text[pos] - '0');
                frac_den *= 10;
            }
            ++digits;
            ++pos;
        }
        if (digits == 0) return std::nullopt;
    }

    u64 multiplier = default_suffix == DefaultSuffix::Mebibytes ? MiB : 1;
    if (pos < text.size()) {
        auto m = suffix_multiplier(text[pos]);
        if (!m) return std::nullopt;
        multiplier = *m;
        ++pos;
    }
    if (pos != text.size()) return std::nullopt;
    if (frac_num != 0 && multiplier == 1) return std::nullopt;  // "1.5" bytes is meaningless

    auto scaled = checked_mul(*whole, multiplier);
    if (!scaled) return std::nullopt;
    if (frac_num != 0) {
        // frac_num < frac_den <= 10^18 and multiplier <= 2^60: scale by the power-of-two multiplier
        // bit by bit so that nothing overflows (the result is below the multiplier).
        u64 part = 0, remainder = frac_num;
        for (u64 bit = multiplier; bit > 1; bit >>= 1) {
            remainder *= 2;
            part *= 2;
            if (remainder >= frac_den) {
                remainder -= frac_den;
                part += 1;
            }
        }
        auto sum = checked_add(*scaled, part);
        if (!sum) return std::nullopt;
        scaled = sum;
    }
    // QEMU rejects values at or within 1 KiB of 2^64 ("Values near or exceeding 2^64").
    if (*scaled > ~u64{0} - KiB) return std::nullopt;
    return scaled;
}

}  // namespace aperture
