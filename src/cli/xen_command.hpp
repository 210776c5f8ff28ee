#pragma once
// `aperture plan --xl FILE` and `aperture check --xl FILE`: the Xen HVM pipeline behind the CLI.

#include <ostream>
#include <string>
#include <vector>

namespace aperture::cli {

struct XenCommand {
    std::string xl_file;
    std::string format = "text";
    std::string host_file;                 // --host: BARs of pci=[...] devices and the guest's phys-bits
    std::vector<std::string> passthrough;  // HOST=CATALOG-NAME
    std::string release;                   // --xen 4.17.0 / 4.17.7 / 4.22.0
    unsigned phys_bits = 0;                // --phys-bits; 0: from the host snapshot
    std::vector<std::string> will_attach;  // check: BDF, catalog name, or mem32=SIZE,mem64=SIZE
};

// `command` with the options plan/check share with the QEMU path (--format, --host, --passthrough, --will-attach).
XenCommand with_shared(XenCommand command, const std::string& format, const std::string& host_file,
                       const std::vector<std::string>& passthrough, const std::vector<std::string>& will_attach);

int run_xen_plan(const XenCommand& command, std::ostream& out);
int run_xen_check(const XenCommand& command, std::ostream& out);

}  // namespace aperture::cli

namespace CLI { class App; }

namespace aperture::cli {
// --xl, --xen and --phys-bits on `plan` and `check`.
void add_xen_options(CLI::App& app, XenCommand& command);
}  // namespace aperture::cli
