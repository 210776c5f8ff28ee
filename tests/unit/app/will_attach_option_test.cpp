// --will-attach PORT=DEVICE: one reading of DEVICE (a size, a catalog name, a host BDF, a BAR list) for
// QEMU x86 and Xen, and messages that name the option and what was expected.
#include "app/will_attach_option.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "devices/passthrough_catalog.hpp"

namespace aperture::app {
namespace {

const std::map<std::string, PciFunctionSpec> kNoPassable;
const std::map<std::string, std::string> kNoWhyNot;

std::string message_of(const std::string& option, const KnownHostDevices& host = {kNoPassable, kNoWhyNot}) {
    try {
        parse_port_attachment(option, host);
    } catch (const InputError& e) {
        return e.what();
    }
    return "";
}

TEST(WillAttachOption, ASizeIsOneSixtyFourBitPrefetchableBar) {
    const PortAttachment a = parse_port_attachment("rp3=32G", {kNoPassable, kNoWhyNot});
    EXPECT_EQ(a.port, "rp3");
    EXPECT_EQ(a.device.kind, AttachedKind::LargestBar);
    ASSERT_EQ(a.device.function.bars.size(), 1u);
    EXPECT_EQ(a.device.function.bars[0], BarSpec::memory64(0, 32 * GiB, Prefetchable::Yes));
}

TEST(WillAttachOption, ACatalogNameBringsEveryBarOfTheDevice) {
    const PortAttachment a = parse_port_attachment("rp3=h100", {kNoPassable, kNoWhyNot});
    EXPECT_EQ(a.device.kind, AttachedKind::Catalog);
    EXPECT_EQ(a.device.function.bars, find_passthrough_device("h100")->function.bars);
    // The H100's BAR 0 is a 16 MiB 32-bit non-prefetchable BAR: the one a size alone never checked.
    EXPECT_EQ(a.device.function.bars.front(), BarSpec::memory32(0, 16 * MiB, Prefetchable::No));
}

TEST(WillAttachOption, AHostBdfIsLookedUpInTheHostsDevicesInItsSysfsForm) {
    PciFunctionSpec nic;
    nic.bars.push_back(BarSpec::io(0, 32));
    nic.bars.push_back(BarSpec::memory32(1, 128 * KiB, Prefetchable::No));
    const std::map<std::string, PciFunctionSpec> passable{{"0000:41:00.0", nic}};
    const PortAttachment a = parse_port_attachment("rp1=41:00.0", {passable, kNoWhyNot});
    EXPECT_EQ(a.device.kind, AttachedKind::HostDevice);
    EXPECT_EQ(a.device.host_address, "0000:41:00.0");
    EXPECT_EQ(a.device.function.bars, nic.bars);
}

TEST(WillAttachOption, AHostBdfThatCannotBePassedThroughSaysWhy) {
    const std::map<std::string, std::string> why{{"0000:15:01.0", "it is a PCI bridge"}};
    EXPECT_EQ(message_of("rp1=0000:15:01.0", {kNoPassable, why}),
              "--will-attach rp1=0000:15:01.0: host device 0000:15:01.0 cannot be passed through: it is a PCI bridge");
}

TEST(WillAttachOption, AnUnknownHostBdfAsksForTheSnapshot) {
    EXPECT_NE(message_of("rp1=0000:99:00.0").find("--will-attach rp1=0000:99:00.0: host device 0000:99:00.0 is not known: give a "
                                                  "--host snapshot that has it"),
              std::string::npos);
}

TEST(WillAttachOption, ABarListKeepsItsOrderAndKinds) {
    const PortAttachment a = parse_port_attachment("rp1=mem32=16M,mem64=256M", {kNoPassable, kNoWhyNot});
    EXPECT_EQ(a.device.kind, AttachedKind::BarList);
    EXPECT_EQ(a.device.function.bars, (std::vector<BarSpec>{BarSpec::memory32(0, 16 * MiB, Prefetchable::No),
                                                            BarSpec::memory64(1, 256 * MiB, Prefetchable::Yes)}));
}

TEST(WillAttachOption, MoreBarsThanSixSlotsIsRefused) {
    EXPECT_NE(message_of("rp1=mem64=1M,mem64=1M,mem64=1M,mem32=1M").find("more BARs than a PCI function has"), std::string::npos);
}

TEST(WillAttachOption, WithoutAPortTheMessageShowsTheForm) {
    EXPECT_NE(message_of("32G").find("--will-attach 32G: expected PORT=DEVICE"), std::string::npos);
    EXPECT_NE(message_of("=32G").find("--will-attach =32G: expected PORT=DEVICE"), std::string::npos);
}

TEST(WillAttachOption, AnUnknownDeviceListsWhatIsExpectedAndTheCatalog) {
    const std::string m = message_of("rp1=h1000");
    EXPECT_NE(m.find("--will-attach rp1=h1000: 'h1000' is not a device aperture knows; expected a size"), std::string::npos) << m;
    EXPECT_NE(m.find("h100, "), std::string::npos) << m;  // the catalog's names
}

TEST(WillAttachOption, ASizeThatIsNotAPowerOfTwoIsNotABar) {
    EXPECT_NE(message_of("rp1=3G").find("'3G' is not a device aperture knows"), std::string::npos);
    EXPECT_NE(message_of("rp1=mem32=3M").find("'mem32=3M' is not mem32=SIZE or mem64=SIZE"), std::string::npos);
    EXPECT_NE(message_of("rp1=").find("--will-attach rp1=: no device given"), std::string::npos);
}

TEST(WillAttachOption, XenReadsTheSameDeviceWithoutAPort) {
    const AttachedDevice d = parse_attached_device("a100-80g", "a100-80g", {kNoPassable, kNoWhyNot});
    EXPECT_EQ(d.kind, AttachedKind::Catalog);
    EXPECT_EQ(parse_attached_device("16G", "16G", {kNoPassable, kNoWhyNot}).kind, AttachedKind::LargestBar);
}

}  // namespace
}  // namespace aperture::app
