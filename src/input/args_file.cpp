#include "input/args_file.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <optional>
#include <sstream>

#include "core/error.hpp"
#include "core/input_file.hpp"
#include "input/qemu_command_line.hpp"

namespace aperture {

namespace {

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

class ArgsTextSplitter {
public:
    ArgsTextSplitter(std::string_view text, const std::string& file_name) : text_(text), file_name_(file_name) {}

    std::vector<LocatedArg> split() {
        while (pos_ < text_.size()) {
            const char c = text_[pos_];
            if (skip_line_continuation()) continue;
            if (is_blank(c)) {
                finish_word();
                if (c == '\n') ++line_;
                ++pos_;
            } else if (c == '#' && !word_) {
                skip_comment();
            } else if (c == '\'') {
                read_single_quoted();
            } else if (c == '"') {
                read_double_quoted();
            } else if (c == '\\') {
                if (pos_ + 1 >= text_.size()) fail(line_, "the file ends with a backslash");
                append(text_[pos_ + 1]);
                pos_ += 2;
            } else {
                append(c);
                ++pos_;
            }
        }
        finish_word();
        return std::move(words_);
    }

private:
    [[noreturn]] void fail(unsigned line, const std::string& message) const {
        throw InputError(file_name_ + ":" + std::to_string(line) + ": " + message);
    }

    // "\" followed by a newline (or CR LF) joins two lines, inside or outside double quotes.
    bool skip_line_continuation() {
        if (text_[pos_] != '\\') return false;
        if (text_.substr(pos_, 2) == "\\\n") {
            pos_ += 2;
        } else if (text_.substr(pos_, 3) == "\\\r\n") {
            pos_ += 3;
        } else {
            return false;
        }
        ++line_;
        return true;
    }

    void start_word() {
        if (!word_) {
            word_ = std::string();
            word_line_ = line_;
        }
    }
    void append(char c) {
        start_word();
        *word_ += c;
    }
    void finish_word() {
        if (!word_) return;
        words_.push_back({std::move(*word_), file_name_ + ":" + std::to_string(word_line_)});
        word_.reset();
    }

    void skip_comment() {
        while (pos_ < text_.size() && text_[pos_] != '\n') ++pos_;
    }

    void read_single_quoted() {
        const unsigned opened = line_;
        start_word();
        ++pos_;
        while (pos_ < text_.size() && text_[pos_] != '\'') {
            if (text_[pos_] == '\n') ++line_;
            *word_ += text_[pos_++];
        }
        if (pos_ >= text_.size()) fail(opened, "unterminated single quote");
        ++pos_;
    }

    void read_double_quoted() {
        const unsigned opened = line_;
        start_word();
        ++pos_;
        while (pos_ < text_.size() && text_[pos_] != '"') {
            if (skip_line_continuation()) continue;
            const char c = text_[pos_];
            if (c == '\\' && pos_ + 1 < text_.size() &&
                std::string_view("\"\\$`").find(text_[pos_ + 1]) != std::string_view::npos) {
                *word_ += text_[pos_ + 1];
                pos_ += 2;
                continue;
            }
            if (c == '\n') ++line_;
            *word_ += c;
            ++pos_;
        }
        if (pos_ >= text_.size()) fail(opened, "unterminated double quote");
        ++pos_;
    }

    std::string_view text_;
    const std::string& file_name_;
    std::size_t pos_ = 0;
    unsigned line_ = 1;
    std::optional<std::string> word_;
    unsigned word_line_ = 1;
    std::vector<LocatedArg> words_;
};

}  // namespace

std::vector<LocatedArg> split_args_text_located(std::string_view text, const std::string& file_name) {
    return ArgsTextSplitter(text, file_name).split();
}

std::vector<std::string> split_args_text(std::string_view text, const std::string& file_name) {
    std::vector<std::string> words;
    for (auto& arg : split_args_text_located(text, file_name)) words.push_back(std::move(arg.text));
    return words;
}

std::string read_text_file(const std::string& path) { return read_input_file(path, kArgsFileKind); }

std::vector<std::string> read_args_file(const std::string& path) { return split_args_text(read_text_file(path), path); }

}  // namespace aperture
