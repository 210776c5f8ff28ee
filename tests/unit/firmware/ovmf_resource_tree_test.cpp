// PciBusDxe's list discipline: the order InsertResourceNode and MergeResourceTree leave is the address
// order, so each rule is checked on its own.
#include "firmware/ovmf/resource_tree.hpp"

#include <gtest/gtest.h>

namespace aperture::ovmf {
namespace {

std::vector<u64> lengths(const ResourceTree& tree, int list) {
    std::vector<u64> out;
    for (const int id : tree[list].children) out.push_back(tree[id].length);
    return out;
}

TEST(ResourceTree, LargerAlignmentFirstAndEqualOnesLastInFirstOut) {
    ResourceTree tree;
    const int list = tree.create(0, 0, 0xFFFFF, PPB_MEM32_RANGE, ResType::Mem32, ResUsage::Typical, true);
    const int a = tree.create(1, 0x1000, 0xFFF, 0, ResType::Mem32, ResUsage::Typical);
    const int b = tree.create(2, 0x4000, 0x3FFF, 0, ResType::Mem32, ResUsage::Typical);
    const int c = tree.create(3, 0x1000, 0xFFF, 0, ResType::Mem32, ResUsage::Typical);
    for (const int id : {a, b, c}) tree.insert(list, id);
    EXPECT_EQ(tree[list].children, (std::vector<int>{b, c, a}));
}

TEST(ResourceTree, ANodeWithASmallerRestGoesBehindItsEquals) {
    // rest = length & alignment. Among equal alignments a new node goes in front unless its rest is
    // non-zero and smaller than the rest of the node it meets.
    ResourceTree tree;
    const int list = tree.create(0, 0, 0xFFFFF, PPB_MEM32_RANGE, ResType::Mem32, ResUsage::Typical, true);
    const int window = tree.create(1, 3 * MiB, 2 * MiB - 1, PPB_MEM32_RANGE, ResType::Mem32, ResUsage::Typical, true);
    const int bar = tree.create(2, 2 * MiB, 2 * MiB - 1, 0, ResType::Mem32, ResUsage::Typical);
    tree.insert(list, bar);
    tree.insert(list, window);  // rest 1 MiB >= the BAR's 0: in front
    EXPECT_EQ(tree[list].children, (std::vector<int>{window, bar}));
    const int small = tree.create(3, 5 * MiB, 4 * MiB - 1, 0, ResType::Mem32, ResUsage::Typical);
    const int smaller_rest = tree.create(4, 6 * MiB, 4 * MiB - 1, 0, ResType::Mem32, ResUsage::Typical);
    tree.insert(list, smaller_rest);  // rest 2 MiB
    tree.insert(list, small);         // rest 1 MiB < 2 MiB: behind it
    EXPECT_EQ(tree[list].children.front(), smaller_rest);
    EXPECT_EQ(tree[list].children[1], small);
}

TEST(ResourceTree, AMergeReversesEqualNodes) {
    ResourceTree tree;
    const int from = tree.create(0, 0, 0xFFFFF, PPB_PMEM64_RANGE, ResType::PMem64, ResUsage::Typical, true);
    const int to = tree.create(0, 0, 0xFFFFF, PPB_MEM64_RANGE, ResType::Mem64, ResUsage::Typical, true);
    const int a = tree.create(1, GiB, GiB - 1, 2, ResType::PMem64, ResUsage::Typical);
    const int b = tree.create(2, GiB, GiB - 1, 2, ResType::PMem64, ResUsage::Typical);
    tree.insert(from, a);
    tree.insert(from, b);  // LIFO: b, a
    tree.merge(to, from, false);
    EXPECT_EQ(tree[to].children, (std::vector<int>{a, b}));  // FIFO again
    EXPECT_EQ(tree[a].type, ResType::PMem64);
    EXPECT_TRUE(tree[from].children.empty());
    tree.merge(from, to, true);
    EXPECT_EQ(tree[a].type, ResType::PMem64);  // `from` is the PMem64 list
}

TEST(ResourceTree, MemoryApertureRoundsToTheInitialAlignmentAndPaddingIsAMinimum) {
    ResourceTree tree;
    const int window = tree.create(1, 0, 0xFFFFF, PPB_MEM32_RANGE, ResType::Mem32, ResUsage::Typical, true);
    tree.insert(window, tree.create(2, 0x4000, 0x3FFF, 0, ResType::Mem32, ResUsage::Typical));
    tree.insert(window, tree.create(1, 2 * MiB, 2 * MiB - 1, 0, ResType::Mem32, ResUsage::Padding));
    tree.calculate_aperture(window);
    EXPECT_EQ(tree[window].length, 2 * MiB);             // max(1 MiB of BARs, 2 MiB padding)
    EXPECT_EQ(tree[window].alignment, 2 * MiB - 1);      // the padding node leads the list
    EXPECT_EQ(lengths(tree, window), (std::vector<u64>{2 * MiB, 0x4000}));
    EXPECT_EQ(tree[tree[window].children[1]].offset, 0u);  // BARs and padding are laid out apart
}

TEST(ResourceTree, IoPaddingIsNotRoundedToTheWindowGranule) {
    // edk2-stable202211 CalculateApertureIo16: 512 bytes of padding make a 0x200 window (fixed in 202308).
    ResourceTree tree;
    const int window = tree.create(1, 0, 0xFFF, PPB_IO_RANGE, ResType::Io, ResUsage::Typical, true);
    tree.insert(window, tree.create(1, 0x200, 0x1FF, 0, ResType::Io, ResUsage::Padding));
    tree.calculate_aperture(window);
    EXPECT_EQ(tree[window].length, 0x200u);
    EXPECT_EQ(tree[window].alignment, 0xFFFu);
    tree.insert(window, tree.create(2, 0x40, 0x3F, 4, ResType::Io, ResUsage::Typical));
    tree[window].alignment = 0xFFF;
    tree.calculate_aperture(window);
    EXPECT_EQ(tree[window].length, 0x1000u);  // a typical BAR rounds to 4 KiB
}

TEST(ResourceTree, EmptyWindowsAreNotRequested) {
    ResourceTree tree;
    const int window = tree.create(1, 0, 0xFFFFF, PPB_MEM32_RANGE, ResType::Mem32, ResUsage::Typical, true);
    EXPECT_FALSE(tree.requested(window));
    tree.insert(window, tree.create(2, 0x1000, 0xFFF, 0, ResType::Mem32, ResUsage::Typical));
    EXPECT_TRUE(tree.requested(window));
}

}  // namespace
}  // namespace aperture::ovmf
