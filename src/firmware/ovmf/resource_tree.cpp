#include "firmware/ovmf/resource_tree.hpp"

#include <algorithm>

namespace aperture::ovmf {

int ResourceTree::create(int device, u64 length, u64 alignment, int bar, ResType type, ResUsage usage, bool window) {
    ResNode node;
    node.device = device;
    node.length = length;
    node.alignment = alignment;
    node.bar = bar;
    node.type = type;
    node.usage = usage;
    node.window = window;
    nodes_.push_back(std::move(node));
    return static_cast<int>(nodes_.size() - 1);
}

void ResourceTree::insert(int parent, int id) {
    const ResNode& node = (*this)[id];
    const u64 rest = node.length & node.alignment;
    auto& list = (*this)[parent].children;
    std::size_t at = 0;
    for (; at < list.size(); ++at) {
        const ResNode& other = (*this)[list[at]];
        if (node.alignment > other.alignment) break;
        if (node.alignment == other.alignment) {
            const u64 other_rest = other.length & other.alignment;
            if (rest == 0 || rest >= other_rest) break;
        }
    }
    list.insert(list.begin() + static_cast<std::ptrdiff_t>(at), id);
}

void ResourceTree::merge(int to, int from, bool type_merge) {
    const ResType type = (*this)[to].type;
    while (!(*this)[from].children.empty()) {
        auto& source = (*this)[from].children;
        const int id = source.front();
        source.erase(source.begin());
        if (type_merge) (*this)[id].type = type;
        insert(to, id);
    }
}

bool ResourceTree::requested(int window) const {
    const ResNode& node = (*this)[window];
    return !node.children.empty() || node.length != 0;
}

void ResourceTree::calculate_aperture(int window) {
    ResNode& bridge = (*this)[window];
    // Sums cannot wrap: every length was checked against the 64-bit space when its BAR was sized, and a
    // tree holds at most a few thousand of them; align_up_or_throw guards the rounding.
    u64 typical = 0;
    u64 padding = 0;
    for (const int id : bridge.children) {
        ResNode& node = (*this)[id];
        if (bridge.type == ResType::Io && node.usage == ResUsage::Padding) {
            padding = node.length;  // CalculateApertureIo16 takes the IO padding as it is
            continue;
        }
        u64& running = node.usage == ResUsage::Padding ? padding : typical;
        node.offset = align_up_or_throw(running, node.alignment + 1, "OVMF resource offset");
        running = add_or_throw(node.offset, node.length, "OVMF resource aperture");
    }
    ResNode& b = (*this)[window];
    const u64 granule = b.alignment + 1;
    if (b.type == ResType::Io) {
        b.length = std::max(align_up_or_throw(typical, granule, "OVMF IO aperture"), padding);
    } else {
        b.length = std::max(align_up_or_throw(typical, granule, "OVMF aperture"), align_up_or_throw(padding, granule, "OVMF aperture"));
    }
    if (!b.children.empty()) b.alignment = std::max(b.alignment, (*this)[b.children.front()].alignment);
}

}  // namespace aperture::ovmf
