// The broken scale: segments tile the axis, heights follow the logarithm of size, breaks have one height
// whatever they leave out, minimum heights are honoured, and positions never go backwards in address.
#include "report/address_axis.hpp"

#include <gtest/gtest.h>

namespace aperture {
namespace {

AxisSpan content(u64 first, u64 size, double min_height = 0) {
    return {AddressRange::from_start_and_size(first, size), SpanFill::Content, min_height};
}
AxisSpan container(u64 first, u64 size, double min_height = 0) {
    return {AddressRange::from_start_and_size(first, size), SpanFill::Container, min_height};
}

const AxisStyle kStyle{};
constexpr u64 kSpace40 = (u64{1} << 40) - 1;

double height_of(const AddressAxis& axis, u64 first, u64 size) { return axis.bottom_of(first + size - 1) - axis.top_of(first); }

TEST(AddressAxis, NoSpansIsOneBreakOfTheBreakHeight) {
    const auto axis = AddressAxis::build(kSpace40, {}, {}, kStyle);
    ASSERT_EQ(axis.segments().size(), 1u);
    EXPECT_EQ(axis.segments()[0].kind, SegmentKind::Break);
    EXPECT_EQ(axis.segments()[0].range, AddressRange::from_first_and_last(0, kSpace40));
    EXPECT_DOUBLE_EQ(axis.height(), kStyle.break_height);
}

TEST(AddressAxis, SegmentsTileTheAxisEdgeToEdge) {
    const auto axis = AddressAxis::build(kSpace40, {content(0x1000, 0x1000), container(0x100000, 0x200000), content(0x100000, 0x4000)}, {}, kStyle);
    const auto& segs = axis.segments();
    ASSERT_GE(segs.size(), 5u);
    EXPECT_EQ(segs.front().range.first(), 0u);
    EXPECT_EQ(segs.back().range.last(), kSpace40);
    double top = 0;
    for (std::size_t i = 0; i < segs.size(); ++i) {
        if (i > 0) {
            EXPECT_EQ(segs[i].range.first(), segs[i - 1].range.last() + 1) << i;
        }
        EXPECT_DOUBLE_EQ(segs[i].top, top) << i;
        EXPECT_GT(segs[i].height, 0) << i;
        top += segs[i].height;
    }
    EXPECT_DOUBLE_EQ(axis.height(), top);
}

TEST(AddressAxis, A4KiBBarAndA128GiBBarAreBothVisibleAndOrderedBySize) {
    const u64 small = 4 * KiB;
    const u64 large = 128 * GiB;
    const auto axis = AddressAxis::build(kSpace40, {content(0xfe000000, small), content(0x8000000000 - large, large)}, {}, kStyle);
    const double h_small = height_of(axis, 0xfe000000, small);
    const double h_large = height_of(axis, 0x8000000000 - large, large);
    EXPECT_DOUBLE_EQ(h_small, kStyle.content_min);
    EXPECT_GT(h_large, h_small);
    // 2^25 times the bytes is 25 doublings, not 2^25 times the pixels: the scale is logarithmic.
    EXPECT_DOUBLE_EQ(h_large, kStyle.content_min + 25 * kStyle.content_per_doubling);
}

TEST(AddressAxis, EqualSizesGetEqualHeightsWhereverTheyAre) {
    const auto axis = AddressAxis::build(kSpace40, {content(0x1000, 0x10000), content(0x40000000, 0x10000)}, {}, kStyle);
    EXPECT_DOUBLE_EQ(height_of(axis, 0x1000, 0x10000), height_of(axis, 0x40000000, 0x10000));
}

TEST(AddressAxis, BreaksHaveOneHeightWhateverTheyLeaveOut) {
    // Gaps of 4 KiB, ~1 GiB and ~1 TiB around two small BARs.
    const auto axis = AddressAxis::build(kSpace40, {content(0x1000, 0x1000), content(0x40000000, 0x1000)}, {}, kStyle);
    const auto& segs = axis.segments();
    ASSERT_EQ(segs.size(), 5u);
    EXPECT_EQ(segs[0].kind, SegmentKind::Break);
    EXPECT_EQ(segs[2].kind, SegmentKind::Break);
    EXPECT_EQ(segs[4].kind, SegmentKind::Break);
    EXPECT_DOUBLE_EQ(segs[0].height, kStyle.break_height);
    EXPECT_DOUBLE_EQ(segs[2].height, kStyle.break_height);
    EXPECT_DOUBLE_EQ(segs[4].height, kStyle.break_height);
}

TEST(AddressAxis, UnusedWindowSpaceIsFreeAndShorterThanContentOfItsSize) {
    const auto axis = AddressAxis::build(kSpace40, {container(0x100000, 0x200000), content(0x100000, 0x100000)}, {}, kStyle);
    const AxisSegment* used = axis.segment_at(0x100000);
    const AxisSegment* free = axis.segment_at(0x200000);
    ASSERT_NE(used, nullptr);
    ASSERT_NE(free, nullptr);
    EXPECT_EQ(used->kind, SegmentKind::Content);
    EXPECT_EQ(free->kind, SegmentKind::Free);
    EXPECT_EQ(free->range, AddressRange::from_start_and_size(0x200000, 0x100000));
    EXPECT_LT(free->height, used->height);
}

TEST(AddressAxis, MinimumHeightStretchesASpan) {
    const auto axis = AddressAxis::build(kSpace40, {content(0x1000, 0x1000, 40)}, {}, kStyle);
    EXPECT_DOUBLE_EQ(height_of(axis, 0x1000, 0x1000), 40);
}

TEST(AddressAxis, MinimumHeightsOfNestedSpansAreBothHonoured) {
    // A window of two small BARs that wants more room than they give it, and BARs that each want 30 px.
    const auto axis = AddressAxis::build(kSpace40,
                                         {container(0x100000, 0x2000, 100), content(0x100000, 0x1000, 30), content(0x101000, 0x1000, 30)}, {}, kStyle);
    EXPECT_GE(height_of(axis, 0x100000, 0x1000), 30);
    EXPECT_GE(height_of(axis, 0x101000, 0x1000), 30);
    EXPECT_NEAR(height_of(axis, 0x100000, 0x2000), 100, 1e-9);
}

TEST(AddressAxis, AMinimumAlreadyMetChangesNothing) {
    const auto plain = AddressAxis::build(kSpace40, {content(0, 1 * GiB)}, {}, kStyle);
    const auto asked = AddressAxis::build(kSpace40, {content(0, 1 * GiB, 5)}, {}, kStyle);
    EXPECT_DOUBLE_EQ(plain.height(), asked.height());
}

TEST(AddressAxis, PositionsNeverGoBackwardsInAddress) {
    const auto axis = AddressAxis::build(kSpace40,
                                         {content(0, 0x9fc00), content(0x100000, 2 * GiB - 0x100000), container(0xc0000000, 0x3ec00000),
                                          content(0xfe000000, 0x4000), content(0x800000000, 32 * GiB)},
                                         {u64{1} << 39}, kStyle);
    // Every boundary and a spread of addresses inside segments, in ascending order.
    std::vector<u64> addresses;
    for (const auto& seg : axis.segments()) {
        addresses.push_back(seg.range.first());
        addresses.push_back(seg.range.first() + (seg.range.last() - seg.range.first()) / 3);
        addresses.push_back(seg.range.last());
    }
    std::sort(addresses.begin(), addresses.end());
    for (std::size_t i = 1; i < addresses.size(); ++i) {
        EXPECT_LE(axis.top_of(addresses[i - 1]), axis.top_of(addresses[i])) << std::hex << addresses[i];
        EXPECT_LE(axis.bottom_of(addresses[i - 1]), axis.bottom_of(addresses[i])) << std::hex << addresses[i];
    }
}

TEST(AddressAxis, DistinctSegmentStartsAreStrictlyApart) {
    const auto axis = AddressAxis::build(kSpace40, {content(0x1000, 0x1000), content(0x2000, 0x1000), content(0x3000, 1)}, {}, kStyle);
    EXPECT_LT(axis.top_of(0x1000), axis.top_of(0x2000));
    EXPECT_LT(axis.top_of(0x2000), axis.top_of(0x3000));
    EXPECT_LT(axis.top_of(0x3000), axis.top_of(0x3001));
}

TEST(AddressAxis, BottomOfAByteIsTopOfTheNext) {
    const auto axis = AddressAxis::build(kSpace40, {content(0x1000, 0x3000)}, {}, kStyle);
    EXPECT_DOUBLE_EQ(axis.bottom_of(0x1fff), axis.top_of(0x2000));
    EXPECT_DOUBLE_EQ(axis.bottom_of(0x3fff), axis.top_of(0x4000));
}

TEST(AddressAxis, InsideASegmentTheScaleIsLinear) {
    const auto axis = AddressAxis::build(kSpace40, {content(0x10000, 0x10000)}, {}, kStyle);
    const double top = axis.top_of(0x10000);
    const double mid = axis.top_of(0x18000);
    const double end = axis.bottom_of(0x1ffff);
    EXPECT_NEAR(mid - top, end - mid, 1e-9);
}

TEST(AddressAxis, MarksStartASegmentEvenInsideABreak) {
    const u64 mark = u64{1} << 39;
    const auto axis = AddressAxis::build(kSpace40, {content(0x1000, 0x1000)}, {mark}, kStyle);
    const AxisSegment* seg = axis.segment_at(mark);
    ASSERT_NE(seg, nullptr);
    EXPECT_EQ(seg->range.first(), mark);
    EXPECT_DOUBLE_EQ(axis.top_of(mark), seg->top);
    EXPECT_EQ(axis.segment_at(mark - 1)->kind, SegmentKind::Break);
}

TEST(AddressAxis, SpansPastTheEndAreClippedAndSpansBeyondItIgnored) {
    const u64 last = 0xffff;
    const auto axis = AddressAxis::build(last, {content(0xf000, 0x2000), content(0x20000, 0x1000)}, {0x30000}, kStyle);
    EXPECT_EQ(axis.segments().back().range.last(), last);
    EXPECT_EQ(axis.segments().back().kind, SegmentKind::Content);
    EXPECT_EQ(axis.segments().size(), 2u);
}

TEST(AddressAxis, TheWhole64BitSpaceWorksWithoutOverflow) {
    const u64 last = ~u64{0};
    const auto axis = AddressAxis::build(last, {content(last - 0xfff, 0x1000), content(0, 0x1000)}, {}, kStyle);
    EXPECT_DOUBLE_EQ(axis.bottom_of(last), axis.height());
    EXPECT_LT(axis.top_of(last - 0xfff), axis.bottom_of(last));
    EXPECT_EQ(axis.segments().size(), 3u);
}

TEST(AddressAxis, AddressesPastTheEndClampToTheBottom) {
    const auto axis = AddressAxis::build(0xffff, {content(0, 0x100)}, {}, kStyle);
    EXPECT_DOUBLE_EQ(axis.top_of(0x10000), axis.height());
    EXPECT_EQ(axis.segment_at(0x10000), nullptr);
}

TEST(AddressAxis, BaseSizeSetsWhereGrowthStarts) {
    AxisStyle io = kStyle;
    io.base_size = 4;
    const auto axis = AddressAxis::build(0xffff, {content(0x1000, 32)}, {}, io);
    // 32 bytes is three doublings of a 4-byte base.
    EXPECT_DOUBLE_EQ(height_of(axis, 0x1000, 32), io.content_min + 3 * io.content_per_doubling);
}

}  // namespace
}  // namespace aperture
