#include "host/kvm_paging.hpp"

#include "host/kernel_text.hpp"

namespace aperture {

namespace {

std::optional<bool> read_parameter(const HostFiles& files, const std::string& path) {
    const auto text = files.read(path, kKernelAttributeMaxBytes);
    if (!text) return std::nullopt;
    const auto value = parse_module_bool(*text);
    if (!value) {
        throw kernel_file_error(files.describe(path), "expected a module parameter value Y, N, 1 or 0, got '" +
                                                          std::string(trim_blanks(*text)) + "'");
    }
    return value;
}

}  // namespace

std::optional<bool> parse_module_bool(const std::string& text) {
    const auto value = trim_blanks(text);
    if (value == "Y" || value == "1") return true;
    if (value == "N" || value == "0") return false;
    return std::nullopt;
}

KvmPaging read_kvm_paging(const HostFiles& files) {
    return KvmPaging{read_parameter(files, kKvmIntelEptParameter), read_parameter(files, kKvmAmdNptParameter)};
}

}  // namespace aperture
