#pragma once
// SHA-256 (FIPS 180-4), for recognising a firmware image by the digest of its bytes: OVMF images are
// compressed volumes without a version string, so a known build is known by its hash.

#include <string>
#include <string_view>

namespace aperture {

// The digest of `bytes` as 64 lower-case hex digits, as sha256sum prints it.
std::string sha256_hex(std::string_view bytes);

}  // namespace aperture
