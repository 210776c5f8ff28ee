// A Xen xl.cfg: libxlu's syntax, then the HVM domain settings read from it.
#include "fuzz_support.hpp"
#include "input/xl_cfg/xl_domain_config.hpp"

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
    const std::string text = aperture::fuzz::text_of(data, size);
    aperture::fuzz::expect_outcome(text, [&] { aperture::read_xl_domain_config(aperture::XlConfig::parse(text, "fuzz.cfg")); });
    return 0;
}
