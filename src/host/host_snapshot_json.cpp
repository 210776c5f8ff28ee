#include "host/host_snapshot_json.hpp"

#include <fmt/format.h>

#include <array>
#include <fstream>
#include <initializer_list>
#include <limits>
#include <nlohmann/json.hpp>
#include <sstream>
#include <vector>

#include "core/error.hpp"
#include "core/input_file.hpp"
#include "core/json_shapes.hpp"
#include "core/json_error_words.hpp"
#include "core/json_nesting.hpp"
#include "host/kernel_text.hpp"

namespace aperture {

namespace {

using nlohmann::ordered_json;

constexpr u64 kMaxId = 0xffff;
constexpr u64 kMaxClass = 0xffffff;     // aperture-host/1's class: base class, sub class, programming interface
constexpr u64 kMaxClassWord = 0xffff;  // base class and sub class
constexpr u64 kMaxByte = 0xff;
constexpr u64 kMaxAddressBits = 64;
constexpr u64 kMaxBridgeWindow = 3;
constexpr u64 kSmallestResizableSize = MiB;    // drivers/pci/rebar.c: bit 0 of the possible sizes is 1 MB
constexpr std::size_t kQuotedValueLimit = 60;  // how much of a bad value a message repeats
constexpr const char* kUnlimited = "unlimited";  // aperture-host/1's word for no limit
constexpr const char* kHostSnapshotSchemaV1 = "aperture-host/1";

// ---------------------------------------------------------------------------------------------------
// Writing

// What a writer puts in the members that hold nested objects and lists. The reader checks each level's own
// members against what the writer makes of the level (JsonField::require_written_form), and a nested value
// has been checked at its own level by then: writing it again there made every level write everything below
// it, the whole document once more for the top level.
enum class Nested {
    Written,
    Null,  // the member, its value null: the form a level's own members are checked against
};

template <class T>
ordered_json nested(Nested nested, T write) {
    return nested == Nested::Written ? ordered_json(write()) : ordered_json(nullptr);
}

template <class T, class Write>
ordered_json array_of(const std::vector<T>& items, Write write) {
    ordered_json out = ordered_json::array();
    for (const auto& item : items) out.push_back(write(item));
    return out;
}

template <class T>
ordered_json optional_json(const std::optional<T>& value) {
    return value ? ordered_json(*value) : ordered_json(nullptr);
}

ordered_json optional_hex(const std::optional<u64>& value) {
    return value ? ordered_json(hex(*value)) : ordered_json(nullptr);
}

ordered_json cpu_json(const std::optional<HostCpuDetails>& cpu) {
    if (!cpu) return nullptr;
    ordered_json j;
    j["vendor"] = optional_json(cpu->vendor);
    j["model_name"] = optional_json(cpu->model_name);
    j["phys_bits"] = optional_json(cpu->phys_bits);
    j["virt_bits"] = optional_json(cpu->virt_bits);
    j["flags"] = {{"pdpe1gb", cpu->flags.pdpe1gb}, {"la57", cpu->flags.la57}, {"vmx", cpu->flags.vmx},
                  {"svm", cpu->flags.svm},         {"ept", cpu->flags.ept},   {"npt", cpu->flags.npt},
                  {"ept_5level", cpu->flags.ept_5level}};
    return j;
}

ordered_json guest_phys_bits_json(const KvmGuestPhysBits& guest_phys_bits) {
    ordered_json j;
    j["bits"] = optional_json(guest_phys_bits.bits);
    j["source"] = to_string(guest_phys_bits.source());  // derived from basis
    j["basis"] = to_string(guest_phys_bits.basis);
    j["kvm_device"] = to_string(guest_phys_bits.device);
    return j;
}

ordered_json kvm_json(const KvmPaging& paging, const std::optional<KvmGuestPhysBits>& guest_phys_bits) {
    ordered_json j = {{"ept", optional_json(paging.ept)}, {"npt", optional_json(paging.npt)}};
    // Absent from snapshots saved before aperture recorded it; they still load.
    if (guest_phys_bits) j["guest_phys_bits"] = guest_phys_bits_json(*guest_phys_bits);
    return j;
}

ordered_json unit_json(const IommuUnit& unit) {
    ordered_json j;
    j["name"] = unit.name;
    j["vendor"] = to_string(unit.vendor);
    j["cap"] = optional_hex(unit.cap);
    j["ecap"] = optional_hex(unit.ecap);
    // Derived from cap: the VT-d widths.
    j["mgaw"] = unit.cap ? ordered_json(intel_mgaw(*unit.cap)) : ordered_json(nullptr);
    j["sagaw"] = unit.cap ? ordered_json(hex(intel_sagaw(*unit.cap))) : ordered_json(nullptr);
    j["sagaw_widths"] = unit.cap ? ordered_json(intel_sagaw_widths(*unit.cap)) : ordered_json::array();
    j["domain_width"] = unit.cap ? optional_json(intel_domain_width(*unit.cap)) : ordered_json(nullptr);
    return j;
}

ordered_json region_json(const ReservedRegion& region) {
    ordered_json j = json_shape::range(region.range);
    j["type"] = region.type;
    return j;
}

ordered_json regions_json(const std::vector<ReservedRegion>& regions) { return array_of(regions, region_json); }

ordered_json group_json(const IommuGroup& group) {
    ordered_json j = json_shape::object_with_room(3);
    j["id"] = group.id;
    j["devices"] = group.devices;
    j["reserved_regions"] = regions_json(group.reserved);
    return j;
}

ordered_json iommu_json(const IommuInfo& iommu, Nested lists = Nested::Written) {
    ordered_json j = json_shape::object_with_room(3);
    j["units"] = nested(lists, [&] { return array_of(iommu.units, unit_json); });
    j["groups"] = nested(lists, [&] { return array_of(iommu.groups, group_json); });
    j["reserved_merged"] = regions_json(merged_reserved_regions(iommu.groups));
    return j;
}

// The kind, width and prefetchability the flags say (derived), in the words every BAR uses.
json_shape::BarJsonKind resource_kind(BarKind kind, const HostResource& resource) {
    return json_shape::bar_json_kind(kind == BarKind::Io, kind == BarKind::Rom, resource.is64());
}

// What follows a BAR's or a window's shape: the last byte (derived from base and size), the flags as the
// kernel printed them, and whether the region decodes at its base (derived from the flags).
void resource_tail(ordered_json& j, const HostResource& resource) {
    json_shape::put_address(j, "last", resource.end);
    j["flags"] = hex(resource.flags);
    j["assigned"] = resource.assigned();
}

// The kernel's start, whether or not it assigned the region ("assigned" says), so a snapshot loads back
// exactly.
ordered_json bar_json(const HostBar& bar) {
    const BarKind kind = bar.kind();
    ordered_json j = json_shape::bar({bar.index, resource_kind(kind, bar.resource), kind != BarKind::Io && bar.resource.prefetchable(),
                                      bar.resource.size(), bar.resource.start});
    resource_tail(j, bar.resource);
    j["resizable_sizes"] = bar.resizable_sizes;
    return j;
}

ordered_json window_json(const HostBridgeWindow& window) {
    const HostResource& r = window.resource;
    const BarKind kind = r.is_io() ? BarKind::Io : BarKind::Memory;
    ordered_json j;
    j["window"] = window.window;
    j["kind"] = json_shape::to_string(resource_kind(kind, r));
    j["prefetchable"] = kind != BarKind::Io && r.prefetchable();
    j["size"] = r.size();
    json_shape::put_address(j, "base", r.start);
    resource_tail(j, r);
    return j;
}

ordered_json igd_json(const IgdRegisters& igd) {
    return {{"gmch", fmt::format("{:#010x}", igd.gmch)}, {"bdsm", fmt::format("{:#010x}", igd.bdsm)}, {"asls", fmt::format("{:#010x}", igd.asls)}};
}

ordered_json device_json(const HostPciDevice& device, Nested lists = Nested::Written) {
    ordered_json j = json_shape::object_with_room(20);
    j["pci_address"] = device.address;
    j["vendor_id"] = fmt::format("{:#06x}", device.vendor_id);
    j["device_id"] = fmt::format("{:#06x}", device.device_id);
    j["subsystem_vendor_id"] = fmt::format("{:#06x}", device.subsystem_vendor_id);
    j["subsystem_device_id"] = fmt::format("{:#06x}", device.subsystem_device_id);
    j["class"] = fmt::format("{:#06x}", device.class_word());
    j["prog_if"] = fmt::format("{:#04x}", device.class_code & 0xff);
    j["header_type"] =
        device.header_type ? ordered_json(fmt::format("{:#04x}", *device.header_type)) : ordered_json(nullptr);
    j["bridge"] = device.is_bridge();
    j["multifunction"] = device.multifunction();
    j["secondary_bus"] = optional_json(device.secondary_bus);
    j["subordinate_bus"] = optional_json(device.subordinate_bus);
    j["driver"] = optional_json(device.driver);
    j["iommu_group"] = optional_json(device.iommu_group);
    j["parent"] = optional_json(device.parent);
    j["bars"] = nested(lists, [&] { return array_of(device.bars, bar_json); });
    j["windows"] = nested(lists, [&] { return array_of(device.windows, window_json); });
    if (device.igd) j["igd"] = nested(lists, [&] { return igd_json(*device.igd); });
    return j;
}

ordered_json memlock_json(const std::optional<MemlockLimit>& memlock) {
    if (!memlock) return nullptr;
    return {{"source", to_string(memlock->source)},
            {"soft", json_shape::limit(memlock->soft)},
            {"hard", json_shape::limit(memlock->hard)}};
}

ordered_json iomem_json(const std::optional<Iomem>& iomem, Nested lists = Nested::Written) {
    if (!iomem) return nullptr;
    ordered_json j = json_shape::object_with_room(2);
    j["addresses_hidden"] = iomem->addresses_hidden();
    j["entries"] = nested(lists, [&] {
        ordered_json entries = ordered_json::array();
        for (const auto& e : iomem->entries) {
            ordered_json entry{{"depth", e.depth}};
            entry.update(json_shape::range(AddressRange::from_first_and_last(e.start, e.end)));
            entry["name"] = e.name;
            entries.push_back(std::move(entry));
        }
        return entries;
    });
    return j;
}

ordered_json agreement_json(const HostSnapshot& snapshot) {
    if (!snapshot.iomem || snapshot.iomem->addresses_hidden()) return nullptr;
    const IomemAgreement agreement = check_iomem_agreement(*snapshot.iomem, snapshot.pci);
    return {{"compared", agreement.compared}, {"disagreements", agreement.disagreements}};
}

ordered_json package_json(const InstalledPackage& package) {
    ordered_json j;
    j["name"] = package.name;
    j["status"] = package.status;
    j["version"] = package.version;
    j["installed"] = package.installed();  // derived from status
    return j;
}

ordered_json software_json(const HostSoftware& software) {
    ordered_json j = json_shape::object_with_room(2);
    j["kernel_release"] = optional_json(software.kernel_release);
    if (software.packages) {
        j["packages"] = array_of(*software.packages, package_json);
    } else {
        j["packages"] = nullptr;
    }
    return j;
}

ordered_json snapshot_json(const HostSnapshot& snapshot, Nested members = Nested::Written) {
    ordered_json j = json_shape::object_with_room(13);
    j["schema"] = kHostSnapshotSchema;
    j["root"] = snapshot.root;
    j["cpu"] = nested(members, [&] { return cpu_json(snapshot.cpu); });
    j["kvm"] = nested(members, [&] { return kvm_json(snapshot.kvm, snapshot.kvm_guest_phys_bits); });
    j["iommu"] = nested(members, [&] { return iommu_json(snapshot.iommu); });
    j["pci"] = nested(members, [&] { return array_of(snapshot.pci, [](const HostPciDevice& device) { return device_json(device); }); });
    j["memlock"] = nested(members, [&] { return memlock_json(snapshot.memlock); });
    j["iomem"] = nested(members, [&] { return iomem_json(snapshot.iomem); });
    j["iomem_agreement"] = agreement_json(snapshot);
    // Absent from snapshots saved before aperture recorded the host's software; they still load.
    if (snapshot.software) j["software"] = nested(members, [&] { return software_json(*snapshot.software); });
    j["notes"] = host_notes(snapshot);
    return j;
}

// ---------------------------------------------------------------------------------------------------
// Reading

// A snapshot nests a handful of levels (the document, a device, its BARs); the bound keeps same_json's
// recursion short.
constexpr std::size_t kMaxSnapshotNesting = 32;
// One PCI segment holds at most 256 buses x 32 devices x 8 functions = 65,536 functions; no list in a
// snapshot (devices, BARs, iomem entries, IOMMU groups) grows past that on a real host.
constexpr std::size_t kMaxSnapshotArrayElements = 65536;

// Two JSON values equal up to the order of object members.
bool same_json(const ordered_json& a, const ordered_json& b) {
    if (a.is_object() && b.is_object()) {
        if (a.size() != b.size()) return false;
        for (const auto& [key, value] : a.items()) {
            if (!b.contains(key) || !same_json(value, b.at(key))) return false;
        }
        return true;
    }
    if (a.is_array() && b.is_array()) {
        if (a.size() != b.size()) return false;
        for (std::size_t i = 0; i < a.size(); ++i) {
            if (!same_json(a[i], b[i])) return false;
        }
        return true;
    }
    return a == b;
}

// A value in the document with its JSON path, so every complaint names the field.
class JsonField {
public:
    JsonField(const ordered_json& value, std::string path, const std::string& source)
        : value_(value), path_(std::move(path)), source_(source) {}

    const ordered_json& value() const { return value_; }
    bool is_null() const { return value_.is_null(); }
    bool has(const std::string& key) const { return value_.is_object() && value_.contains(key); }

    JsonField operator[](const std::string& key) const {
        require_member(key);
        return JsonField(value_.at(key), path_ + "." + key, source_);
    }

    std::vector<JsonField> elements() const {
        if (!value_.is_array()) fail("an array");
        if (value_.size() > kMaxSnapshotArrayElements) fail(fmt::format("an array of at most {} elements", kMaxSnapshotArrayElements));
        std::vector<JsonField> fields;
        for (std::size_t i = 0; i < value_.size(); ++i) {
            fields.emplace_back(value_[i], fmt::format("{}[{}]", path_, i), source_);
        }
        return fields;
    }

    std::string string() const {
        if (!value_.is_string()) fail("a string");
        return value_.get<std::string>();
    }

    bool boolean() const {
        if (!value_.is_boolean()) fail("true or false");
        return value_.get<bool>();
    }

    u64 integer(u64 max = std::numeric_limits<u64>::max()) const {
        if (!value_.is_number_unsigned() || value_.get<u64>() > max) fail(fmt::format("an integer from 0 to {}", max));
        return value_.get<u64>();
    }

    u64 hex_value(u64 max = std::numeric_limits<u64>::max()) const {
        const auto value =
            value_.is_string() ? parse_kernel_hex(value_.get<std::string>(), HexPrefix::Required) : std::nullopt;
        if (!value || *value > max) fail(fmt::format("a \"0x...\" hex string up to {:#x}", max));
        return *value;
    }

    template <class Read>
    auto optional(Read read) const -> std::optional<decltype(read(*this))> {
        if (is_null()) return std::nullopt;
        return read(*this);
    }

    [[noreturn]] void fail(const std::string& expected) const {
        std::string got = value_.dump();
        if (got.size() > kQuotedValueLimit) got = got.substr(0, kQuotedValueLimit) + "...";
        throw InputError(fmt::format("{}: {}: expected {}, got {}", source_, path_, expected, got));
    }

    // The object has exactly the fields `written` has, and the `derived` ones hold what `written` says
    // (what the authoritative fields imply).
    void require_written_form(const ordered_json& written, std::initializer_list<const char*> derived) const {
        if (!value_.is_object()) fail("an object");
        for (const auto& [key, unused] : value_.items()) {
            if (!written.contains(key)) {
                throw InputError(
                    fmt::format("{}: {}.{}: no such field in {}", source_, path_, key, kHostSnapshotSchema));
            }
        }
        for (const auto& [key, unused] : written.items()) require_member(key);
        for (const char* key : derived) {
            if (!written.contains(key)) continue;  // not written for this kind (an I/O BAR has no "bits")
            if (!same_json(value_.at(key), written.at(key))) {
                (*this)[key].fail(fmt::format("{}, which the other fields imply", written.at(key).dump()));
            }
        }
    }

private:
    void require_member(const std::string& key) const {
        if (!value_.is_object()) fail("an object");
        if (!value_.contains(key)) {
            throw InputError(fmt::format("{}: {}: the field '{}' is missing", source_, path_, key));
        }
    }

    const ordered_json& value_;
    std::string path_;
    const std::string& source_;
};

unsigned small_integer(const JsonField& field, u64 max) { return static_cast<unsigned>(field.integer(max)); }

HostCpuDetails read_cpu(const JsonField& j) {
    HostCpuDetails cpu;
    cpu.vendor = j["vendor"].optional([](const JsonField& f) { return f.string(); });
    cpu.model_name = j["model_name"].optional([](const JsonField& f) { return f.string(); });
    cpu.phys_bits = j["phys_bits"].optional([](const JsonField& f) { return small_integer(f, kMaxAddressBits); });
    cpu.virt_bits = j["virt_bits"].optional([](const JsonField& f) { return small_integer(f, kMaxAddressBits); });
    const JsonField flags = j["flags"];
    cpu.flags = HostCpuFlags{flags["pdpe1gb"].boolean(), flags["la57"].boolean(), flags["vmx"].boolean(),
                             flags["svm"].boolean(),     flags["ept"].boolean(),  flags["npt"].boolean()};
    // Absent from snapshots saved before aperture read it: false, as cpuinfo without the flag says.
    if (flags.has("ept_5level")) cpu.flags.ept_5level = flags["ept_5level"].boolean();
    ordered_json written_flags = cpu_json(cpu)["flags"];
    if (!flags.has("ept_5level")) written_flags.erase("ept_5level");
    flags.require_written_form(written_flags, {});
    j.require_written_form(cpu_json(cpu), {});
    return cpu;
}

// The value of `f` among `values`, each named by its to_string.
template <class Enum, std::size_t N>
Enum read_enum(const JsonField& f, const std::array<Enum, N>& values) {
    const std::string name = f.string();
    std::string names;
    for (const Enum value : values) {
        if (name == to_string(value)) return value;
        names += fmt::format("{}\"{}\"", names.empty() ? "" : ", ", to_string(value));
    }
    f.fail("one of " + names);
}

constexpr std::array kGuestPhysBitsBases{GuestPhysBitsBasis::KvmReported,     GuestPhysBitsBasis::KernelBefore610,
                                         GuestPhysBitsBasis::TdpOff,          GuestPhysBitsBasis::HostPhysBits,
                                         GuestPhysBitsBasis::FourLevelTdpCap, GuestPhysBitsBasis::KernelReleaseUnknown,
                                         GuestPhysBitsBasis::TdpUnknown,      GuestPhysBitsBasis::HostPhysBitsUnknown};
constexpr std::array kKvmDeviceOutcomes{KvmDeviceOutcome::NotAsked, KvmDeviceOutcome::Answered, KvmDeviceOutcome::Absent,
                                        KvmDeviceOutcome::NoPermission, KvmDeviceOutcome::Failed};

// The basis decides whether there is a value, and for the fixed rules which; /dev/kvm answered exactly when
// the value is KVM's.
KvmGuestPhysBits read_guest_phys_bits(const JsonField& j) {
    KvmGuestPhysBits guest_phys_bits;
    guest_phys_bits.basis = read_enum(j["basis"], kGuestPhysBitsBases);
    guest_phys_bits.device = read_enum(j["kvm_device"], kKvmDeviceOutcomes);
    guest_phys_bits.bits = j["bits"].optional([](const JsonField& f) { return small_integer(f, kMaxAddressBits); });
    const char* basis = to_string(guest_phys_bits.basis);
    const bool unknown = guest_phys_bits.source() == GuestPhysBitsSource::Unknown;
    if (unknown && guest_phys_bits.bits) j["bits"].fail(fmt::format("null, which the basis \"{}\" implies", basis));
    if (!unknown && !guest_phys_bits.bits) j["bits"].fail(fmt::format("a width, which the basis \"{}\" implies", basis));
    const auto fixed = [&](unsigned bits) {
        if (guest_phys_bits.bits != bits) j["bits"].fail(fmt::format("{}, which the basis \"{}\" implies", bits, basis));
    };
    if (guest_phys_bits.basis == GuestPhysBitsBasis::KernelBefore610 || guest_phys_bits.basis == GuestPhysBitsBasis::TdpOff) fixed(0);
    if (guest_phys_bits.basis == GuestPhysBitsBasis::FourLevelTdpCap) fixed(kFourLevelTdpGuestPhysBits);
    const bool answered = guest_phys_bits.device == KvmDeviceOutcome::Answered;
    if (answered != (guest_phys_bits.basis == GuestPhysBitsBasis::KvmReported)) {
        j["kvm_device"].fail(answered ? fmt::format("a failure or \"not-asked\", which the basis \"{}\" implies", basis)
                                      : std::string("\"answered\", which the basis \"kvm-reported\" implies"));
    }
    j.require_written_form(guest_phys_bits_json(guest_phys_bits), {"source"});
    return guest_phys_bits;
}

KvmPaging read_kvm(const JsonField& j, std::optional<KvmGuestPhysBits>& guest_phys_bits) {
    const auto flag = [](const JsonField& f) { return f.boolean(); };
    KvmPaging kvm{j["ept"].optional(flag), j["npt"].optional(flag)};
    if (j.has("guest_phys_bits")) guest_phys_bits = read_guest_phys_bits(j["guest_phys_bits"]);
    j.require_written_form(kvm_json(kvm, guest_phys_bits), {});
    return kvm;
}

IommuVendor read_vendor(const JsonField& j) {
    const std::string name = j.string();
    for (auto vendor : {IommuVendor::Intel, IommuVendor::Amd, IommuVendor::Other}) {
        if (name == to_string(vendor)) return vendor;
    }
    j.fail("\"intel\", \"amd\" or \"other\"");
}

IommuUnit read_unit(const JsonField& j) {
    const auto reg = [](const JsonField& f) { return f.hex_value(); };
    IommuUnit unit{j["name"].string(), read_vendor(j["vendor"]), j["cap"].optional(reg), j["ecap"].optional(reg)};
    j.require_written_form(unit_json(unit), {"mgaw", "sagaw", "sagaw_widths", "domain_width"});
    return unit;
}

// A range's base and size; the rest of its fields are derived from them.
AddressRange read_range(const JsonField& j) {
    const u64 base = j["base"].integer();
    const u64 size = j["size"].integer();
    if (size == 0) j["size"].fail("a size of at least 1 (a range is never empty)");
    const auto last = checked_add(base, size - 1);
    if (!last) j["size"].fail(fmt::format("a size that keeps the range below 2^64 from its base {:#x}", base));
    return AddressRange::from_first_and_last(base, *last);
}

ReservedRegion read_region(const JsonField& j) {
    ReservedRegion region{read_range(j), j["type"].string()};
    j.require_written_form(region_json(region), {"base_hex", "last", "last_hex"});
    return region;
}

std::vector<ReservedRegion> read_regions(const JsonField& j) {
    std::vector<ReservedRegion> regions;
    for (const auto& element : j.elements()) regions.push_back(read_region(element));
    return regions;
}

IommuGroup read_group(const JsonField& j) {
    IommuGroup group;
    group.id = small_integer(j["id"], std::numeric_limits<unsigned>::max());
    for (const auto& device : j["devices"].elements()) group.devices.push_back(device.string());
    group.reserved = read_regions(j["reserved_regions"]);
    j.require_written_form(group_json(group), {});
    return group;
}

IommuInfo read_iommu_json(const JsonField& j) {
    IommuInfo iommu;
    for (const auto& unit : j["units"].elements()) iommu.units.push_back(read_unit(unit));
    for (const auto& group : j["groups"].elements()) iommu.groups.push_back(read_group(group));
    j.require_written_form(iommu_json(iommu, Nested::Null), {"reserved_merged"});
    return iommu;
}

// start + size - 1 as the resource's inclusive end; the kernel never prints a region of size 0.
HostResource read_resource(const JsonField& j) {
    const u64 start = j["base"].integer();
    const u64 size = j["size"].integer();
    if (size == 0) j["size"].fail("a size of at least 1 (empty regions are not listed)");
    const auto end = checked_add(start, size - 1);
    if (!end) j["size"].fail(fmt::format("a size that keeps the region below 2^64 from its base {:#x}", start));
    const HostResource resource{start, *end, j["flags"].hex_value()};
    if (resource.empty()) j["base"].fail("a region other than 0x0-0x0, which the kernel prints for an unused line");
    if (!resource.is_io() && !resource.is_memory()) {
        j["flags"].fail("flags with IORESOURCE_IO (0x100) or IORESOURCE_MEM (0x200)");
    }
    return resource;
}

std::vector<u64> read_resizable_sizes(const JsonField& j) {
    std::vector<u64> sizes;
    for (const auto& element : j.elements()) {
        const u64 size = element.integer();
        if (!is_power_of_two(size) || size < kSmallestResizableSize || (!sizes.empty() && size <= sizes.back())) {
            element.fail("ascending powers of two of at least 1 MiB (the Resizable BAR sizes)");
        }
        sizes.push_back(size);
    }
    return sizes;
}

HostBar read_bar(const JsonField& j) {
    HostBar bar;
    bar.index = static_cast<int>(j["index"].integer(kRomBarIndex));
    bar.resource = read_resource(j);
    bar.resizable_sizes = read_resizable_sizes(j["resizable_sizes"]);
    j.require_written_form(bar_json(bar), {"kind", "prefetchable", "base_hex", "last", "last_hex", "assigned"});
    return bar;
}

HostBridgeWindow read_window(const JsonField& j) {
    HostBridgeWindow window;
    window.window = static_cast<int>(j["window"].integer(kMaxBridgeWindow));
    window.resource = read_resource(j);
    j.require_written_form(window_json(window), {"kind", "prefetchable", "base_hex", "last", "last_hex", "assigned"});
    return window;
}

HostPciDevice read_device(const JsonField& j) {
    const auto byte = [](const JsonField& f) { return static_cast<std::uint8_t>(f.integer(kMaxByte)); };
    const auto text = [](const JsonField& f) { return f.string(); };
    HostPciDevice device;
    device.address = j["pci_address"].string();
    if (!is_pci_address(device.address)) j["pci_address"].fail("a PCI address such as \"0000:41:00.0\"");
    device.vendor_id = static_cast<std::uint16_t>(j["vendor_id"].hex_value(kMaxId));
    device.device_id = static_cast<std::uint16_t>(j["device_id"].hex_value(kMaxId));
    device.subsystem_vendor_id = static_cast<std::uint16_t>(j["subsystem_vendor_id"].hex_value(kMaxId));
    device.subsystem_device_id = static_cast<std::uint16_t>(j["subsystem_device_id"].hex_value(kMaxId));
    device.class_code = static_cast<std::uint32_t>(j["class"].hex_value(kMaxClassWord) << 8 | j["prog_if"].hex_value(kMaxByte));
    device.header_type =
        j["header_type"].optional([](const JsonField& f) { return static_cast<std::uint8_t>(f.hex_value(kMaxByte)); });
    device.secondary_bus = j["secondary_bus"].optional(byte);
    device.subordinate_bus = j["subordinate_bus"].optional(byte);
    device.driver = j["driver"].optional(text);
    device.iommu_group = j["iommu_group"].optional(
        [](const JsonField& f) { return small_integer(f, std::numeric_limits<unsigned>::max()); });
    device.parent = j["parent"].optional(text);
    for (const auto& bar : j["bars"].elements()) device.bars.push_back(read_bar(bar));
    for (const auto& window : j["windows"].elements()) device.windows.push_back(read_window(window));
    if (j.has("igd")) {
        const JsonField igd = j["igd"];
        const auto reg = [&](const char* key) { return static_cast<std::uint32_t>(igd[key].hex_value(0xffff'ffff)); };
        device.igd = IgdRegisters{reg("gmch"), reg("bdsm"), reg("asls")};
        igd.require_written_form(igd_json(*device.igd), {});
    }
    j.require_written_form(device_json(device, Nested::Null), {"bridge", "multifunction"});
    return device;
}

std::optional<u64> read_limit(const JsonField& j) {
    const bool unlimited = j["unlimited"].boolean();
    const std::optional<u64> bytes = j["bytes"].optional([](const JsonField& f) { return f.integer(); });
    if (unlimited == bytes.has_value()) j["bytes"].fail(unlimited ? "null, as \"unlimited\": true says" : "a byte count, as \"unlimited\": false says");
    j.require_written_form(json_shape::limit(bytes), {});
    return bytes;
}

MemlockLimit read_memlock(const JsonField& j) {
    const std::string source = j["source"].string();
    MemlockLimit limit;
    if (source == to_string(MemlockSource::Getrlimit)) {
        limit.source = MemlockSource::Getrlimit;
    } else if (source == to_string(MemlockSource::LimitsFile)) {
        limit.source = MemlockSource::LimitsFile;
    } else {
        j["source"].fail("\"getrlimit\" or \"limits-file\"");
    }
    limit.soft = read_limit(j["soft"]);
    limit.hard = read_limit(j["hard"]);
    j.require_written_form(memlock_json(limit), {});
    return limit;
}

Iomem read_iomem(const JsonField& j) {
    Iomem iomem;
    for (const auto& e : j["entries"].elements()) {
        const AddressRange range = read_range(e);
        IomemEntry entry{small_integer(e["depth"], std::numeric_limits<unsigned>::max()), range.first(), range.last(), e["name"].string()};
        iomem.entries.push_back(std::move(entry));
    }
    j.require_written_form(iomem_json(iomem, Nested::Null), {"addresses_hidden"});
    return iomem;
}

InstalledPackage read_package(const JsonField& j) {
    InstalledPackage package{j["name"].string(), j["status"].string(), j["version"].string()};
    j.require_written_form(package_json(package), {"installed"});
    return package;
}

HostSoftware read_software(const JsonField& j) {
    HostSoftware software;
    software.kernel_release = j["kernel_release"].optional([](const JsonField& f) { return f.string(); });
    software.packages = j["packages"].optional([](const JsonField& f) {
        std::vector<InstalledPackage> packages;
        for (const auto& element : f.elements()) packages.push_back(read_package(element));
        return packages;
    });
    j.require_written_form(software_json(software), {});
    return software;
}

// ---------------------------------------------------------------------------------------------------
// aperture-host/1: snapshots saved before the one JSON naming (docs/json.md). Each is rewritten into
// aperture-host/2 and then read as one, so both are held to the same checks; a field /1 wrote in its own
// shape is converted here, and a complaint about it names its /1 path.
//
// Every part is read through its JsonField, which names a member of the wrong type, before the copy being
// rewritten is indexed at the same place: nlohmann's operator[] on the wrong type throws its own type_error,
// and a call's arguments are evaluated in an order the compiler picks (clang's left to right let a /1
// group written as an array reach it first; fuzz_host_snapshot found it).

// {"start": "0x..", "end": "0x.."} as a range's fields.
void upgrade_start_end(ordered_json& out, const JsonField& j) {
    const u64 start = j["start"].hex_value();
    const u64 end = j["end"].hex_value();
    if (start > end) j["end"].fail(fmt::format("an end at or above the start {:#x}", start));
    if (start == 0 && end == std::numeric_limits<u64>::max()) j["end"].fail("a range smaller than 2^64");
    out.erase("start");
    out.erase("end");
    out.update(json_shape::range(AddressRange::from_first_and_last(start, end)));
}

// A /1 BAR or window: "start" as "0x..", and the kind "mem" with its width in "bits".
void upgrade_resource(ordered_json& out, const JsonField& j) {
    const u64 base = j["start"].hex_value();
    const u64 size = j["size"].integer();
    const u64 flags = j["flags"].hex_value();
    std::string kind = j["kind"].string();
    if (kind == "mem") kind = j["bits"].integer() == 64 ? "mem64" : "mem32";
    const bool prefetchable = j.has("prefetchable") ? j["prefetchable"].boolean() : kind != "io" && (flags & kIoresourcePrefetch) != 0;
    ordered_json fresh;
    for (const auto& [key, value] : out.items()) {
        if (key == "kind") fresh["kind"] = kind;
        else if (key == "prefetchable" || key == "bits") continue;
        else if (key == "start") {
            fresh["prefetchable"] = prefetchable;
            json_shape::put_address(fresh, "base", base);
        } else if (key == "size") {
            fresh["size"] = size;
            if (const auto last = size ? checked_add(base, size - 1) : std::nullopt) json_shape::put_address(fresh, "last", *last);
        } else {
            fresh[key] = value;
        }
    }
    out = std::move(fresh);
}

// A /1 list of reserved regions, each range in /2's shape.
ordered_json upgraded_regions(const JsonField& j) {
    const auto elements = j.elements();
    ordered_json out = j.value();
    for (std::size_t i = 0; i < elements.size(); ++i) upgrade_start_end(out[i], elements[i]);
    return out;
}

ordered_json upgrade_v1(const JsonField& j) {
    ordered_json out = j.value();
    out["schema"] = kHostSnapshotSchema;
    const JsonField iommu = j["iommu"];
    const auto groups = iommu["groups"].elements();
    for (std::size_t g = 0; g < groups.size(); ++g) {
        ordered_json regions = upgraded_regions(groups[g]["reserved_regions"]);
        out["iommu"]["groups"][g]["reserved_regions"] = std::move(regions);
    }
    ordered_json merged = upgraded_regions(iommu["reserved_merged"]);
    out["iommu"]["reserved_merged"] = std::move(merged);
    const auto devices = j["pci"].elements();
    for (std::size_t d = 0; d < devices.size(); ++d) {
        const JsonField device = devices[d];
        ordered_json fresh;
        for (const auto& [key, value] : out["pci"][d].items()) {
            if (key == "address") {
                fresh["pci_address"] = value;
            } else if (key == "class") {
                const u64 code = device["class"].hex_value(kMaxClass);
                fresh["class"] = fmt::format("{:#06x}", code >> 8);
                fresh["prog_if"] = fmt::format("{:#04x}", code & 0xff);
            } else {
                fresh[key] = value;
            }
        }
        const auto bars = device["bars"].elements();
        for (std::size_t b = 0; b < bars.size(); ++b) upgrade_resource(fresh["bars"][b], bars[b]);
        const auto windows = device["windows"].elements();
        for (std::size_t w = 0; w < windows.size(); ++w) upgrade_resource(fresh["windows"][w], windows[w]);
        out["pci"][d] = std::move(fresh);
    }
    if (!j["memlock"].is_null()) {
        for (const char* key : {"soft", "hard"}) {
            const JsonField limit = j["memlock"][key];
            if (limit.value() == kUnlimited) out["memlock"][key] = json_shape::limit(std::nullopt);
            else if (limit.value().is_number_unsigned()) out["memlock"][key] = json_shape::limit(limit.integer());
            else limit.fail("a byte count or \"unlimited\"");
        }
    }
    if (!j["iomem"].is_null()) {
        const auto entries = j["iomem"]["entries"].elements();
        for (std::size_t e = 0; e < entries.size(); ++e) {
            ordered_json& entry = out["iomem"]["entries"][e];
            const ordered_json name = entries[e]["name"].value();
            entry.erase("name");
            upgrade_start_end(entry, entries[e]);
            entry["name"] = name;
        }
    }
    return out;
}

HostSnapshot read_snapshot(const JsonField& j) {
    if (!j.value().is_object()) j.fail("a host snapshot object");
    if (j["schema"].string() != kHostSnapshotSchema) j["schema"].fail(fmt::format("\"{}\"", kHostSnapshotSchema));
    HostSnapshot snapshot;
    snapshot.root = j["root"].string();
    snapshot.cpu = j["cpu"].optional(read_cpu);
    snapshot.kvm = read_kvm(j["kvm"], snapshot.kvm_guest_phys_bits);
    snapshot.iommu = read_iommu_json(j["iommu"]);
    for (const auto& device : j["pci"].elements()) snapshot.pci.push_back(read_device(device));
    snapshot.memlock = j["memlock"].optional(read_memlock);
    snapshot.iomem = j["iomem"].optional(read_iomem);
    if (j.has("software")) snapshot.software = read_software(j["software"]);
    j.require_written_form(snapshot_json(snapshot, Nested::Null), {"iomem_agreement", "notes"});
    return snapshot;
}

}  // namespace

std::string host_snapshot_json(const HostSnapshot& snapshot) {
    // Names come from the host (model name, /proc/iomem); bytes that are not UTF-8 become U+FFFD rather
    // than aborting the dump.
    return snapshot_json(snapshot).dump(2, ' ', false, ordered_json::error_handler_t::replace) + "\n";
}

HostSnapshot parse_host_snapshot_json(const std::string& text, const std::string& source_name) {
    if (json_nesting(text) > kMaxSnapshotNesting) {
        throw InputError(fmt::format("{}: not a host snapshot: JSON nested more than {} deep", source_name, kMaxSnapshotNesting));
    }
    ordered_json document;
    try {
        document = ordered_json::parse(text);
    } catch (const ordered_json::exception& error) {  // parse_error, and out_of_range for a number past a double
        const std::string message = json_error_words(error.what());
        throw InputError(fmt::format("{}: not a JSON document: {}", source_name, message));
    }
    const JsonField root(document, "$", source_name);
    if (document.is_object() && document.contains("schema") && document["schema"] == kHostSnapshotSchemaV1) {
        const ordered_json upgraded = upgrade_v1(root);
        return read_snapshot(JsonField(upgraded, "$", source_name));
    }
    return read_snapshot(root);
}

HostSnapshot load_host_snapshot(const std::string& path) {
    return parse_host_snapshot_json(read_input_file(path, kHostSnapshotKind), input_display_name(path));
}

}  // namespace aperture
