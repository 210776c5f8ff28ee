// The memlock reader of a libvirt domain XML: what libvirt's memlock formula reads (any architecture).
#include "fuzz_support.hpp"
#include "input/libvirt_xml/memlock_reader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
    const std::string text = aperture::fuzz::text_of(data, size);
    aperture::fuzz::expect_outcome(text, [&] { aperture::read_libvirt_memlock_domain(text, "fuzz.xml"); });
    return 0;
}
