#pragma once
// xl's configuration file syntax (tools/libs/util/libxlu_cfg_l.l and libxlu_cfg_y.y): `key = value`
// or `key += value` statements ended by a newline or `;`, values that are a string ('...' or "..." with
// C escapes), a number token, or a [list, of, values] that may span lines and end with a comma;
// `#` starts a comment. Keys are lower case. A later assignment replaces an earlier one (find() in
// libxlu_cfg.c returns the newest setting); `+=` appends to the earlier value.

#include <map>
#include <string>
#include <vector>

namespace aperture {

struct XlValue {
    enum class Kind { Atom, List };
    Kind kind = Kind::Atom;
    std::string atom;            // a string's text (unquoted) or a number token as written
    bool quoted = false;         // the atom was a string, not a number token
    std::vector<XlValue> items;  // a list's items
    int line = 0;
};

struct XlSetting {
    std::string key;
    XlValue value;
    int line = 0;
};

class XlConfig {
public:
    // The newest setting of `key`, or nullptr.
    const XlSetting* find(const std::string& key) const;
    const std::vector<XlSetting>& settings() const { return settings_; }  // in file order, newest wins
    const std::string& source() const { return source_; }

    // Throws InputError "FILE:LINE: ..." naming what was expected.
    static XlConfig parse(const std::string& text, const std::string& source);

private:
    std::string source_;
    std::vector<XlSetting> settings_;
};

}  // namespace aperture
