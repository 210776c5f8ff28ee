// <memory>, <maxMemory> and NUMA cells: guest RAM as libvirt passes it to -m
// (src/qemu/qemu_command.c qemuBuildMemCommandLine, src/qemu/qemu_domain.c qemuDomainAlignMemorySizes).

#include "core/error.hpp"
#include "input/libvirt_xml/domain_context.hpp"
#include "input/libvirt_xml/scaled_integer.hpp"

namespace aperture::libvirt_xml {

// src/conf/domain_conf.c virDomainParseMemory: a scaled value (default KiB) in bytes, kept whole KiB.
u64 parse_memory(const XmlDocument& xml, pugi::xml_node node, const char* unit_attribute) {
    const u64 value = xml.unsigned_text(node);
    const std::string unit = XmlDocument::attribute(node, unit_attribute).value_or("");
    const ScaledValue scaled = scale_integer(value, unit, KiB, kLibvirtMemoryMax);
    if (!scaled.bytes) xml.fail(node, scaled.error);
    const u64 kibibytes = *scaled.bytes / KiB + (*scaled.bytes % KiB != 0 ? 1 : 0);
    return kibibytes * KiB;
}

namespace {

// src/qemu/qemu_domain.c qemuDomainGetMemorySizeAlignment: x86 guest RAM is rounded up to 1 MiB.
constexpr u64 kMemoryAlignment = MiB;

u64 round_to_alignment(const XmlDocument& xml, pugi::xml_node node, u64 bytes) {
    auto aligned = align_up(bytes, kMemoryAlignment);
    if (!aligned) xml.fail(node, "size value too large");
    return *aligned;
}

}  // namespace

void read_memory(DomainContext& context) {
    const XmlDocument& xml = context.xml;
    const pugi::xml_node root = xml.root();
    MemorySpec& memory = context.spec().memory;

    u64 total = 0;
    pugi::xml_node memory_node = root.child("memory");
    if (memory_node) total = parse_memory(xml, memory_node);
    // With NUMA cells, libvirt sizes RAM from the cells and ignores <memory> (virDomainDefPostParseMemory).
    const pugi::xml_node numa = root.child("cpu").child("numa");
    if (numa) {
        u64 cells = 0;
        for (pugi::xml_node cell : numa.children("cell")) {
            if (!cell.attribute("memory")) xml.fail(cell, "a NUMA cell needs a 'memory' attribute");
            const auto value = xml.unsigned_attribute(cell, "memory");
            const ScaledValue scaled = scale_integer(*value, XmlDocument::attribute(cell, "unit").value_or(""), KiB, kLibvirtMemoryMax);
            if (!scaled.bytes) xml.fail(cell, scaled.error);
            const u64 cell_bytes = round_to_alignment(xml, cell, *scaled.bytes);
            auto sum = checked_add(cells, cell_bytes);
            if (!sum) xml.fail(cell, "the NUMA cells' memory passes 2^64 bytes");
            cells = *sum;
            ++context.spec().numa_nodes;  // -numa node,nodeid=N per cell (qemuBuildNumaCommandLine)
        }
        if (cells != 0) {
            total = cells;
            memory_node = numa;
            context.note(numa, "NUMA cells are not modelled beyond their total: RAM is laid out as one block");
        }
    }
    if (total == 0) {
        xml.fail(memory_node ? memory_node : root, "Memory size must be specified via <memory> or in the <numa> configuration");
    }
    memory.size = round_to_alignment(xml, memory_node, total);
    memory.where = xml.where(memory_node);

    if (const pugi::xml_node max_memory = root.child("maxMemory")) {
        const u64 bytes = round_to_alignment(xml, max_memory, parse_memory(xml, max_memory));
        const u64 slots = xml.unsigned_attribute(max_memory, "slots").value_or(0);
        if (slots > 255) xml.fail(max_memory, "libvirt allows at most 255 memory slots");
        if (bytes < memory.size) {
            xml.fail(max_memory, "maximum memory size must be equal or greater than the actual memory size");
        }
        context.facts().max_memory_slots = static_cast<unsigned>(slots);
        memory.maxmem = bytes;
        memory.slots = static_cast<unsigned>(slots);
    }
    if (const pugi::xml_node current = root.child("currentMemory")) {
        const u64 bytes = parse_memory(xml, current);
        if (bytes < total) {
            context.note(current, "currentMemory is the balloon's target: the guest-physical map still holds all of <memory>");
        }
    }
}

}  // namespace aperture::libvirt_xml
