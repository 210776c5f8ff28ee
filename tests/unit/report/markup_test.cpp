#include "report/markup.hpp"

#include <gtest/gtest.h>

namespace aperture {
namespace {

TEST(EscapeXml, MarkupCharactersBecomeEntities) { EXPECT_EQ(escape_xml("a<b&c>\"d'e"), "a&lt;b&amp;c&gt;&quot;d&#39;e"); }

TEST(EscapeXml, PlainTextAndUtf8PassThrough) { EXPECT_EQ(escape_xml("01:00.0 gpu0 \xE2\x89\x88 32 GiB"), "01:00.0 gpu0 \xE2\x89\x88 32 GiB"); }

TEST(EscapeXml, ControlCharactersXmlForbidsAreReplaced) {
    EXPECT_EQ(escape_xml(std::string("a\x01" "b\x1b" "c\td\n", 8)), "a\xEF\xBF\xBD" "b\xEF\xBF\xBD" "c\td\n");
}

TEST(EscapeXml, EntitiesAreEscapedAgainNotTrusted) { EXPECT_EQ(escape_xml("&lt;"), "&amp;lt;"); }

}  // namespace
}  // namespace aperture
