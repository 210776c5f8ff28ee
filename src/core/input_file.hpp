#pragma once
// Reading a file the user names (@FILE, --xml, --xl, --host, -fw_cfg file=): only a regular file, never
// more than a bound for its kind, and never blocking on a FIFO or a device. A bound is a design choice,
// so each kind's is a named constant here: a larger file is refused before it costs memory.

#include <cstddef>
#include <string>
#include <string_view>

#include "core/address.hpp"

namespace aperture {

// A kind of file aperture reads: how a message names it and the most bytes read of it.
struct InputFileKind {
    std::string_view what;
    std::size_t max_bytes;
};

// A QEMU command line in a file: Linux's execve takes at most a quarter of the 8 MiB default stack (2 MiB,
// fs/exec.c get_arg_page); twice that leaves room for comments and continuation lines.
inline constexpr InputFileKind kArgsFileKind{"args file", 4 * std::size_t{MiB}};
// virsh refuses a domain XML larger than VSH_MAX_XML_FILE, 10 MiB (libvirt tools/vsh.h).
inline constexpr InputFileKind kDomainXmlKind{"domain XML", 10 * std::size_t{MiB}};
// xl reads its config whole (libxl_read_file_contents) without a bound; a real xl.cfg is a few KiB, so
// aperture's own bound is generous.
inline constexpr InputFileKind kXlConfigKind{"xl.cfg", 1 * std::size_t{MiB}};
// aperture's own snapshot format: an 8-GPU server's is 43 KiB; the bound leaves 400 times that.
inline constexpr InputFileKind kHostSnapshotKind{"host snapshot", 16 * std::size_t{MiB}};
// -fw_cfg name=...,file=...: the OVMF knobs aperture reads are numbers and booleans of a few bytes; QEMU
// itself takes any size, so the bound is aperture's own.
inline constexpr InputFileKind kFwCfgFileKind{"fw_cfg file", 1 * std::size_t{MiB}};

// "-": standard input, for a file given with --xml, --xl or --host (read once, then kept for later reads).
inline constexpr std::string_view kStandardInput = "-";

// How messages name `path`: "<stdin>" for standard input.
std::string input_display_name(const std::string& path);

// The whole of the regular file `path` (or of standard input for "-"). InputError "cannot read KIND 'PATH': REASON" when it cannot be
// opened, is not a regular file (a directory, a FIFO, a device, a socket) or holds more than
// kind.max_bytes (the bound is checked on the bytes read, not on the size stat reports).
std::string read_input_file(const std::string& path, const InputFileKind& kind);

}  // namespace aperture
