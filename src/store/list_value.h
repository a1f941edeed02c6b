// A list value (Redis's quicklist): a sequence of Listpack nodes bounded by
// list-max-listpack-size, with O(1) pushes and pops at both ends.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <type_traits>

#include "listpack.h"
#include "value.h"

namespace mini_redis {

// Not thread-safe: guarded by its shard (the key table owns it).
//
// Layout: `nodes_` Listpack nodes, head first, kept in a ring whose capacity is a power of two;
// a list of one node keeps it inline (no ring allocated), so a small list is this object and
// one listpack block. No node is ever empty. How much a node holds is `fill`, Redis's
// list-max-listpack-size as it was when the list was made (Redis fixes it then too): -1..-5
// bound a node's bytes (4, 8, 16, 32, 64 KiB), a positive fill bounds its count (and its
// bytes to 8 KiB, Redis's safety limit). A push that does not fit the end node starts a new
// one; an insert into a full node splits it; a node that shrank is merged into a neighbour
// when both fit one node. An element bigger than the bound gets a node of its own.
//
// Element views (std::string_view) handed out point into a node: valid until the next change.
class ListValue final : public Collection {
  public:
    enum class End : uint8_t { Head, Tail };

    explicit ListValue(int64_t fill);
    ~ListValue() override;
    ListValue(const ListValue& other);
    ListValue& operator=(const ListValue&) = delete;

    size_t memoryBytes() const override;
    std::string_view encoding() const override { return "quicklist"; }
    Collection* clone() const override { return new ListValue(*this); }
    size_t length() const override { return length_; }

    int fill() const { return fill_; }
    size_t nodeCount() const { return nodes_; }

    void push(End end, std::string_view v);
    // Pops up to `n` elements from `end`, calling fn(view) for each in pop order (the view is
    // valid during the call only; fn must not change this list). Returns how many.
    template <class Fn>
    size_t pop(End end, size_t n, Fn&& fn);

    // Element `index` (0-based from the head; the caller resolves negative indexes).
    // Requires index < length().
    std::string_view at(size_t index) const;
    // Replaces element `index` (< length()).
    void set(size_t index, std::string_view v);
    // Inserts `v` before (or after) the first element equal to `pivot`; false if none is.
    bool insert(std::string_view pivot, bool after, std::string_view v);
    // Removes elements equal to `v`: up to `count` from the head (count > 0), from the tail
    // (count < 0), or all (0). Returns how many.
    size_t remove(std::string_view v, int64_t count);
    // Removes `n` elements starting at `start` (clamped to the list).
    void erase(size_t start, size_t n);

    // Calls fn(view) for elements start .. start+n-1 (the range must be inside the list).
    template <class Fn>
    void forRange(size_t start, size_t n, Fn&& fn) const {
        forRange(
            start, n, [](size_t, size_t) {}, fn);
    }
    // The same, calling run(count, payload) first for each run of elements that lie in one
    // node: `count` elements whose lengths add up to at most `payload` bytes (for an emitter
    // that sizes its buffer once per run).
    template <class Run, class Fn>
    void forRange(size_t start, size_t n, Run&& run, Fn&& fn) const;
    // Calls fn(view) from `from` towards the other end until it returns false.
    template <class Fn>
    void walk(End from, Fn&& fn) const;

    // Checks every invariant (node counts and bounds, byte total); for tests.
    bool valid() const;

  private:
    // Bytes of an entry of `len` bytes in a node: Listpack::entryBytes, with the short case
    // inline (one length byte each way up to 126 bytes; listpack_test checks the two agree).
    static size_t entryBytes(size_t len) {
        return len <= 126 ? len + 2 : Listpack::entryBytes(len);
    }

    Listpack* slots() { return cap_ == 1 ? &single_ : ring_; }
    const Listpack* slots() const { return cap_ == 1 ? &single_ : ring_; }
    Listpack& node(size_t i) { return slots()[(head_ + i) & (cap_ - 1)]; }
    const Listpack& node(size_t i) const { return slots()[(head_ + i) & (cap_ - 1)]; }

    // Whether a node may take one more entry of `len` bytes, and whether it holds too much.
    bool fits(const Listpack& n, size_t len) const;
    bool over(const Listpack& n) const;
    // Whether nodes i and i+1 fit in one node.
    bool mergeable(size_t i) const;

    // The node holding element `index` and the element's offset in it.
    size_t locate(size_t index, size_t& offset) const;
    // Adds an empty node at position i (0 = new head), or removes node i.
    Listpack& insertNode(size_t i);
    void eraseNode(size_t i);
    // Moves the nodes to a ring of `cap` slots (1: inline).
    void reshape(uint32_t cap);

    // Inserts `v` before byte position `pos` of node i, splitting or spilling if it is full.
    void insertAt(size_t i, size_t pos, std::string_view v);
    // Splits node i (and the halves, again) until no part holds too much.
    void splitIfOver(size_t i);
    // Merges neighbours among nodes lo..hi (and hi+1) while two in a row fit one node: after
    // entries were removed there.
    void compactRange(size_t lo, size_t hi);
    // Appends node i+1's entries to node i and removes node i+1.
    void mergeNext(size_t i);

    // Runs a change to node n, keeping node_bytes_ (the nodes' allocated bytes) right.
    template <class F>
    auto track(Listpack& n, F&& change) {
        const size_t before = n.allocatedBytes();
        if constexpr (std::is_void_v<decltype(change())>) {
            change();
            node_bytes_ = node_bytes_ - before + n.allocatedBytes();
        } else {
            auto r = change();
            node_bytes_ = node_bytes_ - before + n.allocatedBytes();
            return r;
        }
    }

    union {
        Listpack single_;  // cap_ == 1: the one slot, inline
        Listpack* ring_;   // cap_ > 1: cap_ slots from malloc
    };
    uint32_t cap_ = 1;    // slots; a power of two
    uint32_t head_ = 0;   // slot of node 0
    uint32_t nodes_ = 0;  // nodes in use
    int32_t fill_;        // clamped to [-5, 32767] as Redis clamps it
    size_t length_ = 0;
    size_t node_bytes_ = 0;
};

template <class Fn>
size_t ListValue::pop(End end, size_t n, Fn&& fn) {
    size_t done = 0;
    while (done < n && nodes_ > 0) {
        const size_t i = end == End::Head ? 0 : nodes_ - 1;
        Listpack& lp = node(i);
        const size_t take = std::min(n - done, lp.size());
        size_t first;  // position of the first entry taken, in list order
        if (end == End::Head) {
            first = lp.begin();
            size_t pos = first;
            for (size_t k = 0; k < take; ++k) {
                std::string_view v = lp.at(pos);
                fn(v);
                pos += entryBytes(v.size());
            }
        } else {
            size_t pos = lp.end();
            for (size_t k = 0; k < take; ++k) {
                pos = lp.prev(pos);
                fn(lp.at(pos));
            }
            first = pos;
        }
        done += take;
        length_ -= take;
        if (take == lp.size()) {
            eraseNode(i);
        } else {
            track(lp, [&] { lp.erase(first, take); });
        }
    }
    return done;
}

template <class Run, class Fn>
void ListValue::forRange(size_t start, size_t n, Run&& run, Fn&& fn) const {
    if (n == 0) return;
    size_t offset = 0;
    size_t i = locate(start, offset);
    size_t pos = node(i).seek(static_cast<int64_t>(offset));
    while (true) {
        const Listpack& lp = node(i);
        const size_t count = std::min(n, lp.size() - offset);
        // Every entry spends at least 2 bytes on its lengths.
        run(count, lp.usedBytes() - Listpack::kHeader - 2 * lp.size());
        for (size_t k = 0; k < count; ++k) {
            std::string_view v = lp.at(pos);
            fn(v);
            pos += entryBytes(v.size());
        }
        n -= count;
        if (n == 0) return;
        offset = 0;
        pos = node(++i).begin();
    }
}

template <class Fn>
void ListValue::walk(End from, Fn&& fn) const {
    if (from == End::Head) {
        for (size_t i = 0; i < nodes_; ++i) {
            const Listpack& lp = node(i);
            for (size_t pos = lp.begin(), stop = lp.end(); pos < stop;) {
                std::string_view v = lp.at(pos);
                if (!fn(v)) return;
                pos += entryBytes(v.size());
            }
        }
    } else {
        for (size_t i = nodes_; i-- > 0;) {
            const Listpack& lp = node(i);
            for (size_t pos = lp.end(); pos > lp.begin();) {
                pos = lp.prev(pos);
                if (!fn(lp.at(pos))) return;
            }
        }
    }
}

}  // namespace mini_redis
