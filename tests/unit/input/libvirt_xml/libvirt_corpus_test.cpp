// libvirt's own test domains (tests/fixtures/libvirt-xml, from libvirt v10.7.0): every one plans or is
// refused with a clear InputError/UnsupportedError; those libvirt refuses are never planned; and where
// libvirt's expected QEMU command line is at hand, the XML and that command line plan the same.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "devices/passthrough_catalog.hpp"
#include "input/libvirt_xml/domain.hpp"
#include "input/qemu_command_line.hpp"
#include "plan/plan.hpp"
#include "report/json_report.hpp"

namespace aperture {
namespace {

const std::filesystem::path kCorpus = std::filesystem::path(APERTURE_SOURCE_DIR) / "tests/fixtures/libvirt-xml";

// The corpus and its expected command lines are libvirt 10.7.0's, so it is read as that release.
const LibvirtVersion kCorpusRelease{10, 7, 0};

// MANIFEST.tsv: file -> "ok:..." or "error:...", libvirt's own verdict.
std::map<std::string, std::string> manifest() {
    std::map<std::string, std::string> outcomes;
    std::ifstream file(kCorpus / "MANIFEST.tsv");
    std::string line;
    while (std::getline(file, line)) {
        if (line.empty() || line[0] == '#') continue;
        const auto first = line.find('\t');
        const auto last = line.rfind('\t');
        outcomes[line.substr(0, first)] = line.substr(last + 1);
    }
    return outcomes;
}

std::vector<std::string> corpus_files() {
    std::vector<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(kCorpus)) {
        if (entry.path().extension() == ".xml") names.push_back(entry.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    return names;
}

// Every host device is planned as a V100 (its BARs: 16M, 16G 64-bit prefetchable, 32M) on an Intel
// host with 46 address bits, the same for both inputs.
PlanOptions options_for(const VmSpec& spec) {
    PlanOptions options;
    options.host.cpu = HostCpu{"GenuineIntel", 46, std::nullopt};
    const auto gpu = find_passthrough_device("v100");
    for (const auto& device : spec.devices) {
        if (device.driver != "vfio-pci") continue;
        if (const std::string* host = device.properties.find("host")) options.host.passthrough[normalize_host_pci_address(*host)] = gpu->function;
    }
    return options;
}

enum class Verdict { Planned, InputRefused, Unsupported };

Verdict plan_file(const std::string& name, std::string& message) {
    try {
        const LibvirtDomain domain = read_libvirt_domain_file((kCorpus / name).string(), {.libvirt = kCorpusRelease});
        make_plan(domain.spec, options_for(domain.spec));
        return Verdict::Planned;
    } catch (const InputError& e) {
        message = e.what();
        return Verdict::InputRefused;
    } catch (const UnsupportedError& e) {
        message = e.what();
        return Verdict::Unsupported;
    }
}

class LibvirtCorpus : public testing::TestWithParam<std::string> {};

TEST_P(LibvirtCorpus, PlansOrFailsClearly) {
    std::string message;
    const Verdict verdict = plan_file(GetParam(), message);  // any other exception fails the test
    if (verdict != Verdict::Planned) {
        EXPECT_FALSE(message.empty());
        // The message names the domain file, or the model that cannot follow it.
        const bool names_file = message.find(GetParam()) != std::string::npos;
        const bool names_model = message.find("not modelled") != std::string::npos;
        EXPECT_TRUE(names_file || names_model) << message;
    }
}

TEST_P(LibvirtCorpus, WhatLibvirtRefusesIsNeverPlanned) {
    const auto outcomes = manifest();
    ASSERT_TRUE(outcomes.contains(GetParam()));
    if (!outcomes.at(GetParam()).starts_with("error:")) GTEST_SKIP() << "libvirt accepts this domain";
    std::string message;
    EXPECT_NE(plan_file(GetParam(), message), Verdict::Planned);
}

std::string test_name(const testing::TestParamInfo<std::string>& info) {
    std::string name = info.param.substr(0, info.param.size() - 4);
    for (char& c : name) {
        if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
    }
    return name;
}

INSTANTIATE_TEST_SUITE_P(LibvirtV10_7, LibvirtCorpus, testing::ValuesIn(corpus_files()), test_name);

TEST(LibvirtCorpusCounts, EveryManifestEntryIsACorpusFile) {
    const auto files = corpus_files();
    EXPECT_EQ(files.size(), 60U);
    for (const auto& [name, outcome] : manifest()) {
        EXPECT_NE(std::find(files.begin(), files.end(), name), files.end()) << name;
    }
}

// Every prefix of a real domain, and the domain with its numbers made huge, is read or refused with an
// InputError/UnsupportedError: never a crash or another exception (run under ASan/UBSan by scripts/test.sh).
std::string read_verdict(const std::string& text) {
    try {
        read_libvirt_domain(text, "mutated.xml", {.libvirt = kCorpusRelease});
        return "read";
    } catch (const InputError&) {
        return "input";
    } catch (const UnsupportedError&) {
        return "unsupported";
    }
}

TEST_P(LibvirtCorpus, TruncatedDomainsFailClearly) {
    std::ifstream file(kCorpus / GetParam());
    const std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
    constexpr std::size_t kStep = 37;  // a prime, so cuts land inside tags, attributes and text alike
    const std::size_t end_tag = text.rfind("</domain>");
    for (std::size_t cut = 0; cut < end_tag; cut += kStep) {
        EXPECT_EQ(read_verdict(text.substr(0, cut)), "input") << "cut at " << cut;
    }
}

TEST_P(LibvirtCorpus, HugeNumbersFailClearly) {
    std::ifstream file(kCorpus / GetParam());
    std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
    for (const char* huge : {"18446744073709551615", "18446744073709551616", "4294967296", "0xffffffffffffffff", "-1"}) {
        std::string mutated;
        for (std::size_t i = 0; i < text.size(); ++i) {
            // Every number in an attribute or element text becomes `huge`.
            if (std::isdigit(static_cast<unsigned char>(text[i])) && i > 0 && (text[i - 1] == '\'' || text[i - 1] == '>')) {
                while (i < text.size() && std::isxdigit(static_cast<unsigned char>(text[i]))) ++i;
                mutated += huge;
            }
            if (i < text.size()) mutated += text[i];
        }
        const std::string verdict = read_verdict(mutated);
        EXPECT_TRUE(verdict == "input" || verdict == "unsupported" || verdict == "read") << verdict;
    }
}

// --- one plan, two inputs ---------------------------------------------------------------------------------

std::vector<std::string> x86_args_files() {
    std::vector<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(kCorpus / "args")) {
        const std::string name = entry.path().filename().string();
        if (name.find(".x86_64-") != std::string::npos) names.push_back(name);
    }
    std::sort(names.begin(), names.end());
    return names;
}

std::string xml_for(const std::string& args_name) { return args_name.substr(0, args_name.find(".x86_64-")) + ".xml"; }

// The plan as JSON without the notes (they name where things came from, which differs by input) and
// the CPU model name (libvirt expands host-model into a named model the XML reader cannot know).
nlohmann::json comparable(const Plan& plan) {
    nlohmann::json json = nlohmann::json::parse(render_json(plan));
    json.erase("notes");
    json.erase("stack");  // where the machine type came from: the domain's line, or the command line's
    if (json.contains("cpu") && json["cpu"].is_object()) json["cpu"].erase("model");
    if (json.contains("error") && json["error"].is_object()) json["error"].erase("message");
    return json;
}

class LibvirtArgsPair : public testing::TestWithParam<std::string> {};

// A domain aperture refuses (an i686 guest) cannot be compared; it must be refused as not modelled.
bool xml_not_modelled(const std::string& args_name) {
    try {
        read_libvirt_domain_file((kCorpus / xml_for(args_name)).string(), {.refuse_unmodelled_devices = false, .libvirt = kCorpusRelease});
    } catch (const UnsupportedError&) {
        return true;
    }
    return false;
}

// The mapping alone, devices aperture's catalog lacks included: libvirt's placement and ids.
TEST_P(LibvirtArgsPair, XmlAndLibvirtsCommandLineReadAlike) {
    if (xml_not_modelled(GetParam())) GTEST_SKIP() << xml_for(GetParam()) << " is refused as not modelled";
    VmSpec from_xml = read_libvirt_domain_file((kCorpus / xml_for(GetParam())).string(), {.refuse_unmodelled_devices = false, .libvirt = kCorpusRelease}).spec;
    VmSpec from_args = read_qemu_command_line({"@" + (kCorpus / "args" / GetParam()).string()});
    EXPECT_EQ(from_xml.machine.type, from_args.machine.type);
    EXPECT_EQ(from_xml.memory.size, from_args.memory.size);
    EXPECT_EQ(from_xml.cpus, from_args.cpus);
    EXPECT_EQ(from_xml.cpu.phys_bits, from_args.cpu.phys_bits);
    // The effective setting: QEMU's host model copies the host's width unless told not to, named ones do not.
    EXPECT_EQ(from_xml.cpu.host_phys_bits.value_or(from_xml.cpu.model == "host"),
              from_args.cpu.host_phys_bits.value_or(from_args.cpu.model == "host"));
    EXPECT_EQ(from_xml.cpu.host_phys_bits_limit, from_args.cpu.host_phys_bits_limit);
    auto hole64 = [](const VmSpec& spec) {
        std::string value;
        for (const auto& g : spec.globals) {
            if (g.property == "pci-hole64-size") value = g.driver + "." + g.property + "=" + g.value;
        }
        return value;
    };
    EXPECT_EQ(hole64(from_xml), hole64(from_args));
    std::vector<std::string> xml_pci;
    std::vector<std::string> args_pci;
    for (const auto* list : {&from_xml.devices, &from_args.devices}) {
        auto& out = list == &from_xml.devices ? xml_pci : args_pci;
        for (const auto& d : *list) {
            if (d.addr) out.push_back(d.driver + " " + d.id + " " + d.bus.value_or("") + " " + *d.addr + (d.multifunction ? " mf" : ""));
        }
    }
    EXPECT_EQ(xml_pci, args_pci);
}

// Both plans, as far as they go: a device the catalog lacks refuses both (the XML reader says so first,
// as an UnsupportedError, the machine model for the command line).
TEST_P(LibvirtArgsPair, XmlAndLibvirtsCommandLinePlanAlike) {
    if (xml_not_modelled(GetParam())) GTEST_SKIP() << xml_for(GetParam()) << " is refused as not modelled";
    VmSpec from_xml = read_libvirt_domain_file((kCorpus / xml_for(GetParam())).string(), {.refuse_unmodelled_devices = false, .libvirt = kCorpusRelease}).spec;
    VmSpec from_args = read_qemu_command_line({"@" + (kCorpus / "args" / GetParam()).string()});
    auto plan_or_error = [](const VmSpec& spec) -> nlohmann::json {
        try {
            return comparable(make_plan(spec, options_for(spec)));
        } catch (const UnsupportedError& e) {
            return {{"unsupported", "not modelled"}};
        } catch (const InputError& e) {
            return {{"input_error", "refused"}};
        }
    };
    const nlohmann::json xml_plan = plan_or_error(from_xml);
    const nlohmann::json args_plan = plan_or_error(from_args);
    EXPECT_EQ(xml_plan, args_plan) << "XML:  " << xml_plan.dump().substr(0, 2000) << "\nargs: " << args_plan.dump().substr(0, 2000);
}

INSTANTIATE_TEST_SUITE_P(LibvirtV10_7, LibvirtArgsPair, testing::ValuesIn(x86_args_files()), test_name);

}  // namespace
}  // namespace aperture
