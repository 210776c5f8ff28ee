// The catalog's own rules: lookups, the central property check, and that every property QEMU 7.2
// accepts for a modelled device (tests/oracle/devices/properties-qemu72.txt, from -device X,help)
// is classified as layout, neutral or deliberately unmodelled.

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "core/error.hpp"
#include "device_test_support.hpp"

namespace aperture {
namespace {

std::string error_of(const DeviceSpec& device, const PlugContext& context) {
    try {
        (void)build_device(device, context);
    } catch (const InputError& error) {
        return error.what();
    }
    return "";
}

TEST(DeviceCatalog, FindsModelledDriver) { EXPECT_NE(find_device_model("virtio-net-pci"), nullptr); }

TEST(DeviceCatalog, UnknownDriverIsNull) { EXPECT_EQ(find_device_model("sb16"), nullptr); }

TEST(DeviceCatalog, NamesIncludeTransitionalVariants) {
    const auto names = device_model_names();
    EXPECT_NE(std::find(names.begin(), names.end(), "virtio-blk-pci-non-transitional"), names.end());
}

TEST(BuildDevice, UnknownPropertyIsRefusedByName) {
    const std::string message = error_of(test::parse_device("virtio-net-pci,foo=1"), test::context_named("root"));
    EXPECT_EQ(message, "-device virtio-net-pci,foo=1: virtio-net-pci: property 'foo' is not modelled by aperture");
}

TEST(BuildDevice, UnknownDriverIsRefused) {
    const std::string message = error_of(test::parse_device("sb16"), test::context_named("pc"));
    EXPECT_NE(message.find("device 'sb16' is not modelled by aperture"), std::string::npos);
}

TEST(BuildDevice, NeutralPropertiesAreAccepted) {
    const auto spec = build_device(test::parse_device("virtio-net-pci,netdev=n0,mac=52:54:00:12:34:56,bootindex=1"),
                                   test::context_named("rp"));
    EXPECT_EQ(spec.bars.size(), 3u);
}

TEST(BuildDevice, UnmodelledLayoutPropertyIsRefusedAsSuch) {
    PlugContext context = test::context_named("root");
    context.passthrough_device = [](const std::string&) { return std::optional<PciFunctionSpec>(PciFunctionSpec{}); };
    const std::string message = error_of(test::parse_device("vfio-pci,host=01:00.0,x-vga=on"), context);
    EXPECT_NE(message.find("does not model"), std::string::npos);
}

TEST(BuildDevice, MultifunctionFlagIsCarried) {
    DeviceSpec device = test::parse_device("pci-testdev");
    device.multifunction = true;
    EXPECT_TRUE(build_device(device, test::context_named("root")).multifunction);
}

// --- every QEMU 7.2 property classified ---

struct QemuProperties {
    std::string driver;
    std::vector<std::string> names;
};

void PrintTo(const QemuProperties& device, std::ostream* out) { *out << device.driver; }

// tests/oracle/devices/dump_properties.sh output: QEMU 7.2's (every property classified) or 10.0's.
std::vector<QemuProperties> load_qemu_properties(const std::string& file_name = "properties-qemu72.txt") {
    std::vector<QemuProperties> devices;
    std::ifstream file(std::string(APERTURE_SOURCE_DIR) + "/tests/oracle/devices/" + file_name);
    std::string line;
    while (std::getline(file, line)) {
        if (line.empty() || line[0] == '#') continue;
        QemuProperties device;
        device.driver = line.substr(0, line.find(':'));
        std::stringstream names(line.substr(line.find(':') + 1));
        std::string name;
        while (names >> name) device.names.push_back(name);
        devices.push_back(device);
    }
    return devices;
}

bool classified(const DeviceModel& model, const std::string& name) {
    for (const auto* list : {&model.layout_properties, &model.layout_neutral_properties, &model.unmodelled_properties,
                             &common_layout_properties(), &common_layout_neutral_properties()}) {
        if (std::find(list->begin(), list->end(), name) != list->end()) return true;
    }
    return false;
}

class QemuPropertyList : public testing::TestWithParam<QemuProperties> {};

TEST_P(QemuPropertyList, EveryQemuPropertyIsClassified) {
    const DeviceModel* model = find_device_model(GetParam().driver);
    ASSERT_NE(model, nullptr);
    std::vector<std::string> unclassified;
    for (const auto& name : GetParam().names) {
        if (!classified(*model, name)) unclassified.push_back(name);
    }
    EXPECT_EQ(unclassified, std::vector<std::string>{});
}

// A model may also know a property a later modelled release added (virtio-balloon-pci's vectors, 10.0).
TEST_P(QemuPropertyList, EveryModelPropertyExistsInQemu) {
    const DeviceModel* model = find_device_model(GetParam().driver);
    ASSERT_NE(model, nullptr);
    std::vector<std::string> qemu = GetParam().names;
    for (const auto& later : load_qemu_properties("properties-qemu100.txt")) {
        if (later.driver == GetParam().driver) qemu.insert(qemu.end(), later.names.begin(), later.names.end());
    }
    std::vector<std::string> invented;
    for (const auto* list : {&model->layout_properties, &model->layout_neutral_properties}) {
        for (const auto& name : *list) {
            if (std::find(qemu.begin(), qemu.end(), name) == qemu.end()) invented.push_back(name);
        }
    }
    EXPECT_EQ(invented, std::vector<std::string>{});
}

std::string driver_name(const testing::TestParamInfo<QemuProperties>& info) {
    std::string name = info.param.driver;
    for (char& c : name) {
        if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
    }
    return name;
}

INSTANTIATE_TEST_SUITE_P(Qemu72, QemuPropertyList, testing::ValuesIn(load_qemu_properties()), driver_name);

// "# absent: DRIVER ... (why)": models the dumped QEMU build does not carry, each named with the reason.
std::vector<std::string> absent_models(const std::string& file_name) {
    std::vector<std::string> absent;
    std::ifstream file(std::string(APERTURE_SOURCE_DIR) + "/tests/oracle/devices/" + file_name);
    const std::string marker = "# absent:";
    std::string line;
    while (std::getline(file, line)) {
        if (line.rfind(marker, 0) != 0) continue;
        std::stringstream names(line.substr(marker.size(), line.find('(') - marker.size()));
        std::string name;
        while (names >> name) absent.push_back(name);
    }
    return absent;
}

TEST(QemuPropertyListFile, CoversEveryModel) {
    EXPECT_EQ(load_qemu_properties().size(), device_model_names().size());
    EXPECT_EQ(load_qemu_properties("properties-qemu100.txt").size() + absent_models("properties-qemu100.txt").size(),
              device_model_names().size());
    for (const auto& name : absent_models("properties-qemu100.txt")) EXPECT_NE(find_device_model(name), nullptr) << name;
}

// The property the balloon's MSI-X BAR hangs on exists in 10.0, not in 7.2.
TEST(QemuPropertyListFile, BalloonVectorsIsNewIn10) {
    const auto has_vectors = [](const std::vector<QemuProperties>& list) {
        for (const auto& d : list) {
            if (d.driver == "virtio-balloon-pci") return std::find(d.names.begin(), d.names.end(), "vectors") != d.names.end();
        }
        return false;
    };
    EXPECT_FALSE(has_vectors(load_qemu_properties()));
    EXPECT_TRUE(has_vectors(load_qemu_properties("properties-qemu100.txt")));
}

}  // namespace
}  // namespace aperture
