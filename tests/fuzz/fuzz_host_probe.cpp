// The sysfs and procfs parsers behind `aperture host`, each file format fed as bytes in its place: a
// fixture tree (tests/fixtures/host/) is loaded into memory once; the first byte of an input picks the
// tree, the second the file in it (in path order), and the rest replaces that file's content. The probe
// then reads the whole tree, so each parser is fuzzed where the probe reads it. What the probe produces
// must write to a snapshot aperture reads back.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "fuzz_support.hpp"
#include "host/host_files.hpp"
#include "host/host_snapshot.hpp"
#include "host/host_snapshot_json.hpp"

using namespace aperture;
namespace fs = std::filesystem;

namespace {

struct FixtureTree {
    MemoryHostFiles files;
    std::vector<std::string> paths;  // regular files, in path order
};

std::vector<FixtureTree> load_trees() {
    std::vector<FixtureTree> trees;
    const fs::path root = fs::path(APERTURE_SOURCE_DIR) / "tests/fixtures/host";
    std::vector<fs::path> names;
    for (const auto& entry : fs::directory_iterator(root)) {
        if (entry.is_directory() && entry.path().filename() != "snapshots") names.push_back(entry.path());
    }
    std::sort(names.begin(), names.end());
    for (const auto& tree_root : names) {
        FixtureTree tree;
        for (const auto& entry : fs::recursive_directory_iterator(tree_root)) {
            const std::string path = "/" + fs::relative(entry.path(), tree_root).generic_string();
            if (entry.is_symlink()) {
                tree.files.add_link(path, fs::read_symlink(entry.path()).string());
            } else if (entry.is_regular_file()) {
                std::ifstream in(entry.path(), std::ios::binary);
                std::stringstream content;
                content << in.rdbuf();
                tree.files.add_file(path, content.str());
                tree.paths.push_back(path);
            }
        }
        std::sort(tree.paths.begin(), tree.paths.end());
        trees.push_back(std::move(tree));
    }
    return trees;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size) {
    static std::vector<FixtureTree> trees = load_trees();
    if (size < 2 || trees.empty()) return 0;
    FixtureTree& tree = trees[data[0] % trees.size()];
    const std::string& path = tree.paths[data[1] % tree.paths.size()];
    MemoryHostFiles files = tree.files;
    const std::string text = fuzz::text_of(data + 2, size - 2);
    files.add_file(path, text);
    std::optional<HostSnapshot> snapshot;
    fuzz::expect_outcome(text, [&] { snapshot = probe_host(files, MemlockQuery::LimitsFileOnly); });
    if (!snapshot) return 0;
    host_notes(*snapshot);
    const std::string written = host_snapshot_json(*snapshot);
    try {
        parse_host_snapshot_json(written, "written.json");
    } catch (const InputError& e) {
        std::fprintf(stderr, "aperture cannot read the snapshot it probed from %s: %s\n", path.c_str(), e.what());
        std::abort();
    }
    return 0;
}
