#include "input/libvirt_xml/xml_document.hpp"

#include <algorithm>

#include "core/error.hpp"
#include "core/size_parse.hpp"

namespace aperture::libvirt_xml {

namespace {

// The opening tag as a reader would recognise it: "<controller type='pci' index='1'>".
std::string describe(pugi::xml_node node) {
    // Appended piece by piece: GCC 12 at -O3 sees a false -Wrestrict overlap in `"<" + std::string(...)`.
    std::string text = "<";
    text += node.name();
    for (pugi::xml_attribute attribute : node.attributes()) {
        text += ' ';
        text += attribute.name();
        text += "='";
        text += attribute.value();
        text += '\'';
    }
    text += '>';
    return text;
}

}  // namespace

XmlDocument::XmlDocument(std::string_view text, std::string file_name) : text_(text), file_name_(std::move(file_name)) {
    line_starts_.push_back(0);
    for (std::size_t i = 0; i < text_.size(); ++i) {
        if (text_[i] == '\n') line_starts_.push_back(i + 1);
    }
    const pugi::xml_parse_result result =
        document_.load_buffer(text_.data(), text_.size(), pugi::parse_default | pugi::parse_ws_pcdata_single);
    if (!result) {
        const auto offset = static_cast<std::size_t>(std::max<std::ptrdiff_t>(result.offset, 0));
        const auto line = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset) - line_starts_.begin();
        throw InputError(file_name_ + ":" + std::to_string(line) + ": not well-formed XML: " + result.description());
    }
    if (!root()) throw InputError(file_name_ + ": no root element");
}

unsigned XmlDocument::line_of(pugi::xml_node node) const {
    const std::ptrdiff_t offset = node.offset_debug();
    if (offset < 0) return 0;
    const auto line = std::upper_bound(line_starts_.begin(), line_starts_.end(), static_cast<std::size_t>(offset)) -
                      line_starts_.begin();
    return static_cast<unsigned>(line);
}

SourceLocation XmlDocument::where(pugi::xml_node node) const {
    return {file_name_ + ":" + std::to_string(line_of(node)) + " (" + describe(node) + ")"};
}

void XmlDocument::fail(pugi::xml_node node, const std::string& message) const {
    throw InputError(file_name_ + ":" + std::to_string(line_of(node)) + ": " + describe(node) + ": " + message);
}

void XmlDocument::unsupported(pugi::xml_node node, const std::string& message) const {
    throw UnsupportedError(file_name_ + ":" + std::to_string(line_of(node)) + ": " + describe(node) + ": " + message);
}

std::optional<std::string> XmlDocument::attribute(pugi::xml_node node, const char* name) {
    pugi::xml_attribute attribute = node.attribute(name);
    if (!attribute) return std::nullopt;
    return std::string(attribute.value());
}

std::optional<u64> XmlDocument::unsigned_attribute(pugi::xml_node node, const char* name) const {
    auto text = attribute(node, name);
    if (!text) return std::nullopt;
    auto value = parse_uint_base0(*text);
    if (!value) fail(node, "attribute '" + std::string(name) + "' must be an unsigned number, not '" + *text + "'");
    return value;
}

u64 XmlDocument::unsigned_text(pugi::xml_node node) const {
    const std::string text = node.text().get();
    std::string_view trimmed = text;
    while (!trimmed.empty() && (trimmed.front() == ' ' || trimmed.front() == '\n' || trimmed.front() == '\t')) trimmed.remove_prefix(1);
    while (!trimmed.empty() && (trimmed.back() == ' ' || trimmed.back() == '\n' || trimmed.back() == '\t')) trimmed.remove_suffix(1);
    const bool decimal = !trimmed.empty() && std::all_of(trimmed.begin(), trimmed.end(), [](char c) { return c >= '0' && c <= '9'; });
    auto value = decimal ? parse_uint(trimmed) : std::nullopt;
    if (!value) fail(node, "expected an unsigned decimal number, not '" + text + "'");
    return *value;
}

std::optional<bool> XmlDocument::switch_attribute(pugi::xml_node node, const char* name) const {
    auto text = attribute(node, name);
    if (!text) return std::nullopt;
    if (*text == "on" || *text == "yes") return true;
    if (*text == "off" || *text == "no") return false;
    fail(node, "attribute '" + std::string(name) + "' must be 'on' or 'off', not '" + *text + "'");
}

std::vector<pugi::xml_node> XmlDocument::children(pugi::xml_node node, const char* name) {
    std::vector<pugi::xml_node> found;
    for (pugi::xml_node child : node.children(name)) found.push_back(child);
    return found;
}

}  // namespace aperture::libvirt_xml
