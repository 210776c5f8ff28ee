#include "libvirt/domain_fix.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <map>
#include <pugixml.hpp>

#include "core/error.hpp"

namespace aperture {

namespace {

constexpr const char* kDefaultIndentUnit = "  ";  // what `virsh dumpxml` writes
constexpr const char* kXPciMmio64MbPrefix = "name=opt/ovmf/X-PciMmio64Mb,";

// An element as it stands in the source text.
struct Span {
    std::size_t start = 0;      // its '<'
    std::size_t tag_end = 0;    // just after the start tag's '>'
    std::size_t close = 0;      // the '<' of its end tag; == tag_end - 2 for <x/> (the '/')
    std::size_t end = 0;        // just after its last '>'
    bool self_closing = false;
};

// A new element to write.
struct NewElement {
    std::string name;
    std::vector<std::pair<std::string, std::string>> attributes;
    std::string text;
    std::vector<NewElement> children;
};

struct Splice {
    std::size_t at = 0;
    std::size_t erase = 0;
    std::string insert;
    std::size_t order = 0;
};

class DomainEditor {
public:
    DomainEditor(const std::string& text, const std::string& source) : text_(text), source_(source) {
        const pugi::xml_parse_result parsed =
            document_.load_buffer(text.data(), text.size(), pugi::parse_default | pugi::parse_comments, pugi::encoding_utf8);
        if (!parsed) {
            throw InputError(fmt::format("{}:{}: not well-formed XML: {}", source, line_of(static_cast<std::size_t>(parsed.offset)),
                                         parsed.description()));
        }
        domain_ = document_.child("domain");
        if (!domain_) throw InputError(fmt::format("{}: expected a libvirt <domain> document", source));
        quote_ = count(text, "=\"") > count(text, "='") ? '"' : '\'';
        unit_ = indent_unit();
        for (const auto& attribute : domain_.attributes()) {
            const std::string name = attribute.name();
            if (name.starts_with("xmlns:") && std::string(attribute.value()) == kLibvirtQemuNamespace) {
                qemu_prefix_ = name.substr(6);
            }
        }
    }

    void apply(const DomainFix& fix) {
        if (fix.maxphysaddr_bits) set_maxphysaddr(*fix.maxphysaddr_bits);
        if (fix.pcihole64_kib) set_pcihole64(*fix.pcihole64_kib);
        if (fix.hard_limit_kib) set_hard_limit(*fix.hard_limit_kib);
        if (fix.x_pci_mmio64_mb) set_x_pci_mmio64_mb(*fix.x_pci_mmio64_mb);
        if (!fix.overrides.empty()) set_overrides(fix.overrides);
        if (needs_qemu_namespace_ && qemu_prefix_.empty()) {
            qemu_prefix_ = "qemu";
            const Span s = span(domain_);
            const std::size_t at = s.self_closing ? s.tag_end - 2 : s.tag_end - 1;
            splice(at, 0, fmt::format(" xmlns:qemu={0}{1}{0}", quote_, kLibvirtQemuNamespace));
        }
    }

    std::string result() const {
        std::vector<Splice> ordered = splices_;
        // Back to front, so earlier offsets stay valid; at one offset the first registered ends up first.
        std::sort(ordered.begin(), ordered.end(), [](const Splice& a, const Splice& b) {
            return a.at != b.at ? a.at > b.at : a.order > b.order;
        });
        std::string out = text_;
        for (const auto& s : ordered) out.replace(s.at, s.erase, s.insert);
        return out;
    }

private:
    // --- the fixes ---------------------------------------------------------------------------------------
    void set_maxphysaddr(unsigned bits) {
        const NewElement element{"maxphysaddr", {{"mode", "emulate"}, {"bits", std::to_string(bits)}}, "", {}};
        if (pugi::xml_node cpu = domain_.child("cpu")) {
            if (pugi::xml_node old = cpu.child("maxphysaddr")) replace(old, element);
            else insert_child(cpu, element);
            return;
        }
        // Without <cpu> the guest runs QEMU's default model; libvirt only writes phys-bits into a -cpu
        // it builds, so the new <cpu> names that model (qemuBuildCpuCommandLine).
        NewElement cpu{"cpu", {{"mode", "custom"}, {"match", "exact"}}, "", {}};
        cpu.children.push_back({"model", {{"fallback", "allow"}}, "qemu64", {}});
        cpu.children.push_back(element);
        insert_after(first_present({"features", "os", "vcpu", "currentMemory", "memory"}), cpu);
    }

    void set_pcihole64(u64 kib) {
        const NewElement element{"pcihole64", {{"unit", "KiB"}}, std::to_string(kib), {}};
        pugi::xml_node devices = domain_.child("devices");
        for (pugi::xml_node c : devices.children("controller")) {
            const std::string model = c.attribute("model").value();
            if (std::string(c.attribute("type").value()) != "pci" || std::string(c.attribute("index").value()) != "0") continue;
            if (model != "pci-root" && model != "pcie-root") continue;
            if (pugi::xml_node old = c.child("pcihole64")) replace(old, element);
            else insert_child(c, element);
            return;
        }
        throw InputError(fmt::format("{}: no <controller type='pci' index='0' model='pci-root'|'pcie-root'> to carry "
                                     "<pcihole64>; define the domain once (libvirt adds it) and fix the result",
                                     source_));
    }

    void set_hard_limit(u64 kib) {
        const NewElement element{"hard_limit", {{"unit", "KiB"}}, std::to_string(kib), {}};
        if (pugi::xml_node memtune = domain_.child("memtune")) {
            if (pugi::xml_node old = memtune.child("hard_limit")) replace(old, element);
            else insert_child(memtune, element);
            return;
        }
        insert_after(first_present({"currentMemory", "memory", "maxMemory"}), NewElement{"memtune", {}, "", {element}});
    }

    void set_x_pci_mmio64_mb(u64 mb) {
        const std::string value = fmt::format("{}string={}", kXPciMmio64MbPrefix, mb);
        if (pugi::xml_node commandline = qemu_child(domain_, "commandline")) {
            const std::string arg_name = qemu_name("arg");  // children() keeps the pointer: it must outlive the loop
            for (pugi::xml_node arg : commandline.children(arg_name.c_str())) {
                if (std::string(arg.attribute("value").value()).starts_with(kXPciMmio64MbPrefix)) {
                    replace(arg, qemu_element("arg", {{"value", value}}));
                    return;
                }
            }
            insert_child(commandline, qemu_element("arg", {{"value", "-fw_cfg"}}));
            insert_child(commandline, qemu_element("arg", {{"value", value}}));
            return;
        }
        NewElement commandline = qemu_element("commandline", {});
        commandline.children = {qemu_element("arg", {{"value", "-fw_cfg"}}), qemu_element("arg", {{"value", value}})};
        insert_child(domain_, commandline);
    }

    void set_overrides(const std::vector<QemuOverrideProperty>& properties) {
        std::map<std::string, std::vector<const QemuOverrideProperty*>> by_alias;
        std::vector<std::string> aliases;
        for (const auto& p : properties) {
            if (!by_alias.contains(p.alias)) aliases.push_back(p.alias);
            by_alias[p.alias].push_back(&p);
        }
        const auto property_element = [&](const QemuOverrideProperty& p) {
            return qemu_element("property", {{"name", p.name}, {"type", p.type}, {"value", p.value}});
        };
        const auto device_element = [&](const std::string& alias) {
            NewElement frontend = qemu_element("frontend", {});
            for (const auto* p : by_alias[alias]) frontend.children.push_back(property_element(*p));
            NewElement device = qemu_element("device", {{"alias", alias}});
            device.children.push_back(frontend);
            return device;
        };
        pugi::xml_node override_node = qemu_child(domain_, "override");
        if (!override_node) {
            NewElement element = qemu_element("override", {});
            for (const auto& alias : aliases) element.children.push_back(device_element(alias));
            insert_child(domain_, element);
            return;
        }
        for (const auto& alias : aliases) {
            pugi::xml_node device;
            const std::string device_name = qemu_name("device");
            for (pugi::xml_node d : override_node.children(device_name.c_str())) {
                if (alias == d.attribute("alias").value()) device = d;
            }
            if (!device) {
                insert_child(override_node, device_element(alias));
                continue;
            }
            pugi::xml_node frontend = qemu_child(device, "frontend");
            if (!frontend) {
                insert_child(device, device_element(alias).children.front());
                continue;
            }
            for (const auto* p : by_alias[alias]) {
                pugi::xml_node old;
                const std::string property_name = qemu_name("property");
                for (pugi::xml_node q : frontend.children(property_name.c_str())) {
                    if (p->name == q.attribute("name").value()) old = q;
                }
                if (old) replace(old, property_element(*p));
                else insert_child(frontend, property_element(*p));
            }
        }
    }

    // --- qemu: namespace ---------------------------------------------------------------------------------
    std::string qemu_name(const std::string& local) const { return (qemu_prefix_.empty() ? "qemu" : qemu_prefix_) + ":" + local; }
    pugi::xml_node qemu_child(pugi::xml_node parent, const std::string& local) const {
        return qemu_prefix_.empty() ? pugi::xml_node() : parent.child(qemu_name(local).c_str());
    }
    NewElement qemu_element(const std::string& local, std::vector<std::pair<std::string, std::string>> attributes) {
        needs_qemu_namespace_ = true;
        return NewElement{qemu_name(local), std::move(attributes), "", {}};
    }

    // --- text edits ----------------------------------------------------------------------------------------
    void splice(std::size_t at, std::size_t erase, std::string insert) {
        splices_.push_back({at, erase, std::move(insert), splices_.size()});
    }

    void replace(pugi::xml_node node, const NewElement& element) {
        const Span s = span(node);
        splice(s.start, s.end - s.start, render(element, indent_of(s.start)));
    }

    void insert_after(pugi::xml_node node, const NewElement& element) {
        const Span s = span(node);
        const std::string indent = indent_of(s.start);
        splice(s.end, 0, "\n" + indent + render(element, indent));
    }

    void insert_child(pugi::xml_node parent, const NewElement& element) {
        const Span s = span(parent);
        const std::string parent_indent = indent_of(s.start);
        const std::string indent = parent_indent + unit_;
        const std::string child = render(element, indent);
        if (s.self_closing) {
            // "<cpu mode='x'/>" becomes "<cpu mode='x'>", the child, "</cpu>".
            std::size_t slash = s.tag_end - 2;
            while (slash > s.start && (text_[slash - 1] == ' ' || text_[slash - 1] == '\t')) --slash;
            splice(slash, s.tag_end - slash,
                   fmt::format(">\n{}{}\n{}</{}>", indent, child, parent_indent, parent.name()));
            return;
        }
        const std::size_t line = text_.rfind('\n', s.close - 1);
        const bool own_line = line != std::string::npos && line >= s.tag_end - 1 &&
                              text_.find_first_not_of(" \t", line + 1) == s.close;
        if (own_line) splice(line + 1, 0, indent + child + "\n");
        else splice(s.close, 0, "\n" + indent + child + "\n" + parent_indent);
    }

    std::string render(const NewElement& e, const std::string& indent) const {
        std::string out = "<" + e.name;
        for (const auto& [name, value] : e.attributes) out += fmt::format(" {}={}{}{}", name, quote_, escape(value, true), quote_);
        if (e.children.empty() && e.text.empty()) return out + "/>";
        out += ">";
        if (e.children.empty()) return out + escape(e.text, false) + "</" + e.name + ">";
        for (const auto& child : e.children) out += "\n" + indent + unit_ + render(child, indent + unit_);
        return out + "\n" + indent + "</" + e.name + ">";
    }

    std::string escape(const std::string& value, bool attribute) const {
        std::string out;
        for (char c : value) {
            if (c == '&') out += "&amp;";
            else if (c == '<') out += "&lt;";
            else if (c == '>' && !attribute) out += "&gt;";
            else if (attribute && c == quote_) out += quote_ == '\'' ? "&apos;" : "&quot;";
            else out += c;
        }
        return out;
    }

    // --- reading the source text ---------------------------------------------------------------------------
    Span span(pugi::xml_node node) const {
        // pugixml's offset_debug points at an element's name, just after its '<'.
        const auto offset = node.offset_debug();
        if (offset <= 0 || static_cast<std::size_t>(offset) > text_.size()) {
            throw InputError(fmt::format("{}: cannot locate <{}> in the text", source_, node.name()));
        }
        Span s;
        s.start = static_cast<std::size_t>(offset) - 1;
        s.tag_end = tag_close(s.start) + 1;
        s.self_closing = text_[s.tag_end - 2] == '/';
        if (s.self_closing) {
            s.close = s.tag_end - 2;
            s.end = s.tag_end;
            return s;
        }
        int depth = 1;
        std::size_t at = s.tag_end;
        for (;;) {
            at = text_.find('<', at);
            if (at == std::string::npos) throw InputError(fmt::format("{}: <{}> is never closed", source_, node.name()));
            if (text_.compare(at, 4, "<!--") == 0) at = skip_past(at, "-->");
            else if (text_.compare(at, 9, "<![CDATA[") == 0) at = skip_past(at, "]]>");
            else if (text_.compare(at, 2, "<?") == 0) at = skip_past(at, "?>");
            else if (text_.compare(at, 2, "</") == 0) {
                const std::size_t close_end = tag_close(at) + 1;
                if (--depth == 0) {
                    s.close = at;
                    s.end = close_end;
                    return s;
                }
                at = close_end;
            } else {
                const std::size_t open_end = tag_close(at);
                if (text_[open_end - 1] != '/') ++depth;
                at = open_end + 1;
            }
        }
    }

    // The '>' that ends the tag starting at `at`, skipping quoted attribute values.
    std::size_t tag_close(std::size_t at) const {
        char quote = 0;
        for (std::size_t i = at + 1; i < text_.size(); ++i) {
            const char c = text_[i];
            if (quote) {
                if (c == quote) quote = 0;
            } else if (c == '"' || c == '\'') {
                quote = c;
            } else if (c == '>') {
                return i;
            }
        }
        throw InputError(fmt::format("{}:{}: a tag is never closed", source_, line_of(at)));
    }

    std::size_t skip_past(std::size_t at, const char* terminator) const {
        const std::size_t found = text_.find(terminator, at);
        if (found == std::string::npos) throw InputError(fmt::format("{}:{}: unterminated markup", source_, line_of(at)));
        return found + std::char_traits<char>::length(terminator);
    }

    // The whitespace an element's line starts with, when the element starts its line.
    std::string indent_of(std::size_t start) const {
        const std::size_t line = text_.rfind('\n', start == 0 ? 0 : start - 1);
        const std::size_t from = line == std::string::npos ? 0 : line + 1;
        const std::string prefix = text_.substr(from, start - from);
        return prefix.find_first_not_of(" \t") == std::string::npos ? prefix : std::string();
    }

    std::string indent_unit() const {
        for (pugi::xml_node child : domain_.children()) {
            if (child.type() != pugi::node_element) continue;
            const std::string domain_indent = indent_of(span(domain_).start);
            const std::string child_indent = indent_of(span(child).start);
            if (child_indent.size() > domain_indent.size()) return child_indent.substr(domain_indent.size());
            break;
        }
        return kDefaultIndentUnit;
    }

    pugi::xml_node first_present(std::initializer_list<const char*> names) const {
        for (const char* name : names) {
            if (pugi::xml_node node = domain_.child(name)) return node;
        }
        throw InputError(fmt::format("{}: the domain has none of the elements a new one is placed after", source_));
    }

    std::size_t line_of(std::size_t offset) const {
        return 1 + static_cast<std::size_t>(std::count(text_.begin(), text_.begin() + static_cast<std::ptrdiff_t>(std::min(offset, text_.size())), '\n'));
    }

    static std::size_t count(const std::string& text, const char* needle) {
        std::size_t n = 0;
        for (std::size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
        return n;
    }

    const std::string& text_;
    std::string source_;
    pugi::xml_document document_;
    pugi::xml_node domain_;
    char quote_ = '\'';
    std::string unit_;
    std::string qemu_prefix_;
    bool needs_qemu_namespace_ = false;
    std::vector<Splice> splices_;
};

}  // namespace

std::string apply_domain_fix(const std::string& xml, const std::string& source, const DomainFix& fix) {
    DomainEditor editor(xml, source);
    editor.apply(fix);
    return editor.result();
}

}  // namespace aperture
