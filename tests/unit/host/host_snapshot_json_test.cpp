#include "host/host_snapshot_json.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <vector>
#include <nlohmann/json.hpp>

#include "host/host_context.hpp"
#include "host_test_support.hpp"

namespace aperture {
namespace {

using nlohmann::ordered_json;

std::string fixture_json(const std::string& name) { return host_snapshot_json(test::probe_fixture(name)); }

// The A100 host's JSON with one edit applied to the parsed document.
template <class Edit>
std::string edited_epyc_json(Edit edit) {
    ordered_json document = ordered_json::parse(fixture_json("amd-epyc-a100"));
    edit(document);
    return document.dump();
}

TEST(HostSnapshotJson, RoundTripEpyc) {
    const HostSnapshot snapshot = test::probe_fixture("amd-epyc-a100");
    EXPECT_EQ(parse_host_snapshot_json(host_snapshot_json(snapshot), "epyc.json"), snapshot);
}
TEST(HostSnapshotJson, RoundTripAlderLake) {
    const HostSnapshot snapshot = test::probe_fixture("intel-i7-12700-rtx4090");
    EXPECT_EQ(parse_host_snapshot_json(host_snapshot_json(snapshot), "adl.json"), snapshot);
}
TEST(HostSnapshotJson, RoundTripXeonE3) {
    const HostSnapshot snapshot = test::probe_fixture("xeon-e3-1230-36bit");
    EXPECT_EQ(parse_host_snapshot_json(host_snapshot_json(snapshot), "e3.json"), snapshot);
}
TEST(HostSnapshotJson, RoundTripH100ServerTextIsStable) {
    const std::string text = fixture_json("h100-8gpu-server");
    EXPECT_EQ(host_snapshot_json(parse_host_snapshot_json(text, "h100.json")), text);
}
TEST(HostSnapshotJson, RoundTripEmptySnapshot) {
    const HostSnapshot empty;
    EXPECT_EQ(parse_host_snapshot_json(host_snapshot_json(empty), "empty.json"), empty);
}

TEST(HostSnapshotJson, SchemaAddressesAndSizes) {
    const ordered_json document = ordered_json::parse(fixture_json("amd-epyc-a100"));
    EXPECT_EQ(document["schema"], "aperture-host/2");
    const ordered_json& bar1 = document["pci"][2]["bars"][1];
    EXPECT_EQ(bar1["index"], 1);
    EXPECT_EQ(bar1["kind"], "mem64");
    EXPECT_EQ(bar1["prefetchable"], true);
    EXPECT_EQ(bar1["size"], 64 * GiB);
    EXPECT_EQ(bar1["base"], 0x200'0000'0000);
    EXPECT_EQ(bar1["base_hex"], "0x20000000000");
    EXPECT_EQ(bar1["last"], 0x200'0000'0000 + 64 * GiB - 1);
    EXPECT_EQ(bar1["last_hex"], "0x20fffffffff");
    EXPECT_EQ(document["pci"][2]["class"], "0x0302");
    EXPECT_EQ(document["pci"][2]["prog_if"], "0x00");
}
TEST(HostSnapshotJson, IntelWidthsAreWrittenForReaders) {
    const ordered_json unit = ordered_json::parse(fixture_json("intel-i7-12700-rtx4090"))["iommu"]["units"][1];
    EXPECT_EQ(unit["cap"], "0xd2008c40660462");
    EXPECT_EQ(unit["mgaw"], 39);
    EXPECT_EQ(unit["sagaw_widths"], ordered_json::array({48}));
}
// Golden reports and CLI tests plan against these saved snapshots: each must be what probing its tree
// gives today.
TEST(HostSnapshotJson, CommittedSnapshotsMatchTheirTrees) {
    for (const std::string name : {"intel-i7-12700-rtx4090", "h100-8gpu-server"}) {
        HostSnapshot saved = load_host_snapshot(test::host_fixture("snapshots/" + name + ".json"));
        const HostSnapshot probed = test::probe_fixture(name);
        saved.root = probed.root;  // saved from the source tree's top: a relative root
        EXPECT_EQ(saved, probed) << "regenerate with: aperture host --root tests/fixtures/host/" << name
                                 << " --save tests/fixtures/host/snapshots/" << name << ".json";
    }
}
TEST(HostSnapshotJson, IgdRegistersOnlyOnTheIgpu) {
    const ordered_json document = ordered_json::parse(fixture_json("intel-i7-12700-rtx4090"));
    for (const auto& device : document["pci"]) {
        if (device["pci_address"] == "0000:00:02.0") {
            EXPECT_EQ(device["igd"]["gmch"], "0x00000280");
            EXPECT_EQ(device["igd"]["asls"], "0x7a9a8018");
        } else {
            EXPECT_FALSE(device.contains("igd")) << device["pci_address"];
        }
    }
}
TEST(HostSnapshotJson, MemlockUnlimitedIsAFlag) {
    const ordered_json document = ordered_json::parse(fixture_json("h100-8gpu-server"));
    EXPECT_EQ(document["memlock"]["soft"], (ordered_json{{"unlimited", true}, {"bytes", nullptr}}));
}
TEST(HostSnapshotJson, MemlockUnlimitedWithBytesIsRefused) {
    const std::string text = edited_epyc_json([](ordered_json& d) { d["memlock"]["soft"] = {{"unlimited", true}, {"bytes", 65536}}; });
    EXPECT_EQ(test::input_error([&] { parse_host_snapshot_json(text, "host.json"); }),
              "host.json: $.memlock.soft.bytes: expected null, as \"unlimited\": true says, got 65536");
}
TEST(HostSnapshotJson, DerivedHexMustAgree) {
    const std::string text = edited_epyc_json([](ordered_json& d) { d["pci"][2]["bars"][1]["base_hex"] = "0x20000000001"; });
    EXPECT_EQ(test::input_error([&] { parse_host_snapshot_json(text, "host.json"); }),
              "host.json: $.pci[2].bars[1].base_hex: expected \"0x20000000000\", which the other fields imply, got \"0x20000000001\"");
}

// Snapshots users saved before the one JSON naming are aperture-host/1: they still load, to exactly what the
// same host gives today, and a bad field in one is named by its /1 path.
std::string v1_snapshot(const std::string& name) {
    std::ifstream in(test::host_fixture("snapshots/aperture-host-1/" + name + ".json"));
    return std::string(std::istreambuf_iterator<char>(in), {});
}
TEST(HostSnapshotJson, Version1SnapshotsLoadAsTheirTrees) {
    for (const std::string name : {"intel-i7-12700-rtx4090", "h100-8gpu-server"}) {
        const std::string text = v1_snapshot(name);
        ASSERT_NE(text.find("\"schema\": \"aperture-host/1\""), std::string::npos) << name;
        HostSnapshot saved = parse_host_snapshot_json(text, name + ".json");
        const HostSnapshot probed = test::probe_fixture(name);
        saved.root = probed.root;
        EXPECT_EQ(saved, probed) << name;
    }
}
TEST(HostSnapshotJson, Version1SnapshotIsRewrittenAsVersion2) {
    const HostSnapshot saved = parse_host_snapshot_json(v1_snapshot("h100-8gpu-server"), "h100.json");
    const ordered_json document = ordered_json::parse(host_snapshot_json(saved));
    EXPECT_EQ(document["schema"], "aperture-host/2");
    EXPECT_EQ(document["memlock"]["soft"]["unlimited"], true);
}
TEST(HostSnapshotJson, Version1BadHexNamesItsPath) {
    ordered_json document = ordered_json::parse(v1_snapshot("intel-i7-12700-rtx4090"));
    document["iommu"]["groups"][0]["reserved_regions"][0]["start"] = "fee00000";
    EXPECT_EQ(test::input_error([&] { parse_host_snapshot_json(document.dump(), "old.json"); }),
              "old.json: $.iommu.groups[0].reserved_regions[0].start: expected a \"0x...\" hex string up to "
              "0xffffffffffffffff, got \"fee00000\"");
}
TEST(HostSnapshotJson, Version1MemlockWordIsChecked) {
    ordered_json document = ordered_json::parse(v1_snapshot("h100-8gpu-server"));
    document["memlock"]["hard"] = "8M";
    EXPECT_EQ(test::input_error([&] { parse_host_snapshot_json(document.dump(), "old.json"); }),
              "old.json: $.memlock.hard: expected a byte count or \"unlimited\", got \"8M\"");
}
TEST(HostSnapshotJson, Version1DerivedKindMustAgree) {
    ordered_json document = ordered_json::parse(v1_snapshot("intel-i7-12700-rtx4090"));
    document["pci"][3]["bars"][1]["bits"] = 32;
    EXPECT_EQ(test::input_error([&] { parse_host_snapshot_json(document.dump(), "old.json"); }),
              "old.json: $.pci[3].bars[1].kind: expected \"mem64\", which the other fields imply, got \"mem32\"");
}

// Every member of a /1 snapshot, given another JSON type, is an input error or still reads: nlohmann's own
// errors never pass the reader (fuzz_host_snapshot found a group written as an array reaching one; the
// converter indexed its copy before the group was checked, in the order clang evaluates arguments).
void collect_pointers(const ordered_json& value, const ordered_json::json_pointer& at, std::vector<ordered_json::json_pointer>& out) {
    if (value.is_object()) {
        for (const auto& [key, member] : value.items()) {
            out.push_back(at / key);
            collect_pointers(member, at / key, out);
        }
    } else if (value.is_array()) {
        for (std::size_t i = 0; i < value.size(); ++i) {
            out.push_back(at / i);
            collect_pointers(value[i], at / i, out);
        }
    }
}
TEST(HostSnapshotJson, Version1MemberOfAnotherTypeIsAnInputError) {
    const ordered_json document = ordered_json::parse(v1_snapshot("intel-i7-12700-rtx4090"));
    std::vector<ordered_json::json_pointer> pointers;
    collect_pointers(document, ordered_json::json_pointer(), pointers);
    ASSERT_GT(pointers.size(), 400u);
    std::size_t refused = 0;
    for (const auto& pointer : pointers) {
        for (const ordered_json& other : {ordered_json::array({74}), ordered_json::object({{"x", 74}}), ordered_json(74)}) {
            ordered_json edited = document;
            edited[pointer] = other;
            try {
                parse_host_snapshot_json(edited.dump(), "old.json");
            } catch (const InputError&) {
                ++refused;
            } catch (const std::exception& e) {
                ADD_FAILURE() << pointer.to_string() << " as " << other.dump() << ": " << e.what();
            }
        }
    }
    EXPECT_GT(refused, pointers.size());  // most edits are refused; the rest are values of a type the field allows
}

// The kernel release and the installed QEMU and firmware: written, read back, and optional, so a
// snapshot saved before aperture recorded them still loads.
TEST(HostSnapshotJson, SoftwareIsWritten) {
    const ordered_json software = ordered_json::parse(fixture_json("amd-epyc-a100"))["software"];
    EXPECT_EQ(software["kernel_release"], "6.12.38+deb12-amd64");
    EXPECT_EQ(software["packages"][1], (ordered_json{{"name", "qemu-system-x86"},
                                                     {"status", "install ok installed"},
                                                     {"version", "1:10.0.2+ds-2+deb13u1~bpo12+1"},
                                                     {"installed", true}}));
    EXPECT_EQ(ordered_json::parse(fixture_json("h100-8gpu-server"))["software"]["packages"], nullptr);
}
TEST(HostSnapshotJson, ASnapshotWithoutSoftwareLoads) {
    const std::string text = edited_epyc_json([](ordered_json& d) { d.erase("software"); });
    const HostSnapshot snapshot = parse_host_snapshot_json(text, "old.json");
    EXPECT_FALSE(snapshot.software);
    EXPECT_EQ(host_snapshot_json(snapshot).find("\"software\""), std::string::npos);
}
TEST(HostSnapshotJson, NoDpkgDatabaseIsANote) {
    const auto notes = ordered_json::parse(fixture_json("h100-8gpu-server"))["notes"];
    EXPECT_NE(std::find(notes.begin(), notes.end(),
                        "no dpkg database (/var/lib/dpkg/status): the installed QEMU and firmware are unknown, so plans model the "
                        "defaults unless --qemu and --firmware name a stack"),
              notes.end())
        << notes.dump();
}
// KVM's GuestPhysBits and the 5-level EPT flag: written, read back, optional in older snapshots, and checked.
TEST(HostSnapshotJson, GuestPhysBitsIsWritten) {
    EXPECT_EQ(ordered_json::parse(fixture_json("amd-epyc-a100"))["kvm"]["guest_phys_bits"],
              (ordered_json{{"bits", 48}, {"source", "inferred-from-kernel"}, {"basis", "host-phys-bits"}, {"kvm_device", "not-asked"}}));
}
TEST(HostSnapshotJson, MeasuredGuestPhysBitsRoundTrips) {
    HostSnapshot snapshot = test::probe_fixture("amd-epyc-a100");
    snapshot.kvm_guest_phys_bits = KvmGuestPhysBits{GuestPhysBitsBasis::KvmReported, 48u, KvmDeviceOutcome::Answered};
    EXPECT_EQ(parse_host_snapshot_json(host_snapshot_json(snapshot), "measured.json"), snapshot);
}
TEST(HostSnapshotJson, UnknownGuestPhysBitsRoundTrips) {
    HostSnapshot snapshot = test::probe_fixture("amd-epyc-a100");
    snapshot.kvm_guest_phys_bits = KvmGuestPhysBits{GuestPhysBitsBasis::TdpUnknown, std::nullopt, KvmDeviceOutcome::NoPermission};
    EXPECT_EQ(parse_host_snapshot_json(host_snapshot_json(snapshot), "unknown.json"), snapshot);
}
TEST(HostSnapshotJson, ASnapshotWithoutGuestPhysBitsLoadsAsUnknown) {
    const std::string text = edited_epyc_json([](ordered_json& d) {
        d["kvm"].erase("guest_phys_bits");
        d["cpu"]["flags"].erase("ept_5level");
    });
    const HostSnapshot snapshot = parse_host_snapshot_json(text, "old.json");
    EXPECT_FALSE(snapshot.kvm_guest_phys_bits);
    EXPECT_FALSE(snapshot.cpu->flags.ept_5level);
    EXPECT_EQ(host_snapshot_json(snapshot).find("\"guest_phys_bits\""), std::string::npos);
    EXPECT_FALSE(host_context(snapshot).cpu->kvm_guest_phys_bits);
}
TEST(HostSnapshotJson, GuestPhysBitsReachesTheHostCpu) {
    EXPECT_EQ(host_context(test::probe_fixture("amd-epyc-a100")).cpu->kvm_guest_phys_bits, 48u);
}
TEST(HostSnapshotJson, GuestPhysBitsOfAnUnknownBasisMustBeNull) {
    const std::string text = edited_epyc_json([](ordered_json& d) {
        d["kvm"]["guest_phys_bits"]["basis"] = "tdp-unknown";
        d["kvm"]["guest_phys_bits"]["source"] = "unknown";
    });
    EXPECT_EQ(test::input_error([&] { parse_host_snapshot_json(text, "host.json"); }),
              "host.json: $.kvm.guest_phys_bits.bits: expected null, which the basis \"tdp-unknown\" implies, got 48");
}
TEST(HostSnapshotJson, GuestPhysBitsOfTheFourLevelCapIs48) {
    const std::string text = edited_epyc_json([](ordered_json& d) { d["kvm"]["guest_phys_bits"]["basis"] = "4-level-tdp-cap"; d["kvm"]["guest_phys_bits"]["bits"] = 46; });
    EXPECT_EQ(test::input_error([&] { parse_host_snapshot_json(text, "host.json"); }),
              "host.json: $.kvm.guest_phys_bits.bits: expected 48, which the basis \"4-level-tdp-cap\" implies, got 46");
}
TEST(HostSnapshotJson, GuestPhysBitsWiderThan64IsRefused) {
    const std::string text = edited_epyc_json([](ordered_json& d) { d["kvm"]["guest_phys_bits"]["bits"] = 65; });
    EXPECT_EQ(test::input_error([&] { parse_host_snapshot_json(text, "host.json"); }),
              "host.json: $.kvm.guest_phys_bits.bits: expected an integer from 0 to 64, got 65");
}
TEST(HostSnapshotJson, GuestPhysBitsBasisMustBeKnown) {
    const std::string text = edited_epyc_json([](ordered_json& d) { d["kvm"]["guest_phys_bits"]["basis"] = "guessed"; });
    EXPECT_EQ(test::input_error([&] { parse_host_snapshot_json(text, "host.json"); }),
              "host.json: $.kvm.guest_phys_bits.basis: expected one of \"kvm-reported\", \"kernel-before-6.10\", \"tdp-off\", "
              "\"host-phys-bits\", \"4-level-tdp-cap\", \"kernel-release-unknown\", \"tdp-unknown\", "
              "\"host-phys-bits-unknown\", got \"guessed\"");
}
TEST(HostSnapshotJson, GuestPhysBitsSourceMustAgreeWithTheBasis) {
    const std::string text = edited_epyc_json([](ordered_json& d) { d["kvm"]["guest_phys_bits"]["source"] = "measured"; });
    EXPECT_EQ(test::input_error([&] { parse_host_snapshot_json(text, "host.json"); }),
              "host.json: $.kvm.guest_phys_bits.source: expected \"inferred-from-kernel\", which the other fields imply, got "
              "\"measured\"");
}
TEST(HostSnapshotJson, AMeasuredGuestPhysBitsNeedsKvmsAnswer) {
    const std::string text = edited_epyc_json([](ordered_json& d) {
        d["kvm"]["guest_phys_bits"]["basis"] = "kvm-reported";
        d["kvm"]["guest_phys_bits"]["source"] = "measured";
    });
    EXPECT_EQ(test::input_error([&] { parse_host_snapshot_json(text, "host.json"); }),
              "host.json: $.kvm.guest_phys_bits.kvm_device: expected \"answered\", which the basis \"kvm-reported\" implies, got "
              "\"not-asked\"");
}
TEST(HostSnapshotJson, PackageInstalledMustAgreeWithStatus) {
    const std::string text = edited_epyc_json([](ordered_json& d) { d["software"]["packages"][0]["installed"] = false; });
    EXPECT_EQ(test::input_error([&] { parse_host_snapshot_json(text, "host.json"); }),
              "host.json: $.software.packages[0].installed: expected true, which the other fields imply, got false");
}
TEST(HostSnapshotJson, PackageWithoutVersionNamesItsPath) {
    const std::string text = edited_epyc_json([](ordered_json& d) { d["software"]["packages"][0].erase("version"); });
    EXPECT_EQ(test::input_error([&] { parse_host_snapshot_json(text, "host.json"); }),
              "host.json: $.software.packages[0]: the field 'version' is missing");
}
TEST(HostSnapshotJson, TruncatedDocumentNamesTheFile) {
    const std::string text = fixture_json("amd-epyc-a100");
    const std::string message =
        test::input_error([&] { parse_host_snapshot_json(text.substr(0, text.size() / 2), "host.json"); });
    EXPECT_TRUE(message.starts_with("host.json: not a JSON document: parse error at line ")) << message;
}
// The JSON parser refuses a number past a double's range (out_of_range, not parse_error): fuzz_host_snapshot
// found it ending the process where a snapshot's other syntax errors are input errors.
TEST(HostSnapshotJson, NumberPastADoubleIsNotAJsonDocument) {
    std::string text = fixture_json("amd-epyc-a100");
    const auto size = text.find("\"size\": ");
    ASSERT_NE(size, std::string::npos);
    text.insert(size + 8, "640e1844674407, \"was\": ");
    EXPECT_EQ(test::input_error([&] { parse_host_snapshot_json(text, "host.json"); }),
              "host.json: not a JSON document: number overflow parsing '640e1844674407'");
}
TEST(HostSnapshotJson, BadSizeNamesItsPath) {
    const std::string text = edited_epyc_json([](ordered_json& d) { d["pci"][2]["bars"][1]["size"] = "64G"; });
    EXPECT_EQ(test::input_error([&] { parse_host_snapshot_json(text, "host.json"); }),
              "host.json: $.pci[2].bars[1].size: expected an integer from 0 to 18446744073709551615, got \"64G\"");
}
TEST(HostSnapshotJson, AddressAsHexStringNamesItsPath) {
    const std::string text = edited_epyc_json(
        [](ordered_json& d) { d["iommu"]["groups"][0]["reserved_regions"][1]["base"] = "0xfd00000000"; });
    EXPECT_EQ(test::input_error([&] { parse_host_snapshot_json(text, "host.json"); }),
              "host.json: $.iommu.groups[0].reserved_regions[1].base: expected an integer from 0 to 18446744073709551615, got \"0xfd00000000\"");
}
TEST(HostSnapshotJson, MissingFieldNamesItsPath) {
    const std::string text = edited_epyc_json([](ordered_json& d) { d["pci"][0].erase("driver"); });
    EXPECT_EQ(test::input_error([&] { parse_host_snapshot_json(text, "host.json"); }),
              "host.json: $.pci[0]: the field 'driver' is missing");
}
TEST(HostSnapshotJson, UnknownFieldIsRefused) {
    const std::string text = edited_epyc_json([](ordered_json& d) { d["kvm"]["vmx"] = true; });
    EXPECT_EQ(test::input_error([&] { parse_host_snapshot_json(text, "host.json"); }),
              "host.json: $.kvm.vmx: no such field in aperture-host/2");
}
TEST(HostSnapshotJson, DerivedFieldMustAgree) {
    const std::string text = edited_epyc_json([](ordered_json& d) { d["pci"][2]["bars"][1]["kind"] = "io"; });
    EXPECT_EQ(test::input_error([&] { parse_host_snapshot_json(text, "host.json"); }),
              "host.json: $.pci[2].bars[1].kind: expected \"mem64\", which the other fields imply, got \"io\"");
}
TEST(HostSnapshotJson, DerivedMgawMustAgreeWithCap) {
    ordered_json document = ordered_json::parse(fixture_json("intel-i7-12700-rtx4090"));
    document["iommu"]["units"][1]["mgaw"] = 48;
    EXPECT_EQ(test::input_error([&] { parse_host_snapshot_json(document.dump(), "adl.json"); }),
              "adl.json: $.iommu.units[1].mgaw: expected 39, which the other fields imply, got 48");
}
TEST(HostSnapshotJson, SizeOverflowIsRefused) {
    const std::string text = edited_epyc_json([](ordered_json& d) { d["pci"][2]["bars"][1]["size"] = ~u64{0}; });
    EXPECT_EQ(test::input_error([&] { parse_host_snapshot_json(text, "host.json"); }),
              "host.json: $.pci[2].bars[1].size: expected a size that keeps the region below 2^64 from its base "
              "0x20000000000, got 18446744073709551615");
}
TEST(HostSnapshotJson, WrongSchemaIsRefused) {
    const std::string text = edited_epyc_json([](ordered_json& d) { d["schema"] = "aperture-plan/2"; });
    EXPECT_EQ(test::input_error([&] { parse_host_snapshot_json(text, "host.json"); }),
              "host.json: $.schema: expected \"aperture-host/2\", got \"aperture-plan/2\"");
}
TEST(HostSnapshotJson, ResizableSizesMustBePowersOfTwo) {
    ordered_json document = ordered_json::parse(fixture_json("intel-i7-12700-rtx4090"));
    document["pci"][3]["bars"][1]["resizable_sizes"][0] = 3 * MiB;
    EXPECT_EQ(test::input_error([&] { parse_host_snapshot_json(document.dump(), "adl.json"); }),
              "adl.json: $.pci[3].bars[1].resizable_sizes[0]: expected ascending powers of two of at least 1 MiB (the "
              "Resizable BAR sizes), got 3145728");
}
TEST(HostSnapshotJson, KeyOrderDoesNotMatter) {
    const std::string text = edited_epyc_json([](ordered_json& d) {
        const ordered_json cpu = d["cpu"];
        d.erase("cpu");
        d["cpu"] = cpu;
        const ordered_json size = d["pci"][2]["bars"][1]["size"];
        d["pci"][2]["bars"][1].erase("size");
        d["pci"][2]["bars"][1]["size"] = size;
    });
    EXPECT_EQ(parse_host_snapshot_json(text, "host.json"), test::probe_fixture("amd-epyc-a100"));
}

TEST(HostSnapshotJson, LoadsAFile) {
    const std::string path = ::testing::TempDir() + "aperture-host-snapshot-test.json";
    {
        std::ofstream out(path);
        out << fixture_json("xeon-e3-1230-36bit");
    }
    EXPECT_EQ(load_host_snapshot(path), test::probe_fixture("xeon-e3-1230-36bit"));
    std::remove(path.c_str());
}
TEST(HostSnapshotJson, MissingFileNamesIt) {
    EXPECT_EQ(test::input_error([] { load_host_snapshot("/nonexistent/host.json"); }),
              "cannot read host snapshot '/nonexistent/host.json': No such file or directory");
}

}  // namespace
}  // namespace aperture
