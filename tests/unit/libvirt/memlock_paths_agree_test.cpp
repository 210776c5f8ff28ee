// `check --xml` (the full domain reader, then libvirt_memlock_input) and `memlock --xml`
// (read_libvirt_memlock_domain, then xml_memlock_input) must give one limit for one domain, under every
// libvirt formula modelled: each domain of the libvirt corpus, at one release per formula (and one past the
// newest release read). Devices aperture does not model are kept (they cannot change what libvirt counts);
// a domain the full reader still refuses (another architecture, XML libvirt rejects) has no `check --xml`
// limit to compare and is skipped.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <tuple>
#include <vector>

#include "core/error.hpp"
#include "input/libvirt_xml/domain.hpp"
#include "input/libvirt_xml/memlock_reader.hpp"
#include "libvirt/domain_memlock_input.hpp"
#include "libvirt/xml_memlock_input.hpp"

namespace aperture {
namespace {

const std::filesystem::path kSource = std::filesystem::path(APERTURE_SOURCE_DIR);

std::vector<std::string> corpus() {
    std::vector<std::string> files;
    for (const char* folder : {"tests/fixtures/libvirt-xml", "tests/fixtures/libvirt-memlock", "tests/fixtures/libvirt-fix", "tests/golden/cases"}) {
        for (const auto& entry : std::filesystem::directory_iterator(kSource / folder)) {
            if (entry.path().extension() == ".xml") files.push_back(std::filesystem::relative(entry.path(), kSource).string());
        }
    }
    std::sort(files.begin(), files.end());
    return files;
}

// 8.1.0: RAM + 1 GiB once; 9.0.0: NVMe with the VFIO devices; 9.3.0: NVMe apart; 9.8.0: vDPA disks count;
// 10.7.0: the newest read; 11.0.0: assumed unchanged.
const std::vector<LibvirtVersion> kReleases{{8, 1, 0}, {9, 0, 0}, {9, 3, 0}, {9, 8, 0}, {10, 7, 0}, {11, 0, 0}};

std::optional<LibvirtDomain> read_full(const std::string& file) {
    try {
        return read_libvirt_domain_file((kSource / file).string(), LibvirtReadOptions{.refuse_unmodelled_devices = false, .libvirt = {10, 7, 0}});
    } catch (const InputError&) {
        return std::nullopt;
    } catch (const UnsupportedError&) {
        return std::nullopt;
    }
}

class MemlockPathsAgree : public ::testing::TestWithParam<std::tuple<std::string, LibvirtVersion>> {};

TEST_P(MemlockPathsAgree, CheckAndMemlockGiveOneLimit) {
    const auto& [file, release] = GetParam();
    const auto full = read_full(file);
    if (!full) GTEST_SKIP() << file << ": the full reader refuses it, so `check --xml` gives no limit";
    const LibvirtMemlockLimit from_check = libvirt_memlock_limit(libvirt_memlock_input(*full), release);
    const auto memlock_domain = read_libvirt_memlock_domain_file((kSource / file).string());
    const LibvirtMemlockLimit from_memlock = libvirt_memlock_limit(xml_memlock_input(memlock_domain, {}).input, release);
    EXPECT_EQ(from_check.action, from_memlock.action);
    EXPECT_EQ(from_check.bytes, from_memlock.bytes);
    EXPECT_EQ(from_check.explanation, from_memlock.explanation);
}

std::string test_name(const ::testing::TestParamInfo<MemlockPathsAgree::ParamType>& info) {
    const auto& [file, release] = info.param;
    std::string name = file + "_" + to_string(release);
    std::replace_if(name.begin(), name.end(), [](char c) { return !std::isalnum(static_cast<unsigned char>(c)); }, '_');
    return name + "_" + std::to_string(info.index);
}

INSTANTIATE_TEST_SUITE_P(Corpus, MemlockPathsAgree, ::testing::Combine(::testing::ValuesIn(corpus()), ::testing::ValuesIn(kReleases)), test_name);

// The comparison above means something only while most of the corpus is plannable.
TEST(MemlockPathsAgreeCorpus, MostDomainsReachBothPaths) {
    const auto files = corpus();
    const auto plannable = std::count_if(files.begin(), files.end(), [](const std::string& file) { return read_full(file).has_value(); });
    EXPECT_GE(files.size(), 85u);
    EXPECT_GE(plannable, 51);
}

}  // namespace
}  // namespace aperture
