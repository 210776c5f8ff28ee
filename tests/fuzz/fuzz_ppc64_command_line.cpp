// The qemu-system-ppc64 (pseries) command line, split as an args file is.
#include "fuzz_support.hpp"
#include "input/ppc64_command_line.hpp"
#include "input/qemu_command_line.hpp"

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
    const std::string text = aperture::fuzz::text_of(data, size);
    // A message quotes the words as split (unquoted), so those count as input too.
    std::string quoted = text;
    try {
        for (const auto& word : aperture::split_args_text(text, "fuzz.args")) quoted += "\n" + word;
    } catch (const aperture::InputError&) {
    }
    aperture::fuzz::expect_outcome(quoted, [&] {
        const std::vector<std::string> words = aperture::split_args_text(text, "fuzz.args");
        const aperture::ArgsFileLoader no_files = [](const std::string& path) -> std::string {
            throw aperture::InputError("cannot read args file '" + path + "': not in the fuzz corpus");
        };
        aperture::read_ppc64_command_line(words, no_files);
    });
    return 0;
}
