#pragma once
// "Did you mean ...?" for a name aperture does not know: the closest known name, when it is close enough that
// the user most likely mistyped it (a letter dropped, doubled, swapped or wrong), never a guess from afar.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace aperture {

// Edits (insert, delete, substitute, swap two neighbours; letters compared without case) from `a` to `b`.
std::size_t edit_distance(std::string_view a, std::string_view b);

// The known name nearest `word`, if within max(1, length / 4) edits (2 for "vfio-pic", 3 for
// "Skylake-Servr"); ties go to the first candidate.
std::optional<std::string> closest_name(std::string_view word, const std::vector<std::string>& known);

// " (did you mean 'NAME'?)" or "".
std::string did_you_mean(std::string_view word, const std::vector<std::string>& known);

}  // namespace aperture
