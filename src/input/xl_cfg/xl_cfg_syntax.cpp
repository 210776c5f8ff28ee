#include "input/xl_cfg/xl_cfg_syntax.hpp"

#include <fmt/format.h>

#include "core/error.hpp"

namespace aperture {

namespace {

bool is_ident_start(char c) { return c >= 'a' && c <= 'z'; }
bool is_ident_char(char c) { return is_ident_start(c) || (c >= '0' && c <= '9') || c == '.' || c == '_'; }
bool is_number_start(char c) { return c >= '0' && c <= '9'; }
// libxlu_cfg_l.l: NUMBER is [0-9][0-9a-fx]*
bool is_number_char(char c) { return is_number_start(c) || (c >= 'a' && c <= 'f') || c == 'x'; }

enum class Token { Ident, Number, String, Comma, Open, Close, Assign, Append, Semicolon, Newline, End };

class Lexer {
public:
    Lexer(const std::string& text, const std::string& source) : text_(text), source_(source) {}

    Token next() {
        while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\r')) ++pos_;
        token_line_ = line_;
        if (pos_ >= text_.size()) return Token::End;
        const char c = text_[pos_];
        if (c == '#') {
            while (pos_ < text_.size() && text_[pos_] != '\n') ++pos_;
            return next();
        }
        if (c == '\n') {
            ++pos_;
            ++line_;
            return Token::Newline;
        }
        if (is_ident_start(c)) return word(is_ident_char, Token::Ident);
        if (is_number_start(c)) return word(is_number_char, Token::Number);
        if (c == '\'' || c == '"') return string(c);
        ++pos_;
        switch (c) {
            case ',': return Token::Comma;
            case '[': return Token::Open;
            case ']': return Token::Close;
            case '=': return Token::Assign;
            case ';': return Token::Semicolon;
            case '+':
                if (pos_ < text_.size() && text_[pos_] == '=') {
                    ++pos_;
                    return Token::Append;
                }
                break;
            default: break;
        }
        // libxlu_cfg_l.l flags "+-.():" as likely Python and anything else as a lexical error.
        const bool python = std::string_view("+-.():").find(c) != std::string_view::npos;
        fail(fmt::format("lexical error at '{}'{}", c,
                         python ? " (xl.cfg is not Python: strings need quotes, numbers are plain integers)" : ""));
    }

    const std::string& text() const { return value_; }
    int line() const { return token_line_; }
    [[noreturn]] void fail(const std::string& what) const {
        throw InputError(fmt::format("{}:{}: {}", source_, token_line_, what));
    }

private:
    Token word(bool (*accept)(char), Token kind) {
        const std::size_t start = pos_;
        while (pos_ < text_.size() && accept(text_[pos_])) ++pos_;
        value_ = text_.substr(start, pos_ - start);
        return kind;
    }

    // libxlu_cfg.c xlu__cfgl_dequote: \" \' \\ \a \b \f \n \r \t \v, \xHH and \OOO.
    Token string(char quote) {
        ++pos_;
        value_.clear();
        while (true) {
            if (pos_ >= text_.size() || text_[pos_] == '\n') fail(fmt::format("string not closed: expected {} before the end of the line", quote));
            char c = text_[pos_++];
            if (c == quote) return Token::String;
            if (c != '\\') {
                value_ += c;
                continue;
            }
            if (pos_ >= text_.size() || text_[pos_] == '\n') fail("backslash at the end of a line inside a string");
            c = text_[pos_++];
            switch (c) {
                case '"': case '\'': case '\\': value_ += c; break;
                case 'a': value_ += '\a'; break;
                case 'b': value_ += '\b'; break;
                case 'f': value_ += '\f'; break;
                case 'n': value_ += '\n'; break;
                case 'r': value_ += '\r'; break;
                case 't': value_ += '\t'; break;
                case 'v': value_ += '\v'; break;
                case 'x': value_ += numeric_escape(2, 16, "hex"); break;
                default:
                    if (c >= '0' && c <= '7') {
                        --pos_;
                        value_ += numeric_escape(3, 8, "octal");
                        break;
                    }
                    fail(fmt::format("unknown escape \\{} in a quoted string", c));
            }
        }
    }

    char numeric_escape(std::size_t max_digits, int base, const char* name) {
        unsigned value = 0;
        std::size_t digits = 0;
        while (digits < max_digits && pos_ < text_.size()) {
            const char d = text_[pos_];
            int v = -1;
            if (d >= '0' && d <= '9') v = d - '0';
            else if (base == 16 && d >= 'a' && d <= 'f') v = d - 'a' + 10;
            else if (base == 16 && d >= 'A' && d <= 'F') v = d - 'A' + 10;
            if (v < 0 || v >= base) break;
            value = value * static_cast<unsigned>(base) + static_cast<unsigned>(v);
            ++pos_;
            ++digits;
        }
        if (digits == 0) fail(fmt::format("invalid digit after backslash in {} numerical character escape in quoted string", name));
        if (value > 255) fail("numerical character escape out of range in quoted string");
        return static_cast<char>(value);
    }

    const std::string& text_;
    const std::string& source_;
    std::size_t pos_ = 0;
    int line_ = 1;
    int token_line_ = 1;
    std::string value_;
};

// Lists nest through recursion here. xl's bison parser gives up past YYMAXDEPTH (10,000) parser states, a
// few thousand nested lists, and no setting takes lists nested more than two deep (vcpu/NUMA lists):
// aperture's bound keeps the recursion far from the stack's end.
constexpr std::size_t kMaxListDepth = 64;

class Parser {
public:
    Parser(const std::string& text, const std::string& source) : lexer_(text, source) { advance(); }

    std::vector<XlSetting> statements() {
        std::vector<XlSetting> settings;
        while (token_ != Token::End) {
            if (token_ == Token::Newline || token_ == Token::Semicolon) {
                advance();
                continue;
            }
            if (token_ != Token::Ident) lexer_.fail("expected a setting name (lower case, e.g. memory = 2048)");
            XlSetting setting;
            setting.key = lexer_.text();
            setting.line = lexer_.line();
            advance();
            const bool append = token_ == Token::Append;
            if (token_ != Token::Assign && !append) lexer_.fail(fmt::format("expected = or += after '{}'", setting.key));
            advance();
            setting.value = value();
            if (token_ != Token::Newline && token_ != Token::Semicolon && token_ != Token::End) {
                lexer_.fail(fmt::format("expected the end of the line or ';' after the value of '{}'", setting.key));
            }
            if (append) {
                // libxlu_cfg.c xlu__cfg_concat_vals: both lists, or both strings.
                for (auto it = settings.rbegin(); it != settings.rend(); ++it) {
                    if (it->key != setting.key) continue;
                    XlValue joined = it->value;
                    if (joined.kind != setting.value.kind) lexer_.fail(fmt::format("'{}' += needs the same kind of value (list or string) as before", setting.key));
                    if (joined.kind == XlValue::Kind::List) {
                        joined.items.insert(joined.items.end(), setting.value.items.begin(), setting.value.items.end());
                    } else {
                        joined.atom += setting.value.atom;
                    }
                    setting.value = std::move(joined);
                    break;
                }
            }
            settings.push_back(std::move(setting));
        }
        return settings;
    }

private:
    void advance() { token_ = lexer_.next(); }
    void skip_newlines() {
        while (token_ == Token::Newline) advance();
    }

    XlValue value(std::size_t depth = 0) {
        XlValue v;
        v.line = lexer_.line();
        if (token_ == Token::String || token_ == Token::Number) {
            v.atom = lexer_.text();
            v.quoted = token_ == Token::String;
            advance();
            return v;
        }
        if (token_ != Token::Open) lexer_.fail("expected a value: a quoted string, a number or a [list]");
        if (depth == kMaxListDepth) lexer_.fail(fmt::format("lists nested more than {} deep", kMaxListDepth));
        v.kind = XlValue::Kind::List;
        advance();
        skip_newlines();
        while (token_ != Token::Close) {
            v.items.push_back(value(depth + 1));
            skip_newlines();
            if (token_ == Token::Comma) {
                advance();
                skip_newlines();
                continue;
            }
            if (token_ != Token::Close) lexer_.fail("expected ',' or ']' in a list");
        }
        advance();
        return v;
    }

    Lexer lexer_;
    Token token_ = Token::End;
};

}  // namespace

const XlSetting* XlConfig::find(const std::string& key) const {
    for (auto it = settings_.rbegin(); it != settings_.rend(); ++it) {
        if (it->key == key) return &*it;
    }
    return nullptr;
}

XlConfig XlConfig::parse(const std::string& text, const std::string& source) {
    XlConfig config;
    config.source_ = source;
    Parser parser(text, source);
    config.settings_ = parser.statements();
    return config;
}

}  // namespace aperture
