// A libvirt domain XML (virsh dumpxml): the full reader, and the memlock reader that reads what libvirt's
// memlock formula needs from the same text.
#include "fuzz_support.hpp"
#include "input/libvirt_xml/domain.hpp"

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
    const std::string text = aperture::fuzz::text_of(data, size);
    aperture::fuzz::expect_outcome(text, [&] { aperture::read_libvirt_domain(text, "fuzz.xml"); });
    return 0;
}
