#include "app/output_format.hpp"

#include <fmt/format.h>

#include "core/error.hpp"

namespace aperture::app {

void require_drawable(Platform platform, OutputFormat format) {
    if (platform == Platform::QemuX86 || (format != OutputFormat::Svg && format != OutputFormat::Html)) return;
    throw InputError(fmt::format("--format {}: the address map is drawn for QEMU x86 plans only; Xen and pseries plans come as text or json",
                                 format == OutputFormat::Svg ? "svg" : "html"));
}

}  // namespace aperture::app
