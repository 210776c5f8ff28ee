// The HTML page is one file that works offline: the map inline, a script and a stylesheet inline, nothing
// fetched, and the text report escaped under the map.
#include "report/html_map.hpp"

#include <gtest/gtest.h>

#include "map_test_support.hpp"
#include "report/text_report.hpp"

namespace aperture {
namespace {

std::string example_page() {
    static const auto vm = test::plan_vm(test::args_file_words("examples/q35-gpu-passthrough.args"));
    return render_html({view_of(vm.plan)}, render_text(vm.plan));
}

TEST(HtmlMap, HoldsTheMapInline) {
    const std::string page = example_page();
    EXPECT_TRUE(page.starts_with("<!DOCTYPE html>"));
    EXPECT_NE(page.find("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"aperture-map\""), std::string::npos);
    EXPECT_NE(page.find("data-kind=\"bar\""), std::string::npos);
}

TEST(HtmlMap, FetchesNothing) {
    const std::string page = example_page();
    // No external scripts, stylesheets, images or fonts; the policy forbids any the page might gain.
    EXPECT_EQ(page.find(" src="), std::string::npos);
    EXPECT_EQ(page.find(" href="), std::string::npos);
    EXPECT_EQ(page.find("url(http"), std::string::npos);
    EXPECT_EQ(page.find("@import"), std::string::npos);
    EXPECT_NE(page.find("Content-Security-Policy\" content=\"default-src 'none'"), std::string::npos);
}

TEST(HtmlMap, ShowsTheTextReportEscaped) {
    const auto vm = test::plan_vm(test::words("-machine q35 -device pci-testdev,membar=1<&>G"));
    const std::string page = render_html({view_of(vm.plan)}, render_text(vm.plan));
    EXPECT_NE(page.find("<pre>aperture plan: QEMU 7.2 pc-q35-7.2"), std::string::npos);
    EXPECT_NE(page.find("membar=1&lt;&amp;&gt;G: Parameter &#39;membar&#39; expects size"), std::string::npos);
    EXPECT_EQ(page.find("1<&>G"), std::string::npos);
}

TEST(HtmlMap, HasTheDetailsPanelTheScriptFills) {
    const std::string page = example_page();
    EXPECT_NE(page.find("<dl id=\"details-list\"></dl>"), std::string::npos);
    EXPECT_NE(page.find("getElementById('details-list')"), std::string::npos);
    // The script writes text, never markup, so no device name can inject any.
    EXPECT_EQ(page.find("innerHTML"), std::string::npos);
}

}  // namespace
}  // namespace aperture
