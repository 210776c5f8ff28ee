#include "input/qemu_config_file.hpp"

#include "core/error.hpp"

namespace aperture {

namespace {

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v'; }

class ConfigParser {
public:
    ConfigParser(std::string_view text, const std::string& file_name) : text_(text), file_name_(file_name) {}

    std::vector<QemuConfigSection> parse() {
        std::size_t pos = 0;
        while (pos < text_.size()) {
            ++line_;
            const auto end = text_.find('\n', pos);
            std::string_view line = text_.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos);
            pos = end == std::string_view::npos ? text_.size() : end + 1;
            if (line.ends_with('\r')) line.remove_suffix(1);  // a file saved with CR LF reads the same
            read_line(line);
        }
        return std::move(sections_);
    }

private:
    [[noreturn]] void fail(const std::string& message) const {
        throw InputError(file_name_ + ":" + std::to_string(line_) + ": " + message);
    }

    void read_line(std::string_view line) {
        if (line.empty() || line.front() == '#') return;
        if (line.front() == '[') return read_section(line);
        read_property(line);
    }

    // "[group]" or "[group "id"]": the group name runs to a blank or ']'.
    void read_section(std::string_view line) {
        std::string_view rest = line.substr(1);
        std::size_t name_end = 0;
        while (name_end < rest.size() && !is_blank(rest[name_end]) && rest[name_end] != ']' && rest[name_end] != '"') ++name_end;
        QemuConfigSection section;
        section.group = std::string(rest.substr(0, name_end));
        section.line = line_;
        if (section.group.empty()) fail("parse error: expected a group name after '['");
        check_name_length(section.group, "group name");
        rest.remove_prefix(name_end);
        skip_blanks(rest);
        if (rest.starts_with('"')) {
            rest.remove_prefix(1);
            const auto quote = rest.find('"');
            if (quote == std::string_view::npos) fail("parse error: the id of [" + section.group + " \"...\"] has no closing '\"'");
            section.id = std::string(rest.substr(0, quote));
            if (section.id->empty()) fail("parse error: [" + section.group + " \"\"] names an empty id");
            check_name_length(*section.id, "id");
            rest.remove_prefix(quote + 1);
            skip_blanks(rest);
        }
        if (!rest.starts_with(']')) fail("parse error: expected ']' to close [" + section.group + (section.id ? " \"" + *section.id + "\"" : "") + "");
        rest.remove_prefix(1);
        skip_blanks(rest);
        if (!rest.empty()) fail("parse error: unexpected text after ']': '" + std::string(rest) + "'");
        sections_.push_back(std::move(section));
    }

    // `key = "value"`: the key runs to the first blank.
    void read_property(std::string_view line) {
        std::string_view rest = line;
        skip_blanks(rest);
        if (rest.empty()) fail("parse error: a line of blanks (QEMU skips only empty lines)");
        std::size_t key_end = 0;
        while (key_end < rest.size() && !is_blank(rest[key_end])) ++key_end;
        const std::string key(rest.substr(0, key_end));
        rest.remove_prefix(key_end);
        skip_blanks(rest);
        if (!rest.starts_with('=')) {
            fail("parse error: expected 'key = \"value\"' (blanks around '='), a [group] line or a '#' comment, not '" +
                 std::string(line) + "'");
        }
        rest.remove_prefix(1);
        skip_blanks(rest);
        if (!rest.starts_with('"')) fail("parse error: the value of '" + key + "' must be in double quotes");
        rest.remove_prefix(1);
        const auto quote = rest.find('"');
        if (quote == std::string_view::npos) fail("parse error: the value of '" + key + "' has no closing '\"'");
        const std::string value(rest.substr(0, quote));
        check_name_length(key, "key");
        if (value.size() > kQemuConfigValueMax) {
            fail("parse error: the value of '" + key + "' is longer than QEMU reads (" + std::to_string(kQemuConfigValueMax) +
                 " characters)");
        }
        // QEMU's sscanf stops after the closing quote: what follows on the line is not read.
        if (sections_.empty()) fail("no group defined: '" + key + "' comes before the first [group] line");
        sections_.back().entries.push_back({key, value, line_});
    }

    void check_name_length(const std::string& name, const char* what) const {
        if (name.size() > kQemuConfigNameMax) {
            fail(std::string("parse error: the ") + what + " '" + name.substr(0, 16) + "...' is longer than QEMU reads (" +
                 std::to_string(kQemuConfigNameMax) + " characters)");
        }
    }

    static void skip_blanks(std::string_view& text) {
        while (!text.empty() && is_blank(text.front())) text.remove_prefix(1);
    }

    std::string_view text_;
    const std::string& file_name_;
    unsigned line_ = 0;
    std::vector<QemuConfigSection> sections_;
};

}  // namespace

std::vector<QemuConfigSection> parse_qemu_config(std::string_view text, const std::string& file_name) {
    return ConfigParser(text, file_name).parse();
}

}  // namespace aperture
