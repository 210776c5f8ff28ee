#pragma once
// Helpers for the host-probe tests: fixture trees (tests/fixtures/host/, written by generate_fixtures.py
// there) and the message of an expected InputError.

#include <gtest/gtest.h>

#include <string>

#include "core/error.hpp"
#include "host/host_snapshot.hpp"

namespace aperture::test {

inline std::string host_fixture(const std::string& name) {
    return std::string(APERTURE_SOURCE_DIR) + "/tests/fixtures/host/" + name;
}

inline HostSnapshot probe_fixture(const std::string& name) { return probe_host(host_fixture(name)); }

// The message of the InputError `action` throws; a test failure (and "") when it throws none.
template <class Action>
std::string input_error(Action&& action) {
    try {
        action();
    } catch (const InputError& e) {
        return e.what();
    }
    ADD_FAILURE() << "expected an InputError";
    return {};
}

}  // namespace aperture::test
