// ScoreTree's node layout and the searches its two .cpp files share (score_tree.cpp changes
// the tree, score_tree_read.cpp reads it); nothing else includes this.
#pragma once

#include <cassert>
#include <cstdint>
#include <string_view>

#include "score_tree.h"

namespace mini_redis {

namespace score_tree_detail {
inline constexpr int kLeafCap = 62;   // 16 + 62 * 16 + 8 = 1016 bytes: one 1 KiB block
inline constexpr int kInnerCap = 31;  // 8 + 31 * 32 = 1000 bytes
inline constexpr int kLeafMin = kLeafCap / 3;
inline constexpr int kInnerMin = kInnerCap / 3;
}  // namespace score_tree_detail

struct ScoreTree::Node {
    uint16_t count;
    bool is_leaf;
};

struct ScoreTree::Leaf : Node {
    Leaf* prev;
    Leaf* next;
    double score[score_tree_detail::kLeafCap];
    ZMember* item[score_tree_detail::kLeafCap];
};

struct ScoreTree::Inner : Node {
    size_t sizes[score_tree_detail::kInnerCap];      // members in each child's subtree
    double min_score[score_tree_detail::kInnerCap];  // each child's first (score, member)
    ZMember* min_item[score_tree_detail::kInnerCap];
    Node* child[score_tree_detail::kInnerCap];
};

namespace score_tree_detail {

// Whether (s, m) sorts before the pair (s2, m2).
inline bool pairLess(double s, std::string_view m, double s2, const ZMember* m2) {
    return zsetLess(s, m, s2, m2->name());
}

// The first index in [lo, hi) for which before(index) is false; `before` must hold for a
// prefix of the range. Every search of a node is this binary search.
template <class Before>
int firstNotBefore(int lo, int hi, Before before) {
    while (lo < hi) {
        const int mid = (lo + hi) / 2;
        if (before(mid)) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    return lo;
}

// The index of member `m`, with score `s`, in a leaf that holds it.
inline int memberIndex(const ScoreTree::Leaf* l, double s, const ZMember* m) {
    const int i = firstNotBefore(
        0, l->count, [&](int k) { return pairLess(l->score[k], l->item[k]->name(), s, m); });
    assert(i < l->count && l->item[i] == m);
    return i;
}

}  // namespace score_tree_detail

}  // namespace mini_redis
