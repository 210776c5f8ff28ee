// `aperture memlock --xml`: libvirt's limit for a domain of any architecture, as text and JSON.
#include "cli/commands.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <sstream>
#include <string>
#include <vector>

namespace aperture::cli {
namespace {

struct Result {
    int status;
    std::string out;
    std::string err;
};

Result run_cli(std::vector<std::string> words) {
    words.insert(words.begin(), "aperture");
    std::vector<char*> argv;
    for (auto& w : words) argv.push_back(w.data());
    std::ostringstream out, err;
    const int status = run(static_cast<int>(argv.size()), argv.data(), out, err);
    return {status, out.str(), err.str()};
}

const std::string kMemlock = std::string(APERTURE_SOURCE_DIR) + "/tests/fixtures/libvirt-memlock/";
const std::string kCorpus = std::string(APERTURE_SOURCE_DIR) + "/tests/fixtures/libvirt-xml/";

TEST(MemlockCli, PseriesHostdevAsText) {
    const Result r = run_cli({"memlock", "--xml", kMemlock + "qemumemlock-pseries-hostdev.xml", "--libvirt-version", "10.7.0"});
    EXPECT_EQ(r.status, EXIT_OK) << r.err;
    EXPECT_NE(r.out.find("4320133120 bytes (4218880 KiB)"), std::string::npos) << r.out;  // qemumemlocktest.c
    EXPECT_NE(r.out.find("PHBs:    2"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("virpcimock"), std::string::npos) << r.out;  // says which IOMMU-group assumption
}

TEST(MemlockCli, LockedAndNoDeviceAsJson) {
    Result r = run_cli({"memlock", "--xml", kMemlock + "qemumemlock-pc-locked.xml", "--format", "json"});
    ASSERT_EQ(r.status, EXIT_OK) << r.err;
    auto j = nlohmann::json::parse(r.out);
    EXPECT_EQ(j["action"], "unlimited");
    EXPECT_EQ(j["limit"], (nlohmann::json{{"unlimited", true}, {"bytes", nullptr}}));
    r = run_cli({"memlock", "--xml", kMemlock + "qemumemlock-pc-kvm.xml", "--format", "json"});
    ASSERT_EQ(r.status, EXIT_OK) << r.err;
    j = nlohmann::json::parse(r.out);
    EXPECT_EQ(j["action"], "leave");
    EXPECT_TRUE(j["limit"].is_null());
}

TEST(MemlockCli, NvmeFormulaDependsOnTheRelease) {
    const Result old = run_cli({"memlock", "--xml", kMemlock + "qemumemlock-pc-hostdev-nvme.xml", "--libvirt-version", "9.0.0"});
    const Result now = run_cli({"memlock", "--xml", kMemlock + "qemumemlock-pc-hostdev-nvme.xml", "--libvirt-version", "10.7.0"});
    EXPECT_NE(old.out.find("2147483648 bytes"), std::string::npos) << old.out;
    EXPECT_NE(now.out.find("3221225472 bytes"), std::string::npos) << now.out;
    EXPECT_NE(old.out.find("8.7.0 – 9.2.x"), std::string::npos) << old.out;
}

TEST(MemlockCli, Nvlink2MustNameAHostdev) {
    const Result r = run_cli({"memlock", "--xml", kMemlock + "qemumemlock-pseries-hostdev.xml", "--nvlink2", "0009:00:00.0"});
    EXPECT_EQ(r.status, EXIT_BAD_INPUT);
    EXPECT_NE(r.err.find("--nvlink2 0009:00:00.0"), std::string::npos) << r.err;
}

// check --xml still refuses a ppc64 domain, and says where its memlock limit is.
// check --xml plans a ppc64 domain as pSeries, and its host.memlock uses the PHBs memlock --xml counts.
TEST(MemlockCli, CheckAndMemlockOfAPpc64DomainCountThreePhbs) {
    const Result check = run_cli({"check", "--xml", kCorpus + "pseries-hostdevs-1.xml", "--passthrough", "0001:01:00.0=v100", "--passthrough",
                                  "0001:01:00.1=v100", "--passthrough", "0005:90:01.0=a30"});
    EXPECT_NE(check.out.find("host.memlock"), std::string::npos) << check.out << check.err;
    EXPECT_NE(check.out.find("4 MiB × 3 PHBs"), std::string::npos) << check.out;
    const Result memlock = run_cli({"memlock", "--xml", kCorpus + "pseries-hostdevs-1.xml"});
    EXPECT_EQ(memlock.status, EXIT_OK) << memlock.err;
    EXPECT_NE(memlock.out.find("PHBs:    3"), std::string::npos) << memlock.out;
}

}  // namespace
}  // namespace aperture::cli
