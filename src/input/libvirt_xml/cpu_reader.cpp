// <vcpu> and <cpu>: the -cpu and -smp libvirt passes (src/qemu/qemu_command.c qemuBuildCpuModelArgStr,
// qemuBuildCpuCommandLine, qemuBuildSmpCommandLine; src/conf/cpu_conf.c virCPUDefParseXML).

#include <algorithm>
#include <fmt/format.h>
#include <limits>

#include "input/libvirt_xml/domain_context.hpp"

namespace aperture::libvirt_xml {

namespace {

// src/qemu/qemu_command.c qemuBuildCpuCommandLine: the model libvirt names when the domain gives none.
constexpr const char* kDefaultX86Model = "qemu64";

unsigned small_number(const XmlDocument& xml, pugi::xml_node node, u64 value, const char* what) {
    if (value > std::numeric_limits<unsigned>::max()) xml.fail(node, std::string(what) + " is out of range");
    return static_cast<unsigned>(value);
}

void read_topology(DomainContext& context, unsigned max_vcpus, unsigned current, pugi::xml_node vcpu_node) {
    const XmlDocument& xml = context.xml;
    SmpSpec& smp = context.spec().smp;
    smp.max_cpus = max_vcpus;
    smp.sockets = max_vcpus;
    smp.dies = 1;
    smp.cores = 1;
    smp.threads = 1;
    smp.where = xml.where(vcpu_node);
    const pugi::xml_node topology = xml.root().child("cpu").child("topology");
    if (topology) {
        auto field = [&](const char* name) -> unsigned {
            const auto value = xml.unsigned_attribute(topology, name);
            if (!value) return 1;
            if (*value == 0) xml.fail(topology, std::string("attribute '") + name + "' must be greater than zero");
            return small_number(xml, topology, *value, name);
        };
        smp.sockets = field("sockets");
        smp.dies = field("dies");
        const unsigned clusters = field("clusters");
        smp.cores = field("cores");
        smp.threads = field("threads");
        if (clusters != 1) {
            xml.unsupported(topology, "CPU clusters are not modelled on x86 (" + std::string(context.options.qemu->display_name) +
                                          " has none there)");
        }
        const u64 product = u64{smp.sockets} * smp.dies * smp.cores * smp.threads;
        if (product != max_vcpus) {
            xml.fail(topology, "CPU topology doesn't match maximum vcpu count (" + std::to_string(product) + " != " +
                                   std::to_string(max_vcpus) + ")");
        }
        smp.where = xml.where(topology);
    }
    context.spec().cpus = current;
}

void set_phys_bits(DomainContext& context, pugi::xml_node node) {
    const XmlDocument& xml = context.xml;
    CpuSpec& cpu = context.spec().cpu;
    const auto mode = XmlDocument::attribute(node, "mode");
    if (!mode) xml.fail(node, "missing required attribute 'mode' (passthrough or emulate)");
    const auto bits = xml.unsigned_attribute(node, "bits");
    std::optional<u64> limit;
    if (XmlDocument::attribute(node, "limit")) {
        if (context.options.release().maxphysaddr_limit == MaxPhysAddrLimit::Ignored) {
            context.note(node, fmt::format("libvirt {} does not know the 'limit' attribute and ignores it "
                                           "(its command line has no host-phys-bits-limit)",
                                           to_string(context.options.libvirt)));
        } else {
            limit = xml.unsigned_attribute(node, "limit");
            if (*limit == 0) xml.fail(node, "attribute 'limit' must be greater than zero");
        }
    }
    if (*mode == "passthrough") {
        // cpu-phys-bits-passthrough2.x86_64-latest.err
        if (bits) xml.fail(node, "CPU maximum physical address bits number specification cannot be used with mode='passthrough'");
        cpu.host_phys_bits = true;
        if (limit) cpu.host_phys_bits_limit = small_number(xml, node, *limit, "limit");
    } else if (*mode == "emulate") {
        if (limit) xml.fail(node, "attribute 'limit' is only supported for maxphysaddr mode 'passthrough'");
        if (bits && *bits > 0) {
            cpu.phys_bits = small_number(xml, node, *bits, "bits");
        } else if (context.options.release().emulate_without_bits == EmulateWithoutBits::Refused) {
            xml.fail(node, fmt::format("if using CPU maximum physical address mode='emulate', bits= must be specified too "
                                       "(libvirt {}; host-phys-bits=off without bits needs a newer libvirt)",
                                       to_string(context.options.libvirt)));
        } else {
            cpu.host_phys_bits = false;
        }
    } else {
        xml.fail(node, "Invalid value for attribute 'mode' in element 'maxphysaddr': '" + *mode + "'");
    }
}

void read_cpu_model(DomainContext& context) {
    const XmlDocument& xml = context.xml;
    CpuSpec& cpu = context.spec().cpu;
    const pugi::xml_node node = xml.root().child("cpu");
    cpu.model = kDefaultX86Model;
    cpu.where = node ? xml.where(node) : SourceLocation{context.xml.file_name() + ": no <cpu>: libvirt's default -cpu qemu64"};
    if (!node) return;
    const std::string mode = XmlDocument::attribute(node, "mode").value_or("custom");
    if (mode == "host-passthrough") {
        cpu.model = "host";
    } else if (mode == "maximum") {
        cpu.model = "max";
    } else if (mode == "host-model") {
        // libvirt expands host-model into a named model with the host's vendor and features; a named
        // model does not copy the host's address width, so neither does this.
        cpu.model = "host";
        cpu.host_phys_bits = false;
        context.note(node, "host-model is planned as the host's CPU without its address width (-cpu host,host-phys-bits=off): "
                           "libvirt expands it to a named model of the host's vendor");
    } else if (mode == "custom") {
        if (const pugi::xml_node model = node.child("model")) {
            const std::string name = model.text().get();
            if (!name.empty()) cpu.model = name;
        }
    } else {
        xml.fail(node, "Invalid value for attribute 'mode' in element 'cpu': '" + mode + "'");
    }
    if (const pugi::xml_node vendor = node.child("vendor")) cpu.vendor = vendor.text().get();
    for (pugi::xml_node feature : node.children("feature")) {
        const auto name = XmlDocument::attribute(feature, "name");
        if (!name) xml.fail(feature, "a CPU feature needs a 'name'");
        const std::string policy = XmlDocument::attribute(feature, "policy").value_or("require");
        std::string qemu_name = *name;  // libvirt's "lahf_lm" is QEMU's "lahf-lm"
        std::replace(qemu_name.begin(), qemu_name.end(), '_', '-');
        if (policy == "require" || policy == "force") {
            cpu.flags[qemu_name] = true;
        } else if (policy == "disable" || policy == "forbid") {
            cpu.flags[qemu_name] = false;
        } else if (policy != "optional") {
            xml.fail(feature, "Invalid CPU feature policy '" + policy + "'");
        }
    }
    if (const pugi::xml_node maxphysaddr = node.child("maxphysaddr")) set_phys_bits(context, maxphysaddr);
}

}  // namespace

void read_cpu(DomainContext& context) {
    const XmlDocument& xml = context.xml;
    const pugi::xml_node vcpu = xml.root().child("vcpu");
    unsigned max_vcpus = 1;
    unsigned current = 1;
    if (vcpu) {
        max_vcpus = small_number(xml, vcpu, xml.unsigned_text(vcpu), "vcpu count");
        if (max_vcpus == 0) xml.fail(vcpu, "Invalid number of vCPUs '0'");
        current = max_vcpus;
        if (const auto written = xml.unsigned_attribute(vcpu, "current")) {
            if (*written == 0 || *written > max_vcpus) xml.fail(vcpu, "current vcpus must be between 1 and the maximum");
            current = static_cast<unsigned>(*written);
        }
    }
    read_topology(context, max_vcpus, current, vcpu ? vcpu : xml.root());
    read_cpu_model(context);
}

}  // namespace aperture::libvirt_xml
