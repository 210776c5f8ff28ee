#include "core/did_you_mean.hpp"

#include <algorithm>
#include <cctype>

namespace aperture {

namespace {

char folded(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

}  // namespace

std::size_t edit_distance(std::string_view a, std::string_view b) {
    // Optimal string alignment over three rows: the one before the previous is needed for swaps.
    std::vector<std::size_t> before(b.size() + 1), previous(b.size() + 1), current(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) previous[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        current[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t cost = folded(a[i - 1]) == folded(b[j - 1]) ? 0 : 1;
            current[j] = std::min({previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost});
            if (i > 1 && j > 1 && folded(a[i - 1]) == folded(b[j - 2]) && folded(a[i - 2]) == folded(b[j - 1])) {
                current[j] = std::min(current[j], before[j - 2] + 1);
            }
        }
        std::swap(before, previous);
        std::swap(previous, current);
    }
    return previous[b.size()];
}

std::optional<std::string> closest_name(std::string_view word, const std::vector<std::string>& known) {
    // Past a few hundred characters a name is no typo, and the distance table would cost for nothing.
    constexpr std::size_t kLongestTypo = 128;
    if (word.empty() || word.size() > kLongestTypo) return std::nullopt;
    const std::size_t allowed = std::max<std::size_t>(1, word.size() / 4);
    std::optional<std::string> best;
    std::size_t best_distance = allowed + 1;
    for (const auto& name : known) {
        if (name.size() > word.size() + allowed || word.size() > name.size() + allowed) continue;
        const std::size_t d = edit_distance(word, name);
        if (d < best_distance && d > 0) {
            best = name;
            best_distance = d;
        }
    }
    return best;
}

std::string did_you_mean(std::string_view word, const std::vector<std::string>& known) {
    const auto name = closest_name(word, known);
    return name ? " (did you mean '" + *name + "'?)" : "";
}

}  // namespace aperture
