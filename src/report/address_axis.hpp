#pragma once
// A broken, piecewise scale from addresses to pixels, for drawing an address space whose parts range from
// a 4 KiB BAR to terabytes of unused space on one picture.
//
// The boundaries of every span handed in cut the space into elementary segments. Each segment is linear
// inside, and its height grows with the logarithm of its size, so a 4 KiB BAR stays tall enough to read and
// a 128 GiB BAR is visibly larger without dwarfing everything else. Stretches no span covers are breaks: a
// fixed height, drawn as a cut, whatever their size. A span may ask for a minimum height (room for its
// label); its segments are stretched to give it that. The map is strictly increasing in address, so
// anything drawn with it keeps address order, and every segment says what it is so the picture can mark
// where it is not to scale.

#include <optional>
#include <vector>

#include "core/address.hpp"
#include "core/range.hpp"

namespace aperture {

// What fills a span: content (RAM, a BAR) or a container (a window) whose unfilled parts are free space.
enum class SpanFill { Content, Container };

struct AxisSpan {
    AddressRange range;
    SpanFill fill = SpanFill::Content;
    double min_height = 0;  // pixels the whole span needs at least
};

enum class SegmentKind {
    Content,  // under some content span
    Free,     // only under containers: space a window has and nothing uses
    Break,    // under no span: drawn cut short
};

struct AxisSegment {
    AddressRange range;
    SegmentKind kind = SegmentKind::Break;
    double top = 0;  // pixels from the axis origin
    double height = 0;
};

// Pixel heights by segment kind. A segment of `base_size` bytes or less gets the minimum; each doubling
// above it adds `per_doubling`.
struct AxisStyle {
    u64 base_size = 4 * KiB;
    double content_min = 16;
    double content_per_doubling = 3.5;
    double free_min = 4;
    double free_per_doubling = 1.5;
    double break_height = 26;
};

class AddressAxis {
public:
    // The axis covers [0, last]. Spans reaching past `last` are clipped to it; `marks` are extra addresses
    // where a segment must start (limits drawn as lines land exactly on a boundary).
    static AddressAxis build(u64 last, const std::vector<AxisSpan>& spans, const std::vector<u64>& marks, const AxisStyle& style);

    u64 last() const { return last_; }
    double height() const { return height_; }
    const std::vector<AxisSegment>& segments() const { return segments_; }

    // The top edge of the byte at `address`; addresses past last() clamp to the bottom.
    double top_of(u64 address) const;
    // The bottom edge of the byte at `address` (the top of the next byte).
    double bottom_of(u64 address) const;
    // The segment holding `address`, or nullptr past last().
    const AxisSegment* segment_at(u64 address) const;

private:
    u64 last_ = 0;
    double height_ = 0;
    std::vector<AxisSegment> segments_;
};

// Bytes in a range as a floating-point count (a range may hold 2^64 bytes, which no u64 holds).
long double byte_count(const AddressRange& range);

}  // namespace aperture
