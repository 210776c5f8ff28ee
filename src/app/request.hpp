#pragma once
// What a program asks aperture for: the VM (a QEMU command line, a libvirt domain or an xl.cfg), the
// stack it runs on as far as the caller names it, the host, and the output wanted. Plain values, so the
// CLI, the tests and a binding build them the same way; defaults are the CLI's.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/vm_spec.hpp"
#include "host/host_snapshot.hpp"

namespace aperture::app {

enum class OutputFormat { Text, Json, Svg, Html };

// Where the VM's description comes from. The use cases refuse the combinations the CLI refuses, with its
// messages.
struct VmSource {
    std::vector<std::string> qemu_args;  // a QEMU command line; an "@FILE" word stands for FILE's words
    std::string libvirt_xml;             // path of a libvirt domain XML (virsh dumpxml)
    std::string xl_cfg;                  // path of a Xen xl.cfg
    std::string proxmox_cmd;             // path of Proxmox VE's `qm showcmd VMID` output (input/proxmox/qm_showcmd.hpp)
};

// Everything plan, check and fix read about one VM.
struct VmRequest {
    VmSource source;
    std::string arch;                        // "x86_64", "ppc64"; empty: from the command line
    std::string qemu_release;                // x86: the modelled releases (plan/stack_request.hpp); pseries: "7.2" (default), "8.1", "8.2"
    std::string firmware;                    // x86: overrides the command line's choice: "seabios", "ovmf-2022.11", ...
    std::string host_file;                   // a host snapshot (aperture host --save); empty: probe this host where needed
    // A snapshot already read, instead of host_file: a scheduler asking about many VMs on one host reads
    // the host's snapshot once (app/requested_host.hpp).
    std::shared_ptr<const HostSnapshot> host;
    std::string host_cpu_vendor;             // x86 KVM: GenuineIntel / AuthenticAMD; empty: /proc/cpuinfo
    unsigned host_phys_bits = 0;             // x86 KVM, with host_cpu_vendor
    // x86 KVM: the GuestPhysBits the host's KVM reports (0 to 64), for whichever host CPU the plan uses
    // (host_cpu_vendor, the snapshot's or this host's); nullopt: the snapshot's or this host's, if known
    std::optional<unsigned> host_guest_phys_bits;
    std::vector<std::string> passthrough;    // HOST=DEVICE (app/passthrough_option.hpp)
    std::string xen_release;                 // xl.cfg: "4.17.0", "4.17.7", "4.22.0"; empty: the default
    unsigned xen_phys_bits = 0;              // xl.cfg: the guest's phys-bits; 0: the host snapshot's
    // A libvirt domain: the libvirt that starts it (Debian 12's by default). It decides how the domain
    // reads where releases differ (input/libvirt_xml/libvirt_release.hpp) and the memlock formula.
    std::string libvirt_version = "9.0.0";
};

struct PlanRequest {
    VmRequest vm;
    OutputFormat format = OutputFormat::Text;
};

struct CheckRequest {
    VmRequest vm;
    OutputFormat format = OutputFormat::Text;
    std::vector<std::string> migrate_to;   // snapshots of hosts the VM may migrate to
    // x86: PORT=DEVICE; Xen: DEVICE. DEVICE is a size, a catalog name, a host BDF or mem32=SIZE,mem64=SIZE
    // (app/will_attach_option.hpp).
    std::vector<std::string> will_attach;
};

// `vm.source.libvirt_xml` is the domain to fix; the rest is read as `check` reads it.
struct FixRequest {
    VmRequest vm;
    OutputFormat format = OutputFormat::Text;  // Text: the fixed domain; Json: "aperture-fix/2"
    std::vector<std::string> migrate_to;
    std::vector<std::string> will_attach;
};

struct MemlockRequest {
    std::string xml_file;
    std::string libvirt_version = "9.0.0";
    std::string host_file;              // the hostdevs' IOMMU groups (ppc64 PHBs)
    std::vector<std::string> nvlink2;   // host addresses of NVLink2 hostdevs
    OutputFormat format = OutputFormat::Text;  // Text or Json
};

struct HostRequest {
    std::string root = "/";  // a copied /proc and /sys tree, or the live host
};

}  // namespace aperture::app
