#include "report/address_axis.hpp"

#include <algorithm>
#include <cmath>

namespace aperture {

namespace {

double doublings_above(const AddressRange& range, u64 base_size) {
    const long double ratio = byte_count(range) / static_cast<long double>(std::max<u64>(base_size, 1));
    return ratio <= 1 ? 0.0 : static_cast<double>(std::log2(ratio));
}

double natural_height(const AddressRange& range, SegmentKind kind, const AxisStyle& style) {
    switch (kind) {
        case SegmentKind::Content: return style.content_min + style.content_per_doubling * doublings_above(range, style.base_size);
        case SegmentKind::Free: return style.free_min + style.free_per_doubling * doublings_above(range, style.base_size);
        case SegmentKind::Break: return style.break_height;
    }
    return style.break_height;
}

// The index of the segment starting at or before `address` in the sorted `starts`.
std::size_t segment_index(const std::vector<u64>& starts, u64 address) {
    const auto it = std::upper_bound(starts.begin(), starts.end(), address);
    return static_cast<std::size_t>(it - starts.begin()) - 1;
}

}  // namespace

long double byte_count(const AddressRange& range) { return static_cast<long double>(range.last() - range.first()) + 1.0L; }

AddressAxis AddressAxis::build(u64 last, const std::vector<AxisSpan>& spans, const std::vector<u64>& marks, const AxisStyle& style) {
    AddressAxis axis;
    axis.last_ = last;

    // Every span that reaches the axis, clipped to it.
    std::vector<AxisSpan> clipped;
    for (const auto& span : spans) {
        if (span.range.first() > last) continue;
        AxisSpan c = span;
        c.range = AddressRange::from_first_and_last(span.range.first(), std::min(span.range.last(), last));
        clipped.push_back(c);
    }

    std::vector<u64> starts{0};
    for (const auto& span : clipped) {
        starts.push_back(span.range.first());
        if (span.range.last() < last) starts.push_back(span.range.last() + 1);
    }
    for (const u64 mark : marks) {
        if (mark <= last) starts.push_back(mark);
    }
    std::sort(starts.begin(), starts.end());
    starts.erase(std::unique(starts.begin(), starts.end()), starts.end());

    // Which kind of span covers each segment: difference arrays over segment indices.
    const std::size_t count = starts.size();
    std::vector<int> content(count + 1, 0);
    std::vector<int> container(count + 1, 0);
    struct Cover {
        std::size_t lo;
        std::size_t hi;
    };
    std::vector<Cover> covers;
    covers.reserve(clipped.size());
    for (const auto& span : clipped) {
        const Cover c{segment_index(starts, span.range.first()), segment_index(starts, span.range.last())};
        covers.push_back(c);
        auto& diff = span.fill == SpanFill::Content ? content : container;
        ++diff[c.lo];
        --diff[c.hi + 1];
    }

    axis.segments_.reserve(count);
    int in_content = 0;
    int in_container = 0;
    for (std::size_t i = 0; i < count; ++i) {
        in_content += content[i];
        in_container += container[i];
        const u64 seg_last = i + 1 < count ? starts[i + 1] - 1 : last;
        AxisSegment seg{AddressRange::from_first_and_last(starts[i], seg_last), SegmentKind::Break, 0, 0};
        seg.kind = in_content > 0 ? SegmentKind::Content : in_container > 0 ? SegmentKind::Free : SegmentKind::Break;
        seg.height = natural_height(seg.range, seg.kind, style);
        axis.segments_.push_back(seg);
    }

    // Stretch spans that are shorter than they asked for, smallest first: a span nested in a larger one is
    // satisfied before the larger one is measured, and stretching only ever adds height.
    std::vector<std::size_t> order(clipped.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return byte_count(clipped[a].range) < byte_count(clipped[b].range); });
    for (const std::size_t i : order) {
        const Cover c = covers[i];
        double have = 0;
        for (std::size_t s = c.lo; s <= c.hi; ++s) have += axis.segments_[s].height;
        if (have >= clipped[i].min_height || have <= 0) continue;
        const double factor = clipped[i].min_height / have;
        for (std::size_t s = c.lo; s <= c.hi; ++s) axis.segments_[s].height *= factor;
    }

    double top = 0;
    for (auto& seg : axis.segments_) {
        seg.top = top;
        top += seg.height;
    }
    axis.height_ = top;
    return axis;
}

const AxisSegment* AddressAxis::segment_at(u64 address) const {
    if (address > last_ || segments_.empty()) return nullptr;
    const auto it = std::upper_bound(segments_.begin(), segments_.end(), address,
                                     [](u64 a, const AxisSegment& seg) { return a < seg.range.first(); });
    return &*(it - 1);
}

double AddressAxis::top_of(u64 address) const {
    const AxisSegment* seg = segment_at(address);
    if (!seg) return height_;
    const long double offset = static_cast<long double>(address - seg->range.first());
    return seg->top + static_cast<double>(static_cast<long double>(seg->height) * offset / byte_count(seg->range));
}

double AddressAxis::bottom_of(u64 address) const {
    if (address >= last_) return height_;
    return top_of(address + 1);
}

}  // namespace aperture
