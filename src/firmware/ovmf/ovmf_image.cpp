#include "firmware/ovmf/ovmf_image.hpp"

#include "core/sha256.hpp"

namespace aperture {

const KnownOvmfImage* find_known_ovmf_image(std::string_view sha256, std::span<const KnownOvmfImage> known) {
    for (const KnownOvmfImage& image : known) {
        if (image.sha256 == sha256) return &image;
    }
    return nullptr;
}

OvmfImage examine_ovmf_image(const std::string& path, std::span<const KnownOvmfImage> known) {
    FirmwareImageFile file = read_firmware_image(path, kMaxOvmfImageSize);
    if (file.outcome != FirmwareImageOutcome::NotRecognised) return OvmfImage{file.outcome, nullptr, nullptr, std::move(file.reason)};
    const KnownOvmfImage* build = find_known_ovmf_image(sha256_hex(file.bytes), known);
    // A row naming a release the table of releases lacks is no modelled build (the table test forbids one).
    const OvmfRelease* release = build ? find_ovmf_release(build->release) : nullptr;
    if (!release) return OvmfImage{FirmwareImageOutcome::NotRecognised, nullptr, nullptr, ""};
    return OvmfImage{FirmwareImageOutcome::Recognised, release, build, ""};
}

}  // namespace aperture
