#pragma once
// Files the CLI writes for the user (fix --output, host --save), safe to run as root in a directory others
// can write to:
//   - the text goes to a new temporary file beside the target, created with O_CREAT|O_EXCL|O_NOFOLLOW under
//     a random name, so nothing planted in the directory (a symlink, a file) is opened or followed;
//   - the temporary file gets the target's mode (a libvirt domain may hold secrets: 0600 stays 0600) and,
//     when aperture runs as root, its owner and group; a new target gets 0666 less the umask;
//   - the file is fsync'ed, renamed over the target, and the directory fsync'ed, so after a crash either the
//     old or the new file is there, whole;
//   - a target that is a symbolic link is followed: the file it points to is replaced and the link kept (as
//     an editor saving through a link does); a target that is not a regular file (a directory, a device,
//     a FIFO) is refused;
//   - on every error the temporary file is removed and the target is untouched;
//   - SIGINT, SIGTERM, SIGHUP and SIGQUIT are held while the temporary file exists and delivered once it is
//     renamed or removed, so an interrupted run leaves no temporary file behind (only SIGKILL can).

#include <functional>
#include <string>

namespace aperture::cli {

// Writes `text` to `path` as above. Throws InputError "OPTION PATH: ..." when it cannot.
// `while_temporary` runs while the temporary file exists, written and not yet renamed (tests interrupt there).
void write_file_atomically(const std::string& option, const std::string& path, const std::string& text,
                           const std::function<void()>& while_temporary = {});

}  // namespace aperture::cli
