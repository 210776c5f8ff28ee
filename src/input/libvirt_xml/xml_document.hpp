#pragma once
// A parsed domain XML that can say where each element is: every error and every SourceLocation the
// reader makes names "FILE:LINE (<element attr='value' ...>)".

#include <optional>
#include <pugixml.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "config/vm_spec.hpp"
#include "core/address.hpp"

namespace aperture::libvirt_xml {

class XmlDocument {
public:
    // Throws InputError "FILE:LINE: not well-formed XML: ..." when pugixml refuses the text.
    XmlDocument(std::string_view text, std::string file_name);

    pugi::xml_node root() const { return document_.document_element(); }
    const std::string& file_name() const { return file_name_; }

    unsigned line_of(pugi::xml_node node) const;
    // "vm.xml:42 (<memory unit='KiB'>)"
    SourceLocation where(pugi::xml_node node) const;
    [[noreturn]] void fail(pugi::xml_node node, const std::string& message) const;
    [[noreturn]] void unsupported(pugi::xml_node node, const std::string& message) const;

    // An attribute's text, or nullopt when absent.
    static std::optional<std::string> attribute(pugi::xml_node node, const char* name);
    // An unsigned attribute as libvirt's virXMLPropUInt reads it with base 0 (0x hex, 0 octal, decimal).
    std::optional<u64> unsigned_attribute(pugi::xml_node node, const char* name) const;
    // The element's text as an unsigned decimal number (libvirt's virStrToLong_ui on the content).
    u64 unsigned_text(pugi::xml_node node) const;
    // on/off (and yes/no where libvirt takes them); nullopt when absent.
    std::optional<bool> switch_attribute(pugi::xml_node node, const char* name) const;

    // Child elements named `name` (namespace prefix included, as written).
    static std::vector<pugi::xml_node> children(pugi::xml_node node, const char* name);

private:
    std::string text_;
    std::string file_name_;
    pugi::xml_document document_;
    std::vector<std::size_t> line_starts_;
};

}  // namespace aperture::libvirt_xml
