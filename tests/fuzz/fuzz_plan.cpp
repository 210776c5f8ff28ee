// plan -> check -> report on QEMU command lines that read: the whole `aperture check` use case against a
// fixed host snapshot, in the format the first byte picks. @FILE words are dropped so nothing is read
// from disk. The snapshot is read once, as a scheduler would (its reader is fuzz_host_snapshot's): read
// for every input it took nine tenths of each execution.
#include <memory>
#include <vector>

#include "app/use_cases.hpp"
#include "fuzz_support.hpp"
#include "host/host_snapshot_json.hpp"
#include "input/qemu_command_line.hpp"

using namespace aperture;

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
    static const std::shared_ptr<const HostSnapshot> host = std::make_shared<const HostSnapshot>(
        load_host_snapshot(std::string(APERTURE_SOURCE_DIR) + "/tests/fixtures/host/snapshots/intel-i7-12700-rtx4090.json"));
    if (size == 0) return 0;
    const std::string text = fuzz::text_of(data + 1, size - 1);
    std::vector<std::string> words;
    try {
        for (auto& word : split_args_text(text, "fuzz.args")) {
            if (!word.starts_with("@")) words.push_back(std::move(word));
        }
    } catch (const InputError&) {
        return 0;  // fuzz_qemu_command_line covers the splitting
    }
    app::CheckRequest request;
    request.vm.source.qemu_args = std::move(words);
    request.vm.host = host;
    constexpr app::OutputFormat kFormats[] = {app::OutputFormat::Text, app::OutputFormat::Json, app::OutputFormat::Svg};
    request.format = kFormats[data[0] % 3];
    std::string quoted = text;
    for (const auto& word : request.vm.source.qemu_args) quoted += "\n" + word;
    fuzz::expect_outcome(quoted, [&] {
        if (data[0] & 0x80) app::plan({request.vm, request.format});
        else app::check(request);
    });
    return 0;
}
