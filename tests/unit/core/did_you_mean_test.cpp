#include "core/did_you_mean.hpp"

#include <gtest/gtest.h>

namespace aperture {
namespace {

TEST(EditDistance, CountsInsertDeleteSubstituteAndSwap) {
    EXPECT_EQ(edit_distance("vfio-pci", "vfio-pci"), 0u);
    EXPECT_EQ(edit_distance("vfio-pic", "vfio-pci"), 1u);   // two letters swapped
    EXPECT_EQ(edit_distance("Skylake-Servr", "Skylake-Server"), 1u);
    EXPECT_EQ(edit_distance("Q35", "q35"), 0u);              // case is not a typo
    EXPECT_EQ(edit_distance("", "abc"), 3u);
    EXPECT_EQ(edit_distance("kitten", "sitting"), 3u);
}

TEST(ClosestName, SuggestsOnlyNearNames) {
    const std::vector<std::string> devices{"vfio-pci", "virtio-net-pci", "nvme", "e1000e"};
    EXPECT_EQ(closest_name("vfio-pic", devices), "vfio-pci");
    EXPECT_EQ(closest_name("nvm", devices), "nvme");
    EXPECT_EQ(closest_name("lsi53c895a", devices), std::nullopt);  // a real QEMU device aperture lacks: no guess
    EXPECT_EQ(closest_name("nvme", devices), std::nullopt);        // known: nothing to suggest
    EXPECT_EQ(closest_name(std::string(10000, 'x'), devices), std::nullopt);
}

TEST(DidYouMean, WordsTheSuggestion) {
    EXPECT_EQ(did_you_mean("q53", {"q35", "pc"}), " (did you mean 'q35'?)");
    EXPECT_EQ(did_you_mean("zzz", {"q35", "pc"}), "");
}

}  // namespace
}  // namespace aperture
