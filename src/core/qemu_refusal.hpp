#pragma once
// QEMU refuses a command line aperture could read: an option QEMU's own parser rejects after reading it
// (a duplicate id), in QEMU's words. The CLI exits 1 for it, as for every refusal it predicts, and 2 only
// for input aperture cannot read or model (README "Exit status"). An InputError too, so a caller that
// only separates input errors from model errors keeps working.

#include "core/error.hpp"

namespace aperture {

class QemuRefusal : public InputError {
public:
    explicit QemuRefusal(const std::string& message) : InputError(message) {}
};

}  // namespace aperture
