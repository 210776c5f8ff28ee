#pragma once
// `aperture plan` and `aperture check` for a qemu-system-ppc64 pseries command line.

#include <ostream>
#include <string>
#include <vector>

namespace aperture::cli {

struct SpaprCommand {
    std::string format = "text";
    std::string qemu_release;              // "7.2" (default), "8.1", "8.2"
    std::vector<std::string> passthrough;  // HOST=NAME, NAME from the passthrough or NVLink2 catalog
    std::string host_file;                 // a host snapshot: vfio-pci BARs by host address
    std::vector<std::string> qemu_args;
};

// True when `arch` is "ppc64", or `arch` is empty and the command line names qemu-system-ppc64 or a
// pseries machine.
bool is_ppc64_invocation(const std::vector<std::string>& qemu_args, const std::string& arch);

int run_spapr_plan(const SpaprCommand& cmd, std::ostream& out);
int run_spapr_check(const SpaprCommand& cmd, std::ostream& out);

}  // namespace aperture::cli
