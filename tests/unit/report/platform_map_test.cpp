// The address map of Xen and pseries plans, read back as SVG: every BAR drawn with its exact range, every
// dropped BAR drawn red beside the window it needed, nothing off the canvas, no two labels overlapping.
#include <gtest/gtest.h>

#include "../plan/platform_plans.hpp"
#include "map_test_support.hpp"
#include "report/svg_map.hpp"

namespace aperture {
namespace {

using test::select;

struct Drawn {
    PlanView view;
    std::string svg;
    pugi::xml_document doc;
    pugi::xml_node root;
};

std::unique_ptr<Drawn> draw(PlanView view) {
    auto d = std::make_unique<Drawn>();
    d->view = std::move(view);
    d->svg = render_svg({d->view});
    const auto parsed = d->doc.load_string(d->svg.c_str());
    EXPECT_TRUE(parsed) << parsed.description();
    d->root = d->doc.child("svg");
    return d;
}

void expect_every_bar_drawn_with_its_range(const Drawn& d) {
    std::size_t bars = 0;
    for (const auto& r : d.view.regions) {
        const auto* owner = std::get_if<PciBarOwner>(&r.owner);
        if (!owner) continue;
        ++bars;
        const auto drawn = select(d.root, "//g[@data-kind='bar' and @data-bar='" + std::to_string(owner->bar) + "' and @data-first='" + hex(r.range.first()) + "']");
        ASSERT_EQ(drawn.size(), 1u) << hex(r.range.first());
        EXPECT_EQ(std::string(drawn[0].attribute("data-last").value()), hex(r.range.last()));
        EXPECT_EQ(std::string(drawn[0].attribute("data-owner").value()), d.view.function(*owner).name());
    }
    EXPECT_GT(bars, 0u);
    EXPECT_EQ(select(d.root, "//g[@data-kind='bar']").size(), bars);
}

void expect_on_canvas_without_overlapping_labels(const Drawn& d) {
    const Box canvas{0, 0, test::attr(d.root, "width"), test::attr(d.root, "height")};
    for (const auto& rect : select(d.root, "//rect[not(ancestor::defs)]")) EXPECT_TRUE(test::box_inside(test::rect_box(rect), canvas));
    const auto texts = select(d.root, "//text");
    for (const auto& text : texts) EXPECT_TRUE(test::box_inside(test::text_box(text), canvas)) << text.child_value();
    for (std::size_t i = 0; i < texts.size(); ++i) {
        for (std::size_t j = i + 1; j < texts.size(); ++j) {
            EXPECT_FALSE(test::boxes_overlap(test::text_box(texts[i]), test::text_box(texts[j]))) << texts[i].child_value() << " / " << texts[j].child_value();
        }
    }
}

TEST(XenMap, EveryBarIsDrawnWithItsExactRange) {
    const XenPlan plan = test::xen_gpu_plan(256 * MiB);
    const auto d = draw(view_of(plan));
    expect_every_bar_drawn_with_its_range(*d);
    EXPECT_FALSE(select(d->root, "//g[@data-key='root-mem32']").empty());
    EXPECT_NE(d->svg.find("Xen 4.17.7"), std::string::npos);
}

TEST(XenMap, StaysOnTheCanvas) {
    const XenPlan plan = test::xen_gpu_plan(256 * MiB);
    expect_on_canvas_without_overlapping_labels(*draw(view_of(plan)));
}

TEST(XenMap, DroppedBarIsDrawnRedWithItsSize) {
    const XenPlan plan = test::xen_gpu_plan(64 * GiB, 36);
    const auto d = draw(view_of(plan));
    const auto dropped = select(d->root, "//g[@data-kind='unassigned']");
    ASSERT_EQ(dropped.size(), d->view.dropped.size());
    EXPECT_EQ(std::string(dropped[0].attribute("data-bytes").value()), std::to_string(64 * GiB));
    expect_on_canvas_without_overlapping_labels(*d);
}

TEST(PseriesMap, EveryBarIsDrawnWithItsExactRange) {
    const SpaprPlan plan = test::pseries_two_phb_plan(64 * KiB);
    const auto d = draw(view_of(plan));
    expect_every_bar_drawn_with_its_range(*d);
    EXPECT_FALSE(select(d->root, "//g[@data-key='root1-mem32']").empty());
    EXPECT_FALSE(select(d->root, "//g[@data-kind='bar' and @data-bdf='0001:00:02.0']").empty());
}

TEST(PseriesMap, StaysOnTheCanvas) {
    const SpaprPlan plan = test::pseries_two_phb_plan(64 * KiB);
    expect_on_canvas_without_overlapping_labels(*draw(view_of(plan)));
}

}  // namespace
}  // namespace aperture
