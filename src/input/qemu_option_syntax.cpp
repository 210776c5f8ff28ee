#include "input/qemu_option_syntax.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>

#include "core/error.hpp"
#include "core/json_error_words.hpp"
#include "core/json_nesting.hpp"
#include "core/size_parse.hpp"

namespace aperture::qemu_syntax {

namespace {

[[noreturn]] void fail(const std::string& where, const std::string& message) {
    throw InputError(where + ": " + message);
}

bool is_alpha(char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; }
bool is_alnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }
bool is_digit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }
bool is_xdigit(char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; }

// get_opt_value(): a value runs to the first comma that is not doubled; ",," stands for ','.
// Returns the value and advances `pos` to the terminating comma (or the end).
std::string read_opt_value(std::string_view text, std::size_t& pos) {
    std::string value;
    while (pos < text.size()) {
        if (text[pos] == ',') {
            if (pos + 1 < text.size() && text[pos + 1] == ',') {
                value += ',';
                pos += 2;
                continue;
            }
            break;
        }
        value += text[pos++];
    }
    return value;
}

bool is_help_word(std::string_view word) { return word == "help" || word == "?"; }

// get_opt_name_value(): one "name=value", "flag", or (first, with an implied key) bare value.
struct NameValue {
    std::string name;
    std::string value;
    bool help = false;
};

NameValue read_name_value(std::string_view text, std::size_t& pos, const char* implied_key) {
    NameValue item;
    const std::size_t rest_start = pos;
    std::size_t len = 0;
    while (rest_start + len < text.size() && text[rest_start + len] != '=' && text[rest_start + len] != ',') ++len;
    const bool has_equals = rest_start + len < text.size() && text[rest_start + len] == '=';
    if (!has_equals) {
        if (implied_key != nullptr) {
            item.name = implied_key;
            item.value = read_opt_value(text, pos);
        } else {
            // A flag: "foo" means foo=on, "nofoo" means foo=off (QEMU 7.2 warns that this is deprecated).
            item.name = std::string(text.substr(rest_start, len));
            pos = rest_start + len;
            if (item.name.starts_with("no")) {
                item.name.erase(0, 2);
                item.value = "off";
            } else {
                item.value = "on";
                item.help = is_help_word(item.name);
            }
        }
    } else {
        item.name = std::string(text.substr(rest_start, len));
        pos = rest_start + len + 1;
        item.value = read_opt_value(text, pos);
    }
    if (pos < text.size() && text[pos] == ',') ++pos;
    return item;
}

// parse_qapi_name(s, false): a letter, then letters, digits, '-' and '_'. Returns the length, 0 if none.
std::size_t qapi_name_length(std::string_view s) {
    if (s.empty() || !is_alpha(s[0])) return 0;
    std::size_t n = 1;
    while (n < s.size() && (is_alnum(s[n]) || s[n] == '-' || s[n] == '_')) ++n;
    return n;
}

// keyval's key: QAPI-name fragments separated by '.'; fragments after the first may be list indices.
bool is_keyval_key(std::string_view key) {
    std::size_t pos = 0;
    bool first = true;
    for (;;) {
        std::string_view rest = key.substr(pos);
        std::size_t len = qapi_name_length(rest);
        if (len == 0 && !first) {
            while (len < rest.size() && is_digit(rest[len])) ++len;
        }
        if (len == 0) return false;
        pos += len;
        if (pos == key.size()) return true;
        if (key[pos] != '.') return false;
        ++pos;
        first = false;
    }
}

// qobject/json-streamer.c: MAX_NESTING, the most brackets and braces open at once in a JSON value QEMU
// accepts ("JSON nesting depth limit exceeded" past it).
constexpr std::size_t kMaxJsonNesting = 1024;

void flatten_json(const nlohmann::json& value, const std::string& prefix, PropertyList& out) {
    if (value.is_object()) {
        for (const auto& [key, member] : value.items()) {
            flatten_json(member, prefix.empty() ? key : prefix + "." + key, out);
        }
    } else if (value.is_array()) {
        for (std::size_t i = 0; i < value.size(); ++i) flatten_json(value[i], prefix + "." + std::to_string(i), out);
    } else if (value.is_string()) {
        out.entries.emplace_back(prefix, value.get<std::string>());
    } else if (value.is_boolean()) {
        out.entries.emplace_back(prefix, value.get<bool>() ? "on" : "off");
    } else if (value.is_null()) {
        out.entries.emplace_back(prefix, "");
    } else {
        out.entries.emplace_back(prefix, value.dump());
    }
}

}  // namespace

QemuOpts parse_qemu_opts(std::string_view text, const char* implied_key) {
    QemuOpts opts;
    // opts_parse_id(): the first id= wins, scanning without an implied key.
    for (std::size_t pos = 0; pos < text.size();) {
        NameValue item = read_name_value(text, pos, nullptr);
        if (item.name == "id") {
            opts.id = item.value;
            break;
        }
    }
    // opts_do_parse(): everything else, in order; "id" is skipped here.
    const char* first_name = implied_key;
    for (std::size_t pos = 0; pos < text.size();) {
        NameValue item = read_name_value(text, pos, first_name);
        first_name = nullptr;
        if (item.help) {
            opts.help = true;
            return opts;
        }
        if (item.name == "id") continue;
        opts.entries.entries.emplace_back(std::move(item.name), std::move(item.value));
    }
    return opts;
}

Keyval parse_keyval(std::string_view text, const char* implied_key, const std::string& where) {
    Keyval result;
    std::size_t pos = 0;
    while (pos < text.size()) {
        const std::size_t start = pos;
        std::size_t len = 0;
        while (start + len < text.size() && text[start + len] != '=' && text[start + len] != ',') ++len;
        const bool has_equals = start + len < text.size() && text[start + len] == '=';
        std::string key(text.substr(start, len));
        if (len != 0 && !has_equals) {
            if (is_help_word(key)) {
                result.help = true;
                return result;
            }
            if (implied_key != nullptr) {
                // The implied value ends at the first comma: keyval has no ",," escape here.
                result.entries.entries.emplace_back(implied_key, key);
                pos = start + len;
                if (pos < text.size()) ++pos;
                implied_key = nullptr;
                continue;
            }
        }
        implied_key = nullptr;
        if (!is_keyval_key(key)) fail(where, "Invalid parameter '" + key + "'");
        if (!has_equals) fail(where, "Expected '=' after parameter '" + key + "'");
        pos = start + len + 1;
        std::string value = read_opt_value(text, pos);
        if (pos < text.size()) ++pos;  // the terminating comma
        result.entries.entries.emplace_back(std::move(key), std::move(value));
    }
    // keyval_parse_put(): a key used both as a value and as a parent of dotted keys.
    for (const auto& [key, value] : result.entries.entries) {
        for (const auto& [other, other_value] : result.entries.entries) {
            if (other.size() > key.size() && other.starts_with(key) && other[key.size()] == '.') {
                fail(where, "Parameters '" + key + ".*' used inconsistently");
            }
        }
    }
    return result;
}

PropertyList parse_json_object(std::string_view text, const std::string& where) {
    // Checked before parsing, as QEMU's streamer does, and so flatten_json's recursion stays bounded.
    if (json_nesting(text) > kMaxJsonNesting) fail(where, "JSON nesting depth limit exceeded");
    nlohmann::json value;
    try {
        value = nlohmann::json::parse(text);
    } catch (const nlohmann::json::exception& e) {
        fail(where, "JSON parse error: " + json_error_words(e.what()));
    }
    if (!value.is_object()) fail(where, "JSON argument must be an object");
    PropertyList out;
    flatten_json(value, "", out);
    return out;
}

std::optional<bool> parse_bool(std::string_view text) {
    if (text == "on" || text == "yes" || text == "true" || text == "y") return true;
    if (text == "off" || text == "no" || text == "false" || text == "n") return false;
    return std::nullopt;
}

std::optional<u64> parse_number(std::string_view text) { return parse_uint_base0(text); }

void check_id(const QemuOpts& opts, const std::string& where) {
    if (opts.id && !is_well_formed_id(*opts.id)) {
        fail(where, "Parameter 'id' expects an identifier (letters, digits, '-', '.', '_', starting with a letter)");
    }
}

bool is_well_formed_id(std::string_view id) {
    if (id.empty() || !is_alpha(id[0])) return false;
    for (char c : id) {
        if (!is_alnum(c) && c != '-' && c != '.' && c != '_') return false;
    }
    return true;
}

bool looks_like_size(std::string_view text) {
    std::size_t pos = 0;
    bool fraction = false;
    if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
        pos = 2;
        while (pos < text.size() && is_xdigit(text[pos])) ++pos;
        if (pos == 2) return false;
    } else {
        while (pos < text.size() && is_digit(text[pos])) ++pos;
        if (pos == 0) return false;
        if (pos < text.size() && text[pos] == '.') {
            ++pos;
            const std::size_t fraction_start = pos;
            while (pos < text.size() && is_digit(text[pos])) ++pos;
            if (pos == fraction_start) return false;
            fraction = true;
        }
    }
    // qemu_strtosz: a fraction needs a unit larger than a byte.
    if (pos < text.size() && std::string_view("kKmMgGtTpPeE").find(text[pos]) != std::string_view::npos) {
        ++pos;
    } else if (pos < text.size() && !fraction && (text[pos] == 'b' || text[pos] == 'B')) {
        ++pos;
    } else if (fraction) {
        return false;
    }
    return pos == text.size();
}

}  // namespace aperture::qemu_syntax
