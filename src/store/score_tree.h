// The by-order half of a large sorted set: an order-statistic B+ tree of (score, member), so
// insert, delete, rank, the member at a rank and the bounds of a score or lex range are all
// O(log n), and a range is walked leaf by leaf.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "zset_member.h"

namespace mini_redis {

// Not thread-safe: owned by its ZSetValue. It does not own the members (the sorted set frees
// them); it orders them by (score, name) as zsetLess does, each member at most once.
//
// Leaves hold up to kLeafCap (score, member) pairs (the score is copied so a search reads no
// member until scores tie) and are linked both ways. Inner nodes hold, per child, the child's
// pointer, its subtree's size (for ranks) and its minimum (score, member), the key a search
// compares with; a minimum is refreshed whenever the subtree's first member changes, so no
// node ever points at a member that left the tree. Nodes split when full (a split at the very
// end or start of the tree leaves the old leaf full: ascending inserts fill leaves) and merge
// with or borrow from a sibling below a third full. ~1 KiB nodes: with 62 pairs per leaf a
// member costs about 16-24 bytes of tree.
class ScoreTree {
  public:
    struct Leaf;
    // A place in the tree: a leaf and an index in it. Valid until the next change.
    struct Pos {
        const Leaf* leaf = nullptr;
        uint32_t idx = 0;
        bool valid() const { return leaf != nullptr; }
    };

    ScoreTree() = default;
    ~ScoreTree() { clear(); }
    ScoreTree(const ScoreTree&) = delete;
    ScoreTree& operator=(const ScoreTree&) = delete;

    size_t size() const { return size_; }
    // Bytes of the nodes, as the allocator sized them.
    size_t memoryBytes() const { return node_bytes_; }

    // Adds a member not in the tree, at its (score, name) place.
    void insert(ZMember* m);
    // Removes a member that is in the tree (its score must be the one it was inserted with).
    void erase(const ZMember* m);
    // The 0-based rank of a member that is in the tree.
    size_t rank(const ZMember* m) const;
    // The place of rank `r` (r < size()).
    Pos at(size_t r) const;
    // How many members come before every member with a score >= s (> s when `strict`): the
    // rank where a score range starting at s begins.
    size_t scoreBound(double s, bool strict) const;
    // The same by name, as if every score were equal: members before any name >= m (> m).
    size_t lexBound(std::string_view m, bool strict) const;
    // Forgets every member (frees the nodes, not the members).
    void clear();

    static ZMember* member(Pos p);
    static double score(Pos p);
    // Moves to the next (previous) member; the place becomes invalid past the end (start).
    static void next(Pos& p);
    static void prev(Pos& p);

    // Calls fn(member) for every member in order; fn must not change the tree.
    template <class Fn>
    void forEach(Fn&& fn) const {
        if (size_ == 0) return;
        for (Pos p = at(0); p.valid(); next(p)) fn(member(p));
    }

    // Checks every invariant (order, sizes, minimums, fill, links); for tests. Aborts on a
    // broken one.
    void verify() const;

  private:
    struct Node;
    struct Inner;
    Node* insertInto(Node* n, double s, ZMember* m);
    void eraseFrom(Node* n, double s, const ZMember* m);
    void fixChild(Inner* n, int i);
    // Moves n entries (every parallel field) from src[src_at..] to dst[dst_at..]; the nodes
    // are of one kind and may be the same node (the ranges may overlap).
    static void moveEntries(Node* dst, int dst_at, const Node* src, int src_at, int n);
    template <class Before>
    size_t countBefore(Before before) const;
    Leaf* newLeaf();
    Inner* newInner();
    void freeNode(Node* n);
    void freeSubtree(Node* n);
    size_t verifyNode(const Node* n, int depth, int height, const Leaf*& prev_leaf) const;
    // The child of an inner node a key (s, m) belongs to: the last whose minimum is <= it.
    static int childFor(const Inner* n, double s, std::string_view m);
    // Any node's subtree size and first (score, member).
    static size_t sizeOf(const Node* n);
    static void minOf(const Node* n, double& s, ZMember*& m);

    Node* root_ = nullptr;
    int height_ = 0;  // 1 = the root is a leaf
    size_t size_ = 0;
    size_t node_bytes_ = 0;
};

}  // namespace mini_redis
