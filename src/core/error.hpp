#pragma once
// Errors aperture reports to the user. Each carries where the bad value came from, so a message can
// name the file, line or argument and what was expected.

#include <stdexcept>
#include <string>

namespace aperture {

// Input the user gave that aperture cannot accept (malformed size, unknown device, bad topology).
class InputError : public std::runtime_error {
public:
    explicit InputError(const std::string& message) : std::runtime_error(message) {}
};

// A value that would overflow or wrap 64-bit address arithmetic.
class ArithmeticError : public std::runtime_error {
public:
    explicit ArithmeticError(const std::string& message) : std::runtime_error(message) {}
};

// Something a model cannot represent (a feature of the platform aperture does not model yet).
class UnsupportedError : public std::runtime_error {
public:
    explicit UnsupportedError(const std::string& message) : std::runtime_error(message) {}
};

}  // namespace aperture
