// Order-statistic B+ tree, the reads: rank, the member at a rank, score and lex bounds, and
// walking from a place. The writes are in score_tree.cpp.
#include <cassert>

#include "score_tree.h"
#include "score_tree_nodes.h"

namespace mini_redis {

using namespace score_tree_detail;

size_t ScoreTree::rank(const ZMember* m) const {
    const double s = m->score;
    const std::string_view name = m->name();
    size_t r = 0;
    const Node* n = root_;
    while (!n->is_leaf) {
        const Inner* in = static_cast<const Inner*>(n);
        const int i = childFor(in, s, name);
        for (int k = 0; k < i; ++k) r += in->sizes[k];
        n = in->child[i];
    }
    const Leaf* l = static_cast<const Leaf*>(n);
    return r + static_cast<size_t>(memberIndex(l, s, m));
}

ScoreTree::Pos ScoreTree::at(size_t r) const {
    assert(r < size_);
    const Node* n = root_;
    while (!n->is_leaf) {
        const Inner* in = static_cast<const Inner*>(n);
        int i = 0;
        while (r >= in->sizes[i]) r -= in->sizes[i++];
        n = in->child[i];
    }
    return {static_cast<const Leaf*>(n), static_cast<uint32_t>(r)};
}

// Members before the first one for which before(score, member) is false; `before` must hold
// for a prefix of the order.
template <class Before>
size_t ScoreTree::countBefore(Before before) const {
    if (root_ == nullptr) return 0;
    size_t r = 0;
    const Node* n = root_;
    while (!n->is_leaf) {
        const Inner* in = static_cast<const Inner*>(n);
        // The last child whose minimum is before (the first child when none is).
        auto min_before = [&](int k) { return before(in->min_score[k], in->min_item[k]); };
        const int i = firstNotBefore(1, in->count, min_before) - 1;
        for (int k = 0; k < i; ++k) r += in->sizes[k];
        n = in->child[i];
    }
    const Leaf* l = static_cast<const Leaf*>(n);
    auto pair_before = [&](int k) { return before(l->score[k], l->item[k]); };
    return r + static_cast<size_t>(firstNotBefore(0, l->count, pair_before));
}

size_t ScoreTree::scoreBound(double s, bool strict) const {
    if (strict) return countBefore([s](double x, const ZMember*) { return x <= s; });
    return countBefore([s](double x, const ZMember*) { return x < s; });
}

size_t ScoreTree::lexBound(std::string_view m, bool strict) const {
    if (strict) {
        return countBefore(
            [m](double, const ZMember* x) { return compareMembers(x->name(), m) <= 0; });
    }
    return countBefore([m](double, const ZMember* x) { return compareMembers(x->name(), m) < 0; });
}

ZMember* ScoreTree::member(Pos p) {
    return p.leaf->item[p.idx];
}

double ScoreTree::score(Pos p) {
    return p.leaf->score[p.idx];
}

void ScoreTree::next(Pos& p) {
    if (++p.idx < p.leaf->count) return;
    p.leaf = p.leaf->next;
    p.idx = 0;
}

void ScoreTree::prev(Pos& p) {
    if (p.idx > 0) {
        --p.idx;
        return;
    }
    p.leaf = p.leaf->prev;
    p.idx = p.leaf != nullptr ? p.leaf->count - 1u : 0;
}

}  // namespace mini_redis
