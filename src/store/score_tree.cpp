// Order-statistic B+ tree, the writes: nodes, insert with split, erase with merge or borrow,
// and the invariant check they keep. The reads are in score_tree_read.cpp.
#include "score_tree.h"

#include <malloc.h>

#include <cassert>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>

#include "score_tree_nodes.h"

namespace mini_redis {

using namespace score_tree_detail;

namespace {

template <class T>
void moveItems(T* dst, const T* src, size_t n) {
    std::memmove(dst, src, n * sizeof(T));
}

}  // namespace

ScoreTree::Leaf* ScoreTree::newLeaf() {
    void* block = std::malloc(sizeof(Leaf));
    if (block == nullptr) throw std::bad_alloc();
    node_bytes_ += malloc_usable_size(block);
    Leaf* l = static_cast<Leaf*>(block);
    l->count = 0;
    l->is_leaf = true;
    l->prev = l->next = nullptr;
    return l;
}

ScoreTree::Inner* ScoreTree::newInner() {
    void* block = std::malloc(sizeof(Inner));
    if (block == nullptr) throw std::bad_alloc();
    node_bytes_ += malloc_usable_size(block);
    Inner* n = static_cast<Inner*>(block);
    n->count = 0;
    n->is_leaf = false;
    return n;
}

void ScoreTree::freeNode(Node* n) {
    node_bytes_ -= malloc_usable_size(n);
    std::free(n);
}

void ScoreTree::freeSubtree(Node* n) {
    if (!n->is_leaf) {
        Inner* in = static_cast<Inner*>(n);
        for (int i = 0; i < in->count; ++i) freeSubtree(in->child[i]);
    }
    freeNode(n);
}

void ScoreTree::clear() {
    if (root_ != nullptr) freeSubtree(root_);
    root_ = nullptr;
    height_ = 0;
    size_ = 0;
}

void ScoreTree::moveEntries(Node* dst, int dst_at, const Node* src, int src_at, int n) {
    if (n <= 0) return;
    if (dst->is_leaf) {
        Leaf* d = static_cast<Leaf*>(dst);
        const Leaf* s = static_cast<const Leaf*>(src);
        moveItems(d->score + dst_at, s->score + src_at, n);
        moveItems(d->item + dst_at, s->item + src_at, n);
    } else {
        Inner* d = static_cast<Inner*>(dst);
        const Inner* s = static_cast<const Inner*>(src);
        moveItems(d->sizes + dst_at, s->sizes + src_at, n);
        moveItems(d->min_score + dst_at, s->min_score + src_at, n);
        moveItems(d->min_item + dst_at, s->min_item + src_at, n);
        moveItems(d->child + dst_at, s->child + src_at, n);
    }
}

ScoreTree::Node* ScoreTree::insertInto(Node* n, double s, ZMember* m) {
    const std::string_view name = m->name();
    if (n->is_leaf) {
        Leaf* l = static_cast<Leaf*>(n);
        // The first pair after the key.
        auto not_after = [&](int k) { return !pairLess(s, name, l->score[k], l->item[k]); };
        int j = firstNotBefore(0, l->count, not_after);
        Leaf* into = l;
        Leaf* r = nullptr;
        if (l->count == kLeafCap) {
            r = newLeaf();
            r->next = l->next;
            r->prev = l;
            if (l->next != nullptr) l->next->prev = r;
            l->next = r;
            int keep;  // pairs staying in l
            if (j == kLeafCap && r->next == nullptr) {
                keep = kLeafCap;  // appending at the end of the tree: l stays full
            } else if (j == 0 && l->prev == nullptr) {
                keep = 0;  // prepending at the start: everything moves right, l takes the key
            } else {
                keep = (kLeafCap + 1) / 2;
            }
            r->count = static_cast<uint16_t>(kLeafCap - keep);
            moveEntries(r, 0, l, keep, r->count);
            l->count = static_cast<uint16_t>(keep);
            if (j > keep || keep == kLeafCap) {
                into = r;
                j -= keep;
            }
        }
        moveEntries(into, j + 1, into, j, into->count - j);
        into->score[j] = s;
        into->item[j] = m;
        ++into->count;
        return r;
    }
    Inner* in = static_cast<Inner*>(n);
    int i = childFor(in, s, name);
    Node* split = insertInto(in->child[i], s, m);
    ++in->sizes[i];
    minOf(in->child[i], in->min_score[i], in->min_item[i]);
    if (split == nullptr) return nullptr;
    in->sizes[i] = sizeOf(in->child[i]);
    // The new child goes at i + 1; a full node splits first.
    Inner* into = in;
    Inner* right = nullptr;
    int at = i + 1;
    if (in->count == kInnerCap) {
        right = newInner();
        const int keep = (kInnerCap + 1) / 2;
        right->count = static_cast<uint16_t>(kInnerCap - keep);
        moveEntries(right, 0, in, keep, right->count);
        in->count = static_cast<uint16_t>(keep);
        if (at > keep) {
            into = right;
            at -= keep;
        }
    }
    moveEntries(into, at + 1, into, at, into->count - at);
    into->child[at] = split;
    into->sizes[at] = sizeOf(split);
    minOf(split, into->min_score[at], into->min_item[at]);
    ++into->count;
    return right;
}

void ScoreTree::insert(ZMember* m) {
    if (root_ == nullptr) {
        root_ = newLeaf();
        height_ = 1;
    }
    Node* split = insertInto(root_, m->score, m);
    ++size_;
    if (split != nullptr) {
        Inner* top = newInner();
        top->count = 2;
        top->child[0] = root_;
        top->child[1] = split;
        for (int i = 0; i < 2; ++i) {
            top->sizes[i] = sizeOf(top->child[i]);
            minOf(top->child[i], top->min_score[i], top->min_item[i]);
        }
        root_ = top;
        ++height_;
    }
}

void ScoreTree::eraseFrom(Node* n, double s, const ZMember* m) {
    const std::string_view name = m->name();
    if (n->is_leaf) {
        Leaf* l = static_cast<Leaf*>(n);
        const int i = memberIndex(l, s, m);
        moveEntries(l, i, l, i + 1, l->count - i - 1);
        --l->count;
        return;
    }
    Inner* in = static_cast<Inner*>(n);
    int i = childFor(in, s, name);
    eraseFrom(in->child[i], s, m);
    --in->sizes[i];
    fixChild(in, i);
}

// After a removal under child i: refreshes its minimum and, when it fell under a third full,
// merges it with a sibling or moves pairs over from one.
void ScoreTree::fixChild(Inner* n, int i) {
    Node* c = n->child[i];
    const int min_fill = c->is_leaf ? kLeafMin : kInnerMin;
    if (c->count >= min_fill || n->count < 2) {
        if (c->count > 0) minOf(c, n->min_score[i], n->min_item[i]);
        return;
    }
    const int left = i > 0 ? i - 1 : 0;
    const int right = left + 1;
    Node* a = n->child[left];
    Node* b = n->child[right];
    const int cap = a->is_leaf ? kLeafCap : kInnerCap;
    const int total = a->count + b->count;
    if (total <= cap) {
        // Merge b into a; b's entry leaves n.
        moveEntries(a, a->count, b, 0, b->count);
        if (a->is_leaf) {
            Leaf* la = static_cast<Leaf*>(a);
            Leaf* lb = static_cast<Leaf*>(b);
            la->next = lb->next;
            if (lb->next != nullptr) lb->next->prev = la;
        }
        a->count = static_cast<uint16_t>(total);
        freeNode(b);
        n->sizes[left] += n->sizes[right];
        moveEntries(n, right, n, right + 1, n->count - right - 1);
        --n->count;
        minOf(a, n->min_score[left], n->min_item[left]);
        return;
    }
    // Redistribute: a keeps half (rounded down), b the rest.
    const int want_a = total / 2;
    if (a->count < want_a) {
        const int k = want_a - a->count;
        moveEntries(a, a->count, b, 0, k);
        moveEntries(b, 0, b, k, b->count - k);
    } else {
        const int k = a->count - want_a;
        moveEntries(b, k, b, 0, b->count);
        moveEntries(b, 0, a, want_a, k);
    }
    a->count = static_cast<uint16_t>(want_a);
    b->count = static_cast<uint16_t>(total - want_a);
    n->sizes[left] = sizeOf(a);
    n->sizes[right] = sizeOf(b);
    minOf(a, n->min_score[left], n->min_item[left]);
    minOf(b, n->min_score[right], n->min_item[right]);
}

void ScoreTree::erase(const ZMember* m) {
    assert(root_ != nullptr);
    eraseFrom(root_, m->score, m);
    --size_;
    while (!root_->is_leaf && root_->count == 1) {
        Node* only = static_cast<Inner*>(root_)->child[0];
        freeNode(root_);
        root_ = only;
        --height_;
    }
    if (root_->is_leaf && root_->count == 0) {
        freeNode(root_);
        root_ = nullptr;
        height_ = 0;
    }
}

int ScoreTree::childFor(const Inner* n, double s, std::string_view m) {
    // The child before the first of children 1..count-1 whose minimum is after the key.
    auto min_not_after = [&](int k) {
        return !zsetLess(s, m, n->min_score[k], n->min_item[k]->name());
    };
    return firstNotBefore(1, n->count, min_not_after) - 1;
}

size_t ScoreTree::sizeOf(const Node* n) {
    if (n->is_leaf) return n->count;
    auto* in = static_cast<const Inner*>(n);
    size_t total = 0;
    for (int i = 0; i < in->count; ++i) total += in->sizes[i];
    return total;
}

void ScoreTree::minOf(const Node* n, double& s, ZMember*& m) {
    if (n->is_leaf) {
        auto* l = static_cast<const Leaf*>(n);
        s = l->score[0];
        m = l->item[0];
    } else {
        auto* in = static_cast<const Inner*>(n);
        s = in->min_score[0];
        m = in->min_item[0];
    }
}

size_t ScoreTree::verifyNode(const Node* n, int depth, int height,
                             const Leaf*& prev_leaf) const {
    auto check = [](bool ok, const char* what) {
        if (!ok) {
            std::fprintf(stderr, "ScoreTree::verify: %s\n", what);
            std::abort();
        }
    };
    check(n->count > 0, "empty node");
    if (n->is_leaf) {
        check(depth == height, "leaf depth");
        const Leaf* l = static_cast<const Leaf*>(n);
        check(l->prev == prev_leaf, "leaf back link");
        check(prev_leaf == nullptr || prev_leaf->next == l, "leaf forward link");
        for (int i = 0; i < l->count; ++i) {
            check(l->score[i] == l->item[i]->score, "leaf score copy");
            if (i > 0) {
                check(pairLess(l->score[i - 1], l->item[i - 1]->name(), l->score[i], l->item[i]),
                      "leaf order");
            }
        }
        if (prev_leaf != nullptr) {
            const int last = prev_leaf->count - 1;
            check(pairLess(prev_leaf->score[last], prev_leaf->item[last]->name(), l->score[0],
                           l->item[0]),
                  "order across leaves");
        }
        prev_leaf = l;
        return l->count;
    }
    const Inner* in = static_cast<const Inner*>(n);
    check(depth == 1 || in->count >= 2, "inner node with one child");
    size_t total = 0;
    for (int i = 0; i < in->count; ++i) {
        double s = 0;
        ZMember* m = nullptr;
        minOf(in->child[i], s, m);
        check(s == in->min_score[i] && m == in->min_item[i], "stale minimum");
        size_t sub = verifyNode(in->child[i], depth + 1, height, prev_leaf);
        check(sub == in->sizes[i], "subtree size");
        total += sub;
    }
    return total;
}

void ScoreTree::verify() const {
    if (root_ == nullptr) {
        if (size_ != 0 || height_ != 0) std::abort();
        return;
    }
    const Leaf* prev_leaf = nullptr;
    size_t n = verifyNode(root_, 1, height_, prev_leaf);
    if (n != size_ || prev_leaf->next != nullptr) {
        std::fprintf(stderr, "ScoreTree::verify: size or last link\n");
        std::abort();
    }
}

}  // namespace mini_redis