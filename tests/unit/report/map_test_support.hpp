#pragma once
// Helpers for the map tests: plans from command lines (the bundled example, the golden cases, a 16-GPU
// VM) and the SVG read back with pugixml as boxes and text extents.

#include <gtest/gtest.h>
#include <pugixml.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "../support/words.hpp"
#include "devices/passthrough_catalog.hpp"
#include "input/args_file.hpp"
#include "input/qemu_command_line.hpp"
#include "plan/plan.hpp"
#include "report/map_layout.hpp"

namespace aperture::test {

struct PlannedVm {
    VmSpec spec;
    PlanOptions options;
    Plan plan;
};

inline PlannedVm plan_vm(const std::vector<std::string>& args, std::optional<FirmwareKind> firmware = std::nullopt,
                         const HostContext& host = {}) {
    PlannedVm vm;
    vm.spec = read_qemu_command_line(args);
    vm.options.firmware = firmware;
    vm.options.host = host;
    vm.plan = make_plan(vm.spec, vm.options);
    return vm;
}

inline std::string source_file(const std::string& relative) { return std::string(APERTURE_SOURCE_DIR) + "/" + relative; }

// The words of an args file, comments and line breaks dropped as `aperture plan @FILE` drops them.
inline std::vector<std::string> args_file_words(const std::string& relative) {
    const std::string path = source_file(relative);
    std::vector<std::string> out;
    for (const auto& a : split_args_text_located(read_text_file(path), path)) out.push_back(a.text);
    return out;
}

// A golden case's command line and firmware choice (tests/golden/cases/NAME.golden): the x86 QEMU cases
// the oracle boots, which need no host snapshot (cases for Xen, libvirt XML, pseries or a host device say
// "xl:", "xml:" or "oracle:" in their header).
struct GoldenCase {
    std::string name;
    std::vector<std::string> args;
    std::optional<FirmwareKind> firmware;
};

inline std::vector<GoldenCase> golden_cases() {
    std::vector<GoldenCase> cases;
    for (const auto& entry : std::filesystem::directory_iterator(source_file("tests/golden/cases"))) {
        if (entry.path().extension() != ".golden") continue;
        std::ifstream in(entry.path());
        GoldenCase c{entry.path().stem().string(), {}, std::nullopt};
        bool booted_by_oracle = true;
        for (std::string line; std::getline(in, line) && line != "---";) {
            if (line.starts_with("args:")) c.args = words(line.substr(5));
            if (line.starts_with("options:") && line.find("--firmware ovmf") != std::string::npos) c.firmware = FirmwareKind::Ovmf;
            if (line.starts_with("oracle:") || line.starts_with("xml:") || line.starts_with("xl:")) booted_by_oracle = false;
        }
        if (booted_by_oracle && !c.args.empty()) cases.push_back(std::move(c));
    }
    std::sort(cases.begin(), cases.end(), [](const GoldenCase& a, const GoldenCase& b) { return a.name < b.name; });
    return cases;
}

// 16 passed-through H100s behind their own root ports and 64 other devices behind three PCI bridges.
inline constexpr int kBigVmGpus = 16;
inline constexpr int kBigVmOtherDevices = 64;
inline constexpr int kBigVmBridges = 3;

inline std::string big_vm_gpu_address(int i) {
    std::ostringstream s;
    s << "0000:" << std::hex << (0x41 + i) << ":00.0";
    return s.str();
}

inline std::vector<std::string> big_vm_args() {
    std::vector<std::string> args = words("-machine q35 -m 64G -nodefaults -cpu qemu64,phys-bits=46 -device pcie-pci-bridge,id=pb0");
    for (int i = 0; i < kBigVmGpus; ++i) {
        args.push_back("-device");
        args.push_back("pcie-root-port,id=rp" + std::to_string(i) + ",chassis=" + std::to_string(i + 1) + ",slot=" + std::to_string(i + 1));
        args.push_back("-device");
        args.push_back("vfio-pci,host=" + big_vm_gpu_address(i) + ",bus=rp" + std::to_string(i) + ",id=gpu" + std::to_string(i));
    }
    for (int b = 0; b < kBigVmBridges; ++b) {
        args.push_back("-device");
        args.push_back("pci-bridge,id=br" + std::to_string(b) + ",bus=pb0,addr=" + std::to_string(b + 1) + ",chassis_nr=" + std::to_string(b + 20));
    }
    const char* kinds[] = {"virtio-net-pci-non-transitional", "nvme", "virtio-rng-pci-non-transitional", "e1000e"};
    for (int d = 0; d < kBigVmOtherDevices; ++d) {
        const std::string kind = kinds[d % 4];
        args.push_back("-device");
        args.push_back(kind + ",id=dev" + std::to_string(d) + ",bus=br" + std::to_string(d % kBigVmBridges) +
                       (kind == "nvme" ? ",serial=d" + std::to_string(d) : ""));
    }
    return args;
}

inline HostContext big_vm_host() {
    HostContext host;
    for (int i = 0; i < kBigVmGpus; ++i) host.passthrough[big_vm_gpu_address(i)] = find_passthrough_device("h100")->function;
    return host;
}

// --- Reading the SVG back --------------------------------------------------------------------------------

inline double attr(const pugi::xml_node& n, const char* name) { return n.attribute(name).as_double(); }

inline Box rect_box(const pugi::xml_node& rect) { return {attr(rect, "x"), attr(rect, "y"), attr(rect, "width"), attr(rect, "height")}; }

// The extent of a <text>, from the same rules the layout uses (its advance is pinned by textLength).
inline Box text_box(const pugi::xml_node& text) {
    TextLine t;
    t.x = attr(text, "x");
    t.baseline = attr(text, "y");
    t.font_size = attr(text, "font-size");
    t.width = attr(text, "textLength");
    const std::string anchor = text.attribute("text-anchor").value();
    t.anchor = anchor == "middle" ? TextAnchor::Middle : anchor == "end" ? TextAnchor::End : TextAnchor::Start;
    return t.bounds();
}

inline bool boxes_overlap(const Box& a, const Box& b, double tolerance = 0.01) {
    return a.x < b.right() - tolerance && b.x < a.right() - tolerance && a.y < b.bottom() - tolerance && b.y < a.bottom() - tolerance;
}

inline bool box_inside(const Box& inner, const Box& outer, double tolerance = 0.5) {
    return inner.x >= outer.x - tolerance && inner.y >= outer.y - tolerance && inner.right() <= outer.right() + tolerance &&
           inner.bottom() <= outer.bottom() + tolerance;
}

inline std::vector<pugi::xml_node> select(const pugi::xml_node& root, const std::string& xpath) {
    std::vector<pugi::xml_node> out;
    for (const auto& n : root.select_nodes(xpath.c_str())) out.push_back(n.node());
    return out;
}

}  // namespace aperture::test
