#pragma once
// `aperture memlock --xml FILE`: the locked-memory limit libvirt sets for a domain of any architecture,
// read without planning the VM (src/input/libvirt_xml/memlock_reader.hpp).

#include <ostream>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace aperture::cli {

struct MemlockCommand {
    std::string xml_file;
    std::string libvirt_version = "9.0.0";  // as check and fix: Debian 12's
    std::string host_file;                  // a host snapshot: the hostdevs' IOMMU groups
    std::vector<std::string> nvlink2;       // host addresses of NVLink2 hostdevs
    std::string format = "text";
};

CLI::App* add_memlock_subcommand(CLI::App& app, MemlockCommand& cmd);
int run_memlock(const MemlockCommand& cmd, std::ostream& out);

}  // namespace aperture::cli
