// The SVG map read back as a document: for the bundled example, every golden case's command line, OVMF
// dropping a GPU, a 16-GPU + 64-device VM and host overlays, every BAR is drawn with its exact range,
// unassigned BARs stand outside the windows, coordinates follow address order, nothing leaves the canvas
// and no two labels overlap.
#include "report/svg_map.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <memory>

#include "../host/host_test_support.hpp"
#include "diagnostics/checks.hpp"
#include "host/host_context.hpp"
#include "map_test_support.hpp"

namespace aperture {
namespace {

using test::select;

struct MapCase {
    std::string name;
    std::vector<std::string> args;
    std::optional<FirmwareKind> firmware;
    std::string host_fixture;  // tests/fixtures/host/<name>, "" for none
    bool big_vm_host = false;  // the passthrough catalog's H100s for the 16-GPU VM
    bool with_findings = false;
};

// A case planned and drawn; it keeps the plan and host alive for the SVG's checks.
struct Rendered {
    test::PlannedVm vm;
    std::optional<HostSnapshot> host;
    std::vector<Finding> findings;
    std::string svg;
    pugi::xml_document doc;
    pugi::xml_node root;
    double width = 0;
    double height = 0;
};

std::unique_ptr<Rendered> render_case(const MapCase& c) {
    auto r = std::make_unique<Rendered>();
    HostContext context;
    if (!c.host_fixture.empty()) {
        r->host = test::probe_fixture(c.host_fixture);
        context = host_context(*r->host);
    }
    if (c.big_vm_host) context = test::big_vm_host();
    r->vm = test::plan_vm(c.args, c.firmware, context);
    if (c.with_findings) r->findings = run_checks({r->vm.spec, r->vm.options, r->vm.plan, r->host ? &*r->host : nullptr});
    r->svg = render_svg({view_of(r->vm.plan), r->host ? &*r->host : nullptr, c.with_findings ? &r->findings : nullptr});
    const auto parsed = r->doc.load_string(r->svg.c_str());
    EXPECT_TRUE(parsed) << parsed.description();
    r->root = r->doc.child("svg");
    r->width = test::attr(r->root, "width");
    r->height = test::attr(r->root, "height");
    return r;
}

std::vector<MapCase> map_cases() {
    std::vector<MapCase> cases;
    cases.push_back({"example", test::args_file_words("examples/q35-gpu-passthrough.args"), std::nullopt, "", false, false});
    cases.push_back({"example_ovmf", test::args_file_words("examples/q35-gpu-passthrough.args"), FirmwareKind::Ovmf, "", false, false});
    for (const auto& g : test::golden_cases()) {
        std::string name = g.name;
        // gtest parameter names: letters, digits and '_' only.
        std::replace_if(name.begin(), name.end(), [](unsigned char ch) { return !std::isalnum(ch); }, '_');
        cases.push_back({"golden_" + name, g.args, g.firmware, "", false, false});
    }
    cases.push_back({"ovmf_drops_gpu_checked_on_intel_host",
                     test::words("-machine q35,accel=kvm -m 2G -nodefaults -cpu qemu64,vendor=GenuineIntel -bios OVMF.fd "
                                 "-device pcie-root-port,id=rp,chassis=1 -device pci-testdev,id=gpu,membar=32G,bus=rp -device pci-testdev,id=t1g,membar=1G"),
                     std::nullopt, "intel-i7-12700-rtx4090", false, true});
    cases.push_back({"ram_over_amd_ht_hole", test::words("-machine q35,accel=kvm -m 1020G -nodefaults -cpu qemu64,vendor=GenuineIntel,phys-bits=48,pdpe1gb=on "
                                                         "-bios OVMF.fd -device pcie-root-port,id=rp,chassis=1 -device vfio-pci,host=41:00.0,bus=rp"),
                     std::nullopt, "amd-epyc-a100", false, true});
    cases.push_back({"guest_wider_than_host", test::words("-machine q35,accel=kvm -m 16G -nodefaults -cpu qemu64,phys-bits=42,pdpe1gb=on -bios OVMF.fd "
                                                          "-device pcie-root-port,id=rp,chassis=1 -device pci-testdev,membar=16G,bus=rp"),
                     std::nullopt, "intel-i7-12700-rtx4090", false, true});
    cases.push_back({"gpus16_devices64_seabios", test::big_vm_args(), std::nullopt, "", true, false});
    cases.push_back({"gpus16_devices64_ovmf", test::big_vm_args(), FirmwareKind::Ovmf, "", true, false});
    return cases;
}

void PrintTo(const MapCase& c, std::ostream* os) { *os << c.name; }

class MapStructure : public ::testing::TestWithParam<MapCase> {
protected:
    void SetUp() override { r_ = render_case(GetParam()); }
    std::unique_ptr<Rendered> r_;
};

// ROM BARs OVMF leaves unassigned on purpose are no failure and are not drawn as one.
bool unassigned_by_design(const FirmwareResult& fw, const FunctionResult& f, const BarSpec& bar) {
    if (bar.kind != BarKind::Rom || fw.failed) return false;
    return std::none_of(fw.unassigned.begin(), fw.unassigned.end(), [&](const UnassignedResource& u) { return u.bdf == f.bdf && u.bar == bar.index; });
}

TEST_P(MapStructure, EveryAssignedBarIsDrawnWithItsExactRange) {
    const Plan& plan = r_->vm.plan;
    if (!plan.firmware) GTEST_SKIP() << "QEMU refuses this command line: no BARs";
    std::size_t assigned = 0;
    for (const auto& f : plan.firmware->functions) {
        for (std::size_t i = 0; i < f.bars.size(); ++i) {
            const BarSpec& bar = f.node->function.bars[i];
            if (!f.bars[i].address || bar.size == 0) continue;
            ++assigned;
            const std::string first = hex(*f.bars[i].address);
            const auto drawn = select(r_->root, "//g[@data-kind='bar' and @data-bdf='" + f.bdf.to_string() + "' and @data-bar='" +
                                                    std::to_string(bar.index) + "' and @data-first='" + first + "']");
            ASSERT_EQ(drawn.size(), 1u) << f.bdf.to_string() << " BAR" << bar.index << " at " << first;
            EXPECT_EQ(std::string(drawn[0].attribute("data-last").value()), hex(*f.bars[i].address + bar.size - 1));
            EXPECT_FALSE(drawn[0].child("rect").empty());
        }
    }
    EXPECT_EQ(select(r_->root, "//g[@data-kind='bar']").size(), assigned);
}

TEST_P(MapStructure, EveryUnassignedBarStandsOutsideTheWindowsInRedWithItsSize) {
    const Plan& plan = r_->vm.plan;
    if (!plan.firmware) GTEST_SKIP() << "QEMU refuses this command line: no BARs";
    for (const auto& panel : select(r_->root, "//g[@class='panel']")) {
        double columns_right = 0;
        for (const auto& rect : select(panel, ".//g[contains(concat(' ',@class,' '),' region ')]/rect")) columns_right = std::max(columns_right, test::rect_box(rect).right());
        for (const auto& item : select(panel, ".//g[@data-kind='unassigned']/rect")) EXPECT_GE(test::rect_box(item).x, columns_right);
    }
    for (const auto& f : plan.firmware->functions) {
        for (std::size_t i = 0; i < f.bars.size(); ++i) {
            const BarSpec& bar = f.node->function.bars[i];
            if (f.bars[i].address || bar.size == 0 || unassigned_by_design(*plan.firmware, f, bar)) continue;
            const auto drawn = select(r_->root, "//g[@data-kind='unassigned' and @data-bdf='" + f.bdf.to_string() + "' and @data-bar='" +
                                                    std::to_string(bar.index) + "']");
            ASSERT_EQ(drawn.size(), 1u) << f.bdf.to_string() << " BAR" << bar.index;
            EXPECT_EQ(std::string(drawn[0].attribute("class").value()), "unassigned");
            EXPECT_EQ(drawn[0].attribute("data-bytes").as_ullong(), bar.size);
            EXPECT_NE(std::string(drawn[0].child_value("title")).find(human_size(bar.size)), std::string::npos);
        }
    }
}

struct Placed {
    u64 first;
    u64 last;
    double top;
    double bottom;
};

std::vector<Placed> placed_regions(const pugi::xml_node& panel) {
    std::vector<Placed> out;
    for (const auto& g : select(panel, ".//g[contains(concat(' ',@class,' '),' region ')]")) {
        const Box b = test::rect_box(g.child("rect"));
        out.push_back({std::stoull(g.attribute("data-first").value(), nullptr, 16), std::stoull(g.attribute("data-last").value(), nullptr, 16), b.y, b.bottom()});
    }
    return out;
}

TEST_P(MapStructure, CoordinatesFollowAddressOrder) {
    for (const auto& panel : select(r_->root, "//g[@class='panel']")) {
        auto regions = placed_regions(panel);
        std::sort(regions.begin(), regions.end(), [](const Placed& a, const Placed& b) { return a.first < b.first; });
        for (std::size_t i = 1; i < regions.size(); ++i) {
            if (regions[i].first == regions[i - 1].first) {
                EXPECT_DOUBLE_EQ(regions[i].top, regions[i - 1].top);
            } else {
                EXPECT_GT(regions[i].top, regions[i - 1].top) << std::hex << regions[i].first;
            }
        }
        std::sort(regions.begin(), regions.end(), [](const Placed& a, const Placed& b) { return a.last < b.last; });
        // y + height read back from decimal text: equal edges may differ in the last binary digit.
        constexpr double kParseNoise = 1e-6;
        for (std::size_t i = 1; i < regions.size(); ++i) EXPECT_GE(regions[i].bottom + kParseNoise, regions[i - 1].bottom) << std::hex << regions[i].last;
        // The axis labels too: a higher address is never drawn above a lower one.
        const auto ticks = select(panel, ".//g[@class='tick-label']");
        ASSERT_GE(ticks.size(), 2u);
        for (std::size_t i = 1; i < ticks.size(); ++i) {
            const u64 a = std::stoull(ticks[i - 1].attribute("data-address").value(), nullptr, 16);
            const u64 b = std::stoull(ticks[i].attribute("data-address").value(), nullptr, 16);
            EXPECT_LT(a, b);
            EXPECT_LT(test::attr(ticks[i - 1].child("line"), "y1"), test::attr(ticks[i].child("line"), "y1"));
        }
    }
}

TEST_P(MapStructure, NothingLeavesTheCanvas) {
    const Box canvas{0, 0, r_->width, r_->height};
    for (const auto& rect : select(r_->root, "//rect[not(ancestor::defs)]")) EXPECT_TRUE(test::box_inside(test::rect_box(rect), canvas));
    for (const auto& text : select(r_->root, "//text")) EXPECT_TRUE(test::box_inside(test::text_box(text), canvas)) << text.child_value();
    for (const auto& line : select(r_->root, "//line[not(ancestor::defs)]")) {
        for (const char* x : {"x1", "x2"}) EXPECT_TRUE(test::attr(line, x) >= 0 && test::attr(line, x) <= r_->width);
        for (const char* y : {"y1", "y2"}) EXPECT_TRUE(test::attr(line, y) >= 0 && test::attr(line, y) <= r_->height);
    }
}

TEST_P(MapStructure, NoTwoLabelsOverlap) {
    std::vector<std::pair<Box, std::string>> texts;
    for (const auto& text : select(r_->root, "//text")) texts.emplace_back(test::text_box(text), text.child_value());
    std::sort(texts.begin(), texts.end(), [](const auto& a, const auto& b) { return a.first.y < b.first.y; });
    std::size_t overlaps = 0;
    for (std::size_t i = 0; i < texts.size(); ++i) {
        for (std::size_t j = i + 1; j < texts.size() && texts[j].first.y < texts[i].first.bottom(); ++j) {
            if (!test::boxes_overlap(texts[i].first, texts[j].first)) continue;
            ++overlaps;
            ADD_FAILURE() << "'" << texts[i].second << "' overlaps '" << texts[j].second << "'";
        }
    }
    EXPECT_EQ(overlaps, 0u);
    EXPECT_GT(texts.size(), 10u);
}

TEST_P(MapStructure, RegionLabelsStayInsideTheirBoxes) {
    for (const auto& g : select(r_->root, "//g[contains(concat(' ',@class,' '),' region ')] | //g[@data-kind='unassigned']")) {
        const Box box = test::rect_box(g.child("rect"));
        for (const auto& text : g.children("text")) EXPECT_TRUE(test::box_inside(test::text_box(text), box)) << text.child_value();
        EXPECT_FALSE(g.child("text").empty()) << g.attribute("data-key").value();
    }
}

TEST_P(MapStructure, BarsAndBridgeWindowsLieInsideTheirParentWindow) {
    for (const auto& g : select(r_->root, "//g[@data-parent]")) {
        const auto parents = select(r_->root, "//g[@data-key='" + std::string(g.attribute("data-parent").value()) + "']");
        ASSERT_EQ(parents.size(), 1u);
        const Box child = test::rect_box(g.child("rect"));
        const Box parent = test::rect_box(parents[0].child("rect"));
        EXPECT_GE(child.y, parent.y - 0.01) << g.attribute("data-label").value();
        EXPECT_LE(child.bottom(), parent.bottom() + 0.01) << g.attribute("data-label").value();
        EXPECT_GT(child.x, parent.x) << "a child is drawn right of its window";
    }
}

TEST_P(MapStructure, BreaksCutThroughNoRegion) {
    for (const auto& panel : select(r_->root, "//g[@class='panel']")) {
        const auto regions = placed_regions(panel);
        for (const auto& b : select(panel, ".//g[@class='break']/rect")) {
            const Box band = test::rect_box(b);
            for (const auto& r : regions) EXPECT_FALSE(r.top < band.bottom() - 0.01 && band.y < r.bottom - 0.01) << std::hex << r.first;
        }
    }
}

INSTANTIATE_TEST_SUITE_P(Plans, MapStructure, ::testing::ValuesIn(map_cases()), [](const ::testing::TestParamInfo<MapCase>& param) { return param.param.name; });

// --- Findings drawn where they happen -------------------------------------------------------------------

std::unique_ptr<Rendered> render_named(const std::string& name) {
    for (const auto& c : map_cases()) {
        if (c.name == name) return render_case(c);
    }
    ADD_FAILURE() << "no case " << name;
    return nullptr;
}

TEST(SvgMap, OvmfDroppedGpuBarIsDrawnRedWithItsSizeNextToTheWindowItNeeded) {
    const auto r = render_named("ovmf_drops_gpu_checked_on_intel_host");
    const auto gpu = select(r->root, "//g[@data-kind='unassigned' and @data-owner='gpu' and @data-bar='2']");
    ASSERT_EQ(gpu.size(), 1u);
    EXPECT_EQ(std::string(gpu[0].attribute("data-size").value()), "32 GiB");
    EXPECT_EQ(std::string(gpu[0].attribute("data-window").value()), "root-mem64");
    bool says_size = false;
    for (const auto& t : gpu[0].children("text")) says_size = says_size || std::string(t.child_value()) == "UNASSIGNED 32 GiB";
    EXPECT_TRUE(says_size);
    // A leader runs from the end of the 64-bit window to the stack, and a tick from there to its box.
    const Box window = test::rect_box(select(r->root, "//g[@data-key='root-mem64']/rect").at(0));
    const auto leader = select(r->root, "//line[@class='unassigned-leader' and @data-window='root-mem64']");
    ASSERT_EQ(leader.size(), 1u);
    EXPECT_DOUBLE_EQ(test::attr(leader[0], "y1"), window.bottom());
    EXPECT_DOUBLE_EQ(test::attr(leader[0], "x1"), window.right());
    const auto tick = select(r->root, "//line[@data-for='" + std::string(gpu[0].attribute("data-key").value()) + "']");
    ASSERT_EQ(tick.size(), 1u);
    EXPECT_DOUBLE_EQ(test::attr(tick[0], "x2"), test::rect_box(gpu[0].child("rect")).x);
    // The GPU's 32-bit BAR0 needed room in its root port's memory window, below 4 GiB, whatever made OVMF
    // drop the device.
    const auto bar0 = select(r->root, "//g[@data-kind='unassigned' and @data-owner='gpu' and @data-bar='0']");
    ASSERT_EQ(bar0.size(), 1u);
    const auto port_window = select(r->root, "//g[@data-key='" + std::string(bar0[0].attribute("data-window").value()) + "']");
    ASSERT_EQ(port_window.size(), 1u);
    EXPECT_EQ(std::string(port_window[0].attribute("data-owner").value()), "rp");
    EXPECT_EQ(std::string(port_window[0].attribute("data-type").value()), "bridge memory window");
}

TEST(SvgMap, CheckFindingsAreListedWithTheirVerdicts) {
    const auto r = render_named("ovmf_drops_gpu_checked_on_intel_host");
    const auto findings = select(r->root, "//g[@data-finding]");
    EXPECT_EQ(findings.size(), r->findings.size());
    EXPECT_EQ(select(r->root, "//g[@data-finding='firmware.assignment' and @data-verdict='FAIL']").size(), 1u);
}

// A FAIL shows its first fix beside it, in QEMU's words; a PASS shows none.
TEST(SvgMap, AFailingFindingShowsItsFix) {
    const auto r = render_named("ovmf_drops_gpu_checked_on_intel_host");
    const auto fix = select(r->root, "//g[@data-finding='firmware.assignment']/text[@class='finding-fix']");
    ASSERT_EQ(fix.size(), 1u);
    EXPECT_EQ(std::string(fix[0].child_value()).rfind("fix: ", 0), 0u);
    EXPECT_TRUE(select(r->root, "//g[@data-verdict='PASS']/text[@class='finding-fix']").empty());
}

TEST(SvgMap, BarPastTheGuestPhysBitsIsMarkedWhereItCrossesTheLimit) {
    const auto r = render_named("golden_bar_beyond_phys_bits");
    const auto limit = select(r->root, "//g[@data-limit='guest-phys-bits']");
    ASSERT_EQ(limit.size(), 1u);
    EXPECT_EQ(std::string(limit[0].attribute("class").value()), "limit crossed");
    EXPECT_EQ(std::string(limit[0].attribute("data-address").value()), "0x1000000000");
    const auto crossing = select(r->root, "//g[contains(concat(' ',@class,' '),' crosses-limit ') and @data-kind='bar']");
    ASSERT_EQ(crossing.size(), 1u);
    EXPECT_NE(std::string(limit[0].attribute("data-crossed-by").value()).find(crossing[0].attribute("data-key").value()), std::string::npos);
    // The line is drawn through the BAR, at the limit's address, with a marker there.
    const double y = test::attr(limit[0].child("line"), "y1");
    const Box bar = test::rect_box(crossing[0].child("rect"));
    // t1g's BAR2 starts exactly at 2^36: wholly past the limit, so the line runs along its top edge.
    EXPECT_GE(y, bar.y);
    EXPECT_LT(y, bar.bottom());
    EXPECT_FALSE(select(limit[0], "path[@class='marker']").empty());
}

TEST(SvgMap, GuestRamOverTheAmdHtHoleIsMarkedAsAnOverlap) {
    const auto r = render_named("ram_over_amd_ht_hole");
    const auto overlaps = select(r->root, "//g[@class='overlap']");
    ASSERT_FALSE(overlaps.empty());
    bool ht = false;
    for (const auto& o : overlaps) ht = ht || std::string(o.attribute("data-first").value()) == "0xfd00000000";
    EXPECT_TRUE(ht);
    EXPECT_EQ(select(r->root, "//g[@data-kind='host-reserved' and @data-label='AMD HT hole']").size(), 1u);
}

TEST(SvgMap, HostLimitsAreDrawnAtTheirAddressAndCrossedWhenTheGuestIsWider) {
    const auto r = render_named("guest_wider_than_host");
    const auto host = select(r->root, "//g[@data-limit='host-phys-bits']");
    ASSERT_EQ(host.size(), 1u);
    EXPECT_EQ(std::string(host[0].attribute("data-address").value()), "0x8000000000");
    EXPECT_EQ(std::string(host[0].attribute("class").value()), "limit crossed");
    const auto iommu = select(r->root, "//g[@data-limit='iommu-width']");
    ASSERT_EQ(iommu.size(), 1u);
    EXPECT_EQ(std::string(iommu[0].attribute("data-bits").value()), "39");
}

TEST(SvgMap, UserTextIsEscaped) {
    // QEMU's refusal repeats the user's text; the document must still parse and say it verbatim.
    const auto vm = test::plan_vm(test::words("-machine q35 -device pci-testdev,membar=1<&>G"));
    ASSERT_EQ(vm.plan.outcome, Outcome::Refused);
    const std::string svg = render_svg({view_of(vm.plan)});
    pugi::xml_document doc;
    ASSERT_TRUE(doc.load_string(svg.c_str()));
    EXPECT_NE(svg.find("membar=1&lt;&amp;&gt;G"), std::string::npos);
    EXPECT_EQ(svg.find("membar=1<&>G"), std::string::npos);
}

TEST(SvgMap, TheBigVmIsDrawnInMilliseconds) {
    const auto vm = test::plan_vm(test::big_vm_args(), std::nullopt, test::big_vm_host());
    const auto start = std::chrono::steady_clock::now();
    const std::string svg = render_svg({view_of(vm.plan)});
    const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
    // Generous for Debug and sanitizer builds; a Release build takes a few milliseconds.
    EXPECT_LT(elapsed.count(), 500);
    EXPECT_GT(svg.size(), 100'000u);
}

TEST(SvgMap, RenderingIsDeterministic) {
    const auto a = render_named("gpus16_devices64_seabios");
    const auto b = render_named("gpus16_devices64_seabios");
    EXPECT_EQ(a->svg, b->svg);
}

}  // namespace
}  // namespace aperture
