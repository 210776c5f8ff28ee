// Every case real QEMU 7.2 was measured on (tests/oracle/devices/measured-qemu72.txt, written by
// record.py) as its own test: aperture must build the same IDs, class, BARs and bridge facts, or refuse
// the same command lines.

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "core/error.hpp"
#include "core/size_parse.hpp"
#include "device_test_support.hpp"

namespace aperture {
namespace {

struct MeasuredCase {
    int line = 0;
    std::string context;
    std::string extra;
    std::string device;
    std::string result;
};

// Test failures name the case as the oracle file writes it.
void PrintTo(const MeasuredCase& measured, std::ostream* out) {
    *out << "line " << measured.line << ": " << measured.context << " | " << measured.extra << " | " << measured.device;
}

std::string trim(const std::string& text) {
    const auto first = text.find_first_not_of(' ');
    if (first == std::string::npos) return "";
    return text.substr(first, text.find_last_not_of(' ') - first + 1);
}

std::vector<MeasuredCase> load_cases() {
    std::vector<MeasuredCase> cases;
    std::ifstream file(std::string(APERTURE_SOURCE_DIR) + "/tests/oracle/devices/measured-qemu72.txt");
    std::string line;
    int number = 0;
    while (std::getline(file, line)) {
        ++number;
        if (line.empty() || line[0] == '#') continue;
        std::vector<std::string> fields;
        std::stringstream stream(line);
        std::string field;
        // CONTEXT | EXTRA | DEVICE | RESULT: the result may itself contain '|' (QEMU's hints), so split 3 times.
        for (int i = 0; i < 3 && std::getline(stream, field, '|'); ++i) fields.push_back(trim(field));
        std::getline(stream, field);
        fields.push_back(trim(field));
        if (fields.size() != 4) continue;
        cases.push_back({number, fields[0], fields[1], fields[2], fields[3]});
    }
    return cases;
}

// The extra QEMU arguments a case may carry: -smp N, -machine pc-q35-6.1, -object memory-backend-ram,
// -blockdev and -fsdev (what the device refers to; ignored).
struct CaseSetup {
    PlugContext context;
    std::vector<MemoryBackendSpec> backends;
};

void apply_extra(const std::string& extra, CaseSetup& setup) {
    std::stringstream stream(extra);
    std::string word;
    while (stream >> word) {
        std::string value;
        if (word == "-smp" && stream >> value) {
            setup.context.boot_cpus = static_cast<unsigned>(std::stoul(value.substr(0, value.find(','))));
        } else if (word == "-machine" && stream >> value) {
            if (value == "pc-q35-6.1") setup.context.pcie_native_hotplug_default = false;
        } else if (word == "-object" && stream >> value) {
            MemoryBackendSpec backend;
            std::stringstream options(value);
            std::string option;
            std::getline(options, backend.type, ',');
            while (std::getline(options, option, ',')) {
                if (option.starts_with("id=")) backend.id = option.substr(3);
                if (option.starts_with("size=")) backend.size = *parse_size(option.substr(5));
            }
            setup.backends.push_back(backend);
        } else if (word == "-blockdev" || word == "-fsdev") {
            stream >> value;
        }
    }
}

// What aperture predicts QEMU prints for a refused case, in record.py's form: "ERROR: qemu-system-x86_64:
// -device ...,id=dut,bus=BUS: MESSAGE" (QEMU's hint lines follow, joined by spaces, and are not
// predicted), or the assertion line for an abort. A plain InputError (aperture cannot model the input)
// only has to exist: it is reported as the measured text itself.
std::string refusal_text(const DeviceSpec& device, const PlugContext& context, const MeasuredCase& measured) {
    const std::string bus = measured.context == "root" ? "pcie.0" : measured.context == "pc" ? "pci.0" : "ctx";
    try {
        (void)build_device(device, context);
    } catch (const DeviceRefusal& refusal) {
        std::string text = "ERROR: qemu-system-x86_64: " + refusal.qemu_message(measured.device + ",id=dut,bus=" + bus);
        if (refusal.kind() == DeviceRefusal::Kind::Abort && refusal.message_after_location().empty()) text = "ERROR:";
        // QEMU's hints follow on their own lines; record.py joined them with spaces.
        if (measured.result.starts_with(text + " ")) return measured.result;
        return text;
    } catch (const InputError&) {
        return measured.result;
    }
    return "accepted";
}

class MeasuredLayout : public testing::TestWithParam<MeasuredCase> {};

TEST_P(MeasuredLayout, MatchesQemu72) {
    const MeasuredCase& measured = GetParam();
    CaseSetup setup;
    setup.context = test::context_named(measured.context);
    apply_extra(measured.extra, setup);
    setup.context.memory_backends = &setup.backends;
    const DeviceSpec device = test::parse_device(measured.device);

    if (measured.result.starts_with("ERROR")) {
        EXPECT_EQ(refusal_text(device, setup.context, measured), measured.result);
        return;
    }
    std::string built;
    try {
        built = test::layout_text(build_device(device, setup.context));
    } catch (const InputError& error) {
        built = std::string("InputError: ") + error.what();
    }
    EXPECT_EQ(built, measured.result);
}

std::string case_name(const testing::TestParamInfo<MeasuredCase>& info) {
    std::string name = "line" + std::to_string(info.param.line) + "_" + info.param.context + "_" + info.param.device;
    for (char& c : name) {
        if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
    }
    return name;
}

INSTANTIATE_TEST_SUITE_P(Qemu72, MeasuredLayout, testing::ValuesIn(load_cases()), case_name);

TEST(MeasuredLayoutFile, HasCases) { EXPECT_GT(load_cases().size(), 200u); }

}  // namespace
}  // namespace aperture
