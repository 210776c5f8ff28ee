#pragma once
// Which output formats a platform's plan can be rendered in.

#include "app/platform.hpp"
#include "app/request.hpp"

namespace aperture::app {

// The address map (svg, html) is drawn for QEMU x86 plans; Xen and pseries plans come as text or JSON.
// Throws InputError "--format svg: ..." otherwise.
void require_drawable(Platform platform, OutputFormat format);

}  // namespace aperture::app
