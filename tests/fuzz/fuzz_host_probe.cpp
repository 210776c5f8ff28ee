// The sysfs and procfs parsers behind `aperture host`, each file format fed as bytes in its place: a
// fixture tree (tests/fixtures/host/) is loaded into memory once; the first byte of an input picks the
// tree, the second the file in it (in path order), and the rest replaces that file's content. The probe
// then reads the whole tree, so each parser is fuzzed where the probe reads it. What the probe produces
// must write to a snapshot aperture reads back. The input's file is swapped in and back rather than the
// tree copied, and a snapshot equal to the unchanged tree's (checked once, at load) or to one of the latest
// written and read back is not written and read again: the copy and the repeated round trip took most of
// each execution.
#include <algorithm>
#include <deque>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
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
    std::map<std::string, std::string> contents;  // each file's own content, put back after an input
    std::optional<HostSnapshot> probed;  // the unchanged tree's snapshot; nullopt when it does not probe
    std::deque<HostSnapshot> round_tripped;  // the latest snapshots written and read back, newest first
};

// Writing a snapshot and reading it back depends on nothing but the snapshot: one already round-tripped
// needs no second trip. Inputs that change a file without changing what the probe makes of it are common.
constexpr std::size_t kRoundTripsKept = 16;

void expect_round_trip(const HostSnapshot& snapshot, const std::string& path) {
    const std::string written = host_snapshot_json(snapshot);
    try {
        parse_host_snapshot_json(written, "written.json");
    } catch (const InputError& e) {
        std::fprintf(stderr, "aperture cannot read the snapshot it probed from %s: %s\n", path.c_str(), e.what());
        std::abort();
    }
}

// Puts a file's own content back however the input's probe ends.
class RestoreFile {
public:
    RestoreFile(MemoryHostFiles& files, const std::string& path, const std::string& content) : files_(files), path_(path), content_(content) {}
    RestoreFile(const RestoreFile&) = delete;
    RestoreFile& operator=(const RestoreFile&) = delete;
    ~RestoreFile() { files_.add_file(path_, content_); }

private:
    MemoryHostFiles& files_;
    const std::string& path_;
    const std::string& content_;
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
                tree.contents[path] = content.str();
                tree.paths.push_back(path);
            }
        }
        std::sort(tree.paths.begin(), tree.paths.end());
        try {
            tree.probed = probe_host(tree.files, MemlockQuery::LimitsFileOnly);
            host_notes(*tree.probed);
            expect_round_trip(*tree.probed, tree_root.string());
        } catch (const InputError&) {
            tree.probed.reset();
        }
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
    const std::string text = fuzz::text_of(data + 2, size - 2);
    tree.files.add_file(path, text);
    const RestoreFile restore(tree.files, path, tree.contents.at(path));
    std::optional<HostSnapshot> snapshot;
    fuzz::expect_outcome(text, [&] { snapshot = probe_host(tree.files, MemlockQuery::LimitsFileOnly); });
    if (!snapshot) return 0;
    host_notes(*snapshot);
    if (snapshot == tree.probed) return 0;
    const auto kept = std::find(tree.round_tripped.begin(), tree.round_tripped.end(), *snapshot);
    if (kept != tree.round_tripped.end()) {
        std::rotate(tree.round_tripped.begin(), kept, kept + 1);
        return 0;
    }
    expect_round_trip(*snapshot, path);
    tree.round_tripped.push_front(std::move(*snapshot));
    if (tree.round_tripped.size() > kRoundTripsKept) tree.round_tripped.pop_back();
    return 0;
}
