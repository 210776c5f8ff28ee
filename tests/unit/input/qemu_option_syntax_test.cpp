#include "input/qemu_option_syntax.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"

namespace aperture::qemu_syntax {
namespace {

std::string error_of(auto&& parse) {
    try {
        parse();
    } catch (const InputError& e) {
        return e.what();
    }
    return "no error";
}

TEST(QemuOpts, ImpliedKeyTakesTheFirstElement) {
    auto opts = parse_qemu_opts("virtio-net-pci,netdev=n0", "driver");
    EXPECT_EQ(*opts.entries.find("driver"), "virtio-net-pci");
    EXPECT_EQ(*opts.entries.find("netdev"), "n0");
}
TEST(QemuOpts, FirstElementWithEqualsIsNotImplied) {
    auto opts = parse_qemu_opts("size=4G", "size");
    EXPECT_EQ(opts.entries.entries.size(), 1u);
    EXPECT_EQ(*opts.entries.find("size"), "4G");
}
TEST(QemuOpts, DoubledCommaIsALiteralComma) {
    auto opts = parse_qemu_opts("opt/x,string=a,,b", "name");
    EXPECT_EQ(*opts.entries.find("string"), "a,b");
}
TEST(QemuOpts, ImpliedValueKeepsDoubledComma) {
    auto opts = parse_qemu_opts("a,,b,c=d", "name");
    EXPECT_EQ(*opts.entries.find("name"), "a,b");
    EXPECT_EQ(*opts.entries.find("c"), "d");
}
TEST(QemuOpts, BareFlagIsOn) { EXPECT_EQ(*parse_qemu_opts("x,multifunction", "driver").entries.find("multifunction"), "on"); }
TEST(QemuOpts, NoPrefixFlagIsOff) { EXPECT_EQ(*parse_qemu_opts("x,noshare", "driver").entries.find("share"), "off"); }
TEST(QemuOpts, WithoutImpliedKeyFirstBareWordIsAFlag) {
    EXPECT_EQ(*parse_qemu_opts("VGA", nullptr).entries.find("VGA"), "on");
}
TEST(QemuOpts, FirstIdWinsAndIsNotAnEntry) {
    auto opts = parse_qemu_opts("e1000,id=a,id=b", "driver");
    EXPECT_EQ(*opts.id, "a");
    EXPECT_FALSE(opts.entries.has("id"));
}
TEST(QemuOpts, MalformedIdIsRefused) {
    EXPECT_EQ(error_of([] { check_id(parse_qemu_opts("e1000,id=1a", "driver"), "argument 2 (-device e1000,id=1a)"); }),
              "argument 2 (-device e1000,id=1a): Parameter 'id' expects an identifier (letters, digits, '-', '.', '_', "
              "starting with a letter)");
}
TEST(QemuOpts, HelpFlagIsDetected) { EXPECT_TRUE(parse_qemu_opts("e1000,help", "driver").help); }
TEST(QemuOpts, EmptyTextHasNoEntries) { EXPECT_TRUE(parse_qemu_opts("", "driver").entries.entries.empty()); }

TEST(Keyval, ImpliedKeyTakesTheFirstElement) {
    EXPECT_EQ(*parse_keyval("q35,accel=kvm", "type", "arg").entries.find("type"), "q35");
}
TEST(Keyval, DoubledCommaInValueIsALiteralComma) {
    EXPECT_EQ(*parse_keyval("q35,x=a,,b", "type", "arg").entries.find("x"), "a,b");
}
TEST(Keyval, ImpliedValueEndsAtTheFirstComma) {
    EXPECT_EQ(error_of([] { parse_keyval("q35,,x", "type", "argument 1 (-machine q35,,x)"); }),
              "argument 1 (-machine q35,,x): Invalid parameter ''");
}
TEST(Keyval, BareKeyNeedsEquals) {
    EXPECT_EQ(error_of([] { parse_keyval("2,threads", "cpus", "argument 1 (-smp 2,threads)"); }),
              "argument 1 (-smp 2,threads): Expected '=' after parameter 'threads'");
}
TEST(Keyval, KeyMustBeAQapiName) {
    EXPECT_EQ(error_of([] { parse_keyval("q35,1abc=2", "type", "argument 1 (-machine q35,1abc=2)"); }),
              "argument 1 (-machine q35,1abc=2): Invalid parameter '1abc'");
}
TEST(Keyval, DottedKeysAreKept) {
    EXPECT_EQ(*parse_keyval("driver=raw,file.filename=/x", "driver", "arg").entries.find("file.filename"), "/x");
}
TEST(Keyval, KeyUsedAsValueAndParentIsRefused) {
    EXPECT_EQ(error_of([] { parse_keyval("file=a,file.filename=b", nullptr, "arg"); }),
              "arg: Parameters 'file.*' used inconsistently");
}
TEST(Keyval, HelpIsDetected) { EXPECT_TRUE(parse_keyval("help", "type", "arg").help); }

TEST(JsonObject, NestedObjectsBecomeDottedKeys) {
    auto list = parse_json_object(R"({"driver":"raw","file":{"filename":"/x"},"ro":true,"n":3})", "arg");
    EXPECT_EQ(*list.find("file.filename"), "/x");
    EXPECT_EQ(*list.find("ro"), "on");
    EXPECT_EQ(*list.find("n"), "3");
}
TEST(JsonObject, MalformedJsonIsRefused) {
    EXPECT_EQ(error_of([] { parse_json_object("{\"driver\":", "arg"); }).rfind("arg: JSON parse error", 0), 0u);
}

TEST(ParseBool, AcceptsQemuSpellings) {
    EXPECT_EQ(parse_bool("yes"), true);
    EXPECT_EQ(parse_bool("true"), true);
    EXPECT_EQ(parse_bool("off"), false);
    EXPECT_EQ(parse_bool("n"), false);
}
TEST(ParseBool, RefusesOtherWords) { EXPECT_FALSE(parse_bool("maybe").has_value()); }
TEST(ParseNumber, ReadsOctalLikeStrtoull) { EXPECT_EQ(parse_number("010"), 8u); }
TEST(ParseNumber, ReadsHex) { EXPECT_EQ(parse_number("0x10"), 16u); }
TEST(LooksLikeSize, TellsTooLargeFromMalformed) {
    EXPECT_TRUE(looks_like_size("16E"));
    EXPECT_TRUE(looks_like_size("99999999999999999999"));
    EXPECT_FALSE(looks_like_size("abc"));
    EXPECT_FALSE(looks_like_size("-1"));
    EXPECT_FALSE(looks_like_size("1.5"));
}

}  // namespace
}  // namespace aperture::qemu_syntax
