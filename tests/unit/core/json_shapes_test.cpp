// The shapes every JSON document shares (docs/json.md, "Conventions"): one writer each.
#include "core/json_shapes.hpp"

#include <gtest/gtest.h>

namespace aperture {
namespace {

using nlohmann::ordered_json;

TEST(JsonShapes, AnAddressHasItsHexTwin) {
    ordered_json j;
    json_shape::put_address(j, "base", u64{0x200'0000'0000});
    json_shape::put_address(j, "end", std::nullopt);
    EXPECT_EQ(j.dump(), R"({"base":2199023255552,"base_hex":"0x20000000000","end":null,"end_hex":null})");
}

// Past 2^53 a double cannot hold the integer: the twin still says it exactly.
TEST(JsonShapes, AnAddressPastTwoToThe53IsExactInBoth) {
    ordered_json j;
    json_shape::put_address(j, "a", ~u64{0});
    EXPECT_EQ(j["a"].get<u64>(), ~u64{0});
    EXPECT_EQ(j["a_hex"], "0xffffffffffffffff");
}

TEST(JsonShapes, ARangeIsBaseSizeLast) {
    const ordered_json j = json_shape::range(AddressRange::from_first_and_last(0xc000, 0xd17f));
    EXPECT_EQ(j.dump(), R"({"base":49152,"base_hex":"0xc000","size":4480,"last":53631,"last_hex":"0xd17f"})");
    EXPECT_TRUE(json_shape::range(std::optional<AddressRange>()).is_null());
}

TEST(JsonShapes, APciAddressAlwaysHasItsDomain) {
    EXPECT_EQ(json_shape::pci_address(Bdf{1, {0x1f, 7}}), "0000:01:1f.7");
    EXPECT_EQ(json_shape::pci_address(Bdf{0, {2, 0}}, 0x10), "0010:00:02.0");
    EXPECT_EQ(json_shape::full_pci_address("41:00.0"), "0000:41:00.0");
    EXPECT_EQ(json_shape::full_pci_address("0004:04:00.0"), "0004:04:00.0");
}

TEST(JsonShapes, ABarNamesItsWidthInItsKind) {
    const ordered_json placed = json_shape::bar({2, json_shape::bar_json_kind(false, false, true), true, 1u << 30, u64{0x8'0000'0000}});
    EXPECT_EQ(placed.dump(), R"({"index":2,"kind":"mem64","prefetchable":true,"size":1073741824,"base":34359738368,"base_hex":"0x800000000"})");
    const ordered_json unplaced = json_shape::bar({6, json_shape::bar_json_kind(false, true, false), false, 65536, std::nullopt});
    EXPECT_EQ(unplaced["kind"], "rom");
    EXPECT_TRUE(unplaced["base"].is_null());
    EXPECT_EQ(json_shape::to_string(json_shape::bar_json_kind(true, false, false)), std::string("io"));
    EXPECT_EQ(json_shape::to_string(json_shape::bar_json_kind(false, false, false)), std::string("mem32"));
}

TEST(JsonShapes, UnlimitedIsAFlagNotAWord) {
    EXPECT_EQ(json_shape::limit(std::nullopt).dump(), R"({"unlimited":true,"bytes":null})");
    EXPECT_EQ(json_shape::limit(u64{65536}).dump(), R"({"unlimited":false,"bytes":65536})");
}

TEST(JsonShapes, TheOutcomeIsThreeKeys) {
    ordered_json j;
    json_shape::OutcomeJson refused;
    refused.outcome = "refused";
    refused.failed = true;
    refused.error_source = "qemu";
    refused.error_message = "x";
    json_shape::put_outcome(j, refused);
    EXPECT_EQ(j.dump(), R"({"outcome":"refused","failed":true,"error":{"source":"qemu","message":"x"}})");
    ordered_json works;
    json_shape::put_outcome(works, json_shape::OutcomeJson{});
    EXPECT_EQ(works.dump(), R"({"outcome":"works","failed":false,"error":null})");
}

}  // namespace
}  // namespace aperture
