// QemuOpts ("driver,key=value,,more"), keyval and JSON (-device {...}) option syntax. The first byte picks
// the parser, the rest is the option's text.
#include "fuzz_support.hpp"
#include "input/qemu_option_syntax.hpp"

using namespace aperture;

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
    if (size == 0) return 0;
    const std::string text = fuzz::text_of(data + 1, size - 1);
    fuzz::expect_outcome(text, [&] {
        switch (data[0] % 4) {
            case 0: {
                const auto opts = qemu_syntax::parse_qemu_opts(text, "driver");
                qemu_syntax::check_id(opts, "fuzz");
                break;
            }
            case 1: qemu_syntax::parse_keyval(text, "driver", "fuzz"); break;
            case 2: qemu_syntax::parse_json_object(text, "fuzz"); break;
            default:
                qemu_syntax::parse_bool(text);
                qemu_syntax::parse_number(text);
                qemu_syntax::is_well_formed_id(text);
                qemu_syntax::looks_like_size(text);
                break;
        }
    });
    return 0;
}
