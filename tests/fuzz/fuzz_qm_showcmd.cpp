// Proxmox VE's `qm showcmd` output: split like a shell line, -id / -readconfig / +pveN resolved, then read
// as QEMU reads it. Before the first NUL byte is the command line; after it, the text every -readconfig
// file reads as (QEMU's config-file syntax). Without a NUL no file is "on this host", so qemu-server's
// paths come from aperture's copies and any other path is refused: the target reads nothing from disk.
#include "fuzz_support.hpp"
#include "input/proxmox/qm_showcmd.hpp"
#include "input/qemu_command_line.hpp"

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
    const std::string input = aperture::fuzz::text_of(data, size);
    const auto nul = input.find('\0');
    const std::string command = input.substr(0, nul);
    const std::optional<std::string> config = nul == std::string::npos ? std::nullopt : std::optional(input.substr(nul + 1));
    // A message quotes the words as split (unquoted), so those count as input too.
    std::string quoted = input;
    try {
        for (const auto& word : aperture::split_args_text(command, "fuzz.cmd")) quoted += "\n" + word;
    } catch (const aperture::InputError&) {
    }
    aperture::fuzz::expect_outcome(quoted, [&] {
        const aperture::ReadconfigLoader load = [&config](const std::string&) { return config; };
        aperture::ProxmoxCommandLine read = aperture::read_qm_showcmd(command, "fuzz.cmd", load);
        aperture::read_qemu_command_line_located(std::move(read.args));
    });
    return 0;
}
