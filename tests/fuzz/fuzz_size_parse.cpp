// Sizes and numbers as QEMU reads them (qemu_strtosz, qemu_strtou64): the value parsed must round-trip
// through the suffix rules, and no text may wrap 64 bits unnoticed.
#include "core/size_parse.hpp"
#include "fuzz_support.hpp"

using namespace aperture;

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
    const std::string text = fuzz::text_of(data, size);
    fuzz::expect_outcome(text, [&] {
        parse_size(text, DefaultSuffix::Bytes);
        parse_size(text, DefaultSuffix::Mebibytes);
        parse_uint(text);
        parse_uint_base0(text);
        // A plain decimal number is its own size in bytes.
        if (const auto n = parse_uint(text); n && !text.empty() && text.find_first_not_of("0123456789") == std::string::npos) {
            const auto s = parse_size(text, DefaultSuffix::Bytes);
            if (s && *s != *n) std::abort();
        }
    });
    return 0;
}
