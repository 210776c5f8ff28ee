#include "input/qemu_config_file.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"

namespace aperture {
namespace {

std::string error_of(std::string_view text) {
    try {
        parse_qemu_config(text, "vm.cfg");
    } catch (const InputError& e) {
        return e.what();
    }
    return "no error";
}

TEST(QemuConfigFile, DeviceSectionWithIdKeepsPropertiesInOrderWithTheirLines) {
    const auto sections = parse_qemu_config("[device \"ehci\"]\n  driver = \"ich9-usb-ehci1\"\n  addr = \"1d.7\"\n", "vm.cfg");
    ASSERT_EQ(sections.size(), 1u);
    EXPECT_EQ(sections[0].group, "device");
    EXPECT_EQ(sections[0].id, "ehci");
    EXPECT_EQ(sections[0].line, 1u);
    ASSERT_EQ(sections[0].entries.size(), 2u);
    EXPECT_EQ(sections[0].entries[1].key, "addr");
    EXPECT_EQ(sections[0].entries[1].value, "1d.7");
    EXPECT_EQ(sections[0].entries[1].line, 3u);
}

TEST(QemuConfigFile, SectionWithoutIdHasNone) {
    const auto sections = parse_qemu_config("[machine]\n  type = \"q35\"\n", "vm.cfg");
    ASSERT_EQ(sections.size(), 1u);
    EXPECT_EQ(sections[0].group, "machine");
    EXPECT_FALSE(sections[0].id.has_value());
}

TEST(QemuConfigFile, CommentsEmptyLinesAndCrLfAreSkipped) {
    const auto sections = parse_qemu_config("# a comment\r\n\r\n[device \"a\"]\r\n  driver = \"VGA\"\r\n\n#[device \"b\"]\n", "vm.cfg");
    ASSERT_EQ(sections.size(), 1u);
    EXPECT_EQ(sections[0].line, 3u);
    EXPECT_EQ(sections[0].entries.at(0).value, "VGA");
}

TEST(QemuConfigFile, EmptyValueIsAValue) {
    const auto sections = parse_qemu_config("[device \"a\"]\n  romfile = \"\"\n", "vm.cfg");
    EXPECT_EQ(sections.at(0).entries.at(0).value, "");
}

TEST(QemuConfigFile, PropertyBeforeAnySectionFailsWithFileAndLine) {
    EXPECT_EQ(error_of("\n  driver = \"VGA\"\n"), "vm.cfg:2: no group defined: 'driver' comes before the first [group] line");
}

TEST(QemuConfigFile, KeyWithoutBlanksAroundEqualsIsAParseError) {
    EXPECT_NE(error_of("[device \"a\"]\ndriver=\"VGA\"\n").find("vm.cfg:2: parse error: expected 'key = \"value\"'"),
              std::string::npos);
}

TEST(QemuConfigFile, UnquotedValueFails) {
    EXPECT_EQ(error_of("[device \"a\"]\n  driver = VGA\n"), "vm.cfg:2: parse error: the value of 'driver' must be in double quotes");
}

TEST(QemuConfigFile, UnterminatedValueFails) {
    EXPECT_EQ(error_of("[device \"a\"]\n  driver = \"VGA\n"), "vm.cfg:2: parse error: the value of 'driver' has no closing '\"'");
}

TEST(QemuConfigFile, UnclosedSectionFails) {
    EXPECT_EQ(error_of("[device \"a\"\n"), "vm.cfg:1: parse error: expected ']' to close [device \"a\"");
}

TEST(QemuConfigFile, UnterminatedIdFails) {
    EXPECT_EQ(error_of("[device \"a]\n"), "vm.cfg:1: parse error: the id of [device \"...\"] has no closing '\"'");
}

TEST(QemuConfigFile, EmptyGroupNameFails) {
    EXPECT_EQ(error_of("[]\n"), "vm.cfg:1: parse error: expected a group name after '['");
}

TEST(QemuConfigFile, LineOfBlanksFailsAsInQemu) {
    EXPECT_EQ(error_of("[machine]\n   \n"), "vm.cfg:2: parse error: a line of blanks (QEMU skips only empty lines)");
}

TEST(QemuConfigFile, IndentedCommentIsNotAComment) {
    EXPECT_NE(error_of("[machine]\n  # not a comment\n").find("vm.cfg:2: parse error"), std::string::npos);
}

TEST(QemuConfigFile, KeyLongerThanQemuReadsFails) {
    const std::string key(kQemuConfigNameMax + 1, 'k');
    EXPECT_NE(error_of("[machine]\n" + key + " = \"x\"\n").find("vm.cfg:2: parse error: the key"), std::string::npos);
}

TEST(QemuConfigFile, ValueLongerThanQemuReadsFails) {
    const std::string value(kQemuConfigValueMax + 1, 'v');
    EXPECT_NE(error_of("[machine]\ntype = \"" + value + "\"\n").find("longer than QEMU reads (1023 characters)"), std::string::npos);
}

TEST(QemuConfigFile, ValueOfExactlyTheLimitIsRead) {
    const std::string value(kQemuConfigValueMax, 'v');
    EXPECT_EQ(parse_qemu_config("[machine]\ntype = \"" + value + "\"\n", "vm.cfg").at(0).entries.at(0).value.size(),
              kQemuConfigValueMax);
}

}  // namespace
}  // namespace aperture
