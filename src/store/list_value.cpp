// The list's nodes: how they fill, split and merge, and the ring that holds them.
#include "list_value.h"

#include <cstdlib>
#include <new>
#include <utility>

namespace mini_redis {

namespace {

// Node byte bounds for fill -1..-5 (Redis's optimization_level), and the byte bound that
// also applies to a count-bounded node (Redis's SIZE_SAFETY_LIMIT).
constexpr size_t kSizeBounds[] = {4096, 8192, 16384, 32768, 65536};
constexpr size_t kSafetyBound = 8192;
constexpr int64_t kFillMax = 32767;  // Redis's FILL_MAX

int32_t clampFill(int64_t fill) {
    return static_cast<int32_t>(std::clamp<int64_t>(fill, -5, kFillMax));
}

}  // namespace

ListValue::ListValue(int64_t fill) : single_(), fill_(clampFill(fill)) {}

ListValue::~ListValue() {
    if (cap_ == 1) {
        single_.~Listpack();
        return;
    }
    for (uint32_t k = 0; k < cap_; ++k) ring_[k].~Listpack();
    std::free(ring_);
}

ListValue::ListValue(const ListValue& other)
    : Collection(), single_(), fill_(other.fill_), length_(other.length_) {
    if (other.nodes_ > 1) {
        uint32_t cap = 4;
        while (cap < other.nodes_) cap *= 2;
        reshape(cap);
    }
    for (size_t i = 0; i < other.nodes_; ++i) {
        Listpack& n = node(i);
        n = other.node(i);
        node_bytes_ += n.allocatedBytes();
    }
    nodes_ = other.nodes_;
}

size_t ListValue::memoryBytes() const {
    return sizeof(ListValue) + (cap_ > 1 ? cap_ * sizeof(Listpack) : 0) + node_bytes_;
}

// ---------------------------------------------------------------------------------------------
// Node bounds

bool ListValue::fits(const Listpack& n, size_t len) const {
    const size_t grown = n.usedBytes() + entryBytes(len);
    if (fill_ < 0) return grown <= kSizeBounds[-fill_ - 1];
    return n.size() < static_cast<size_t>(fill_) && grown <= kSafetyBound;
}

bool ListValue::over(const Listpack& n) const {
    if (n.size() <= 1) return false;
    if (fill_ < 0) return n.usedBytes() > kSizeBounds[-fill_ - 1];
    return n.size() > static_cast<size_t>(fill_) || n.usedBytes() > kSafetyBound;
}

bool ListValue::mergeable(size_t i) const {
    const Listpack& a = node(i);
    const Listpack& b = node(i + 1);
    const size_t bytes = a.usedBytes() + b.usedBytes() - Listpack::kHeader;
    if (fill_ < 0) return bytes <= kSizeBounds[-fill_ - 1];
    return a.size() + b.size() <= static_cast<size_t>(fill_) && bytes <= kSafetyBound;
}

// ---------------------------------------------------------------------------------------------
// The ring of nodes

size_t ListValue::locate(size_t index, size_t& offset) const {
    if (index < length_ / 2) {
        for (size_t i = 0;; ++i) {
            const size_t n = node(i).size();
            if (index < n) {
                offset = index;
                return i;
            }
            index -= n;
        }
    }
    size_t from_tail = length_ - 1 - index;
    for (size_t i = nodes_ - 1;; --i) {
        const size_t n = node(i).size();
        if (from_tail < n) {
            offset = n - 1 - from_tail;
            return i;
        }
        from_tail -= n;
    }
}

void ListValue::reshape(uint32_t cap) {
    Listpack* old = slots();
    const uint32_t old_cap = cap_;
    const uint32_t old_head = head_;
    if (cap == 1) {
        Listpack only = nodes_ > 0 ? std::move(old[old_head]) : Listpack();
        for (uint32_t k = 0; k < old_cap; ++k) old[k].~Listpack();
        std::free(old);
        new (&single_) Listpack(std::move(only));
    } else {
        auto* fresh = static_cast<Listpack*>(std::malloc(cap * sizeof(Listpack)));
        if (fresh == nullptr) throw std::bad_alloc();
        for (uint32_t k = 0; k < cap; ++k) new (&fresh[k]) Listpack();
        for (uint32_t k = 0; k < nodes_; ++k)
            fresh[k] = std::move(old[(old_head + k) & (old_cap - 1)]);
        if (old_cap == 1) {
            single_.~Listpack();
        } else {
            for (uint32_t k = 0; k < old_cap; ++k) old[k].~Listpack();
            std::free(old);
        }
        ring_ = fresh;
    }
    cap_ = cap;
    head_ = 0;
}

Listpack& ListValue::insertNode(size_t i) {
    if (nodes_ == cap_) reshape(cap_ == 1 ? 4 : cap_ * 2);
    const uint32_t mask = cap_ - 1;
    if (i < nodes_ - i) {
        // Shift nodes 0..i-1 one slot towards the head.
        head_ = (head_ + mask) & mask;
        for (size_t j = 0; j < i; ++j) node(j) = std::move(node(j + 1));
    } else {
        for (size_t j = nodes_; j > i; --j) node(j) = std::move(node(j - 1));
    }
    ++nodes_;
    return node(i);  // an empty slot (moved from, or never used)
}

void ListValue::eraseNode(size_t i) {
    Listpack& gone = node(i);
    node_bytes_ -= gone.allocatedBytes();
    gone.clear();
    if (i < nodes_ - 1 - i) {
        for (size_t j = i; j > 0; --j) node(j) = std::move(node(j - 1));
        head_ = (head_ + 1) & (cap_ - 1);
    } else {
        for (size_t j = i; j + 1 < nodes_; ++j) node(j) = std::move(node(j + 1));
    }
    --nodes_;
    if (cap_ > 1 && nodes_ <= 1) {
        reshape(1);
    } else if (cap_ > 4 && nodes_ * 4 <= cap_) {
        reshape(cap_ / 2);
    }
}

// ---------------------------------------------------------------------------------------------
// Splitting and merging

void ListValue::insertAt(size_t i, size_t pos, std::string_view v) {
    ++length_;
    Listpack& n = node(i);
    if (!fits(n, v.size())) {
        // A full node: at one of its ends the element goes to the neighbour or a new node.
        if (pos == n.end()) {
            if (i + 1 < nodes_ && fits(node(i + 1), v.size())) {
                Listpack& next = node(i + 1);
                track(next, [&] { next.pushFront(v); });
            } else {
                Listpack& fresh = insertNode(i + 1);
                track(fresh, [&] { fresh.pushBack(v); });
            }
            return;
        }
        if (pos == n.begin()) {
            if (i > 0 && fits(node(i - 1), v.size())) {
                Listpack& prev = node(i - 1);
                track(prev, [&] { prev.pushBack(v); });
            } else {
                Listpack& fresh = insertNode(i);
                track(fresh, [&] { fresh.pushBack(v); });
            }
            return;
        }
    }
    track(n, [&] { n.insert(pos, v); });
    splitIfOver(i);
}

void ListValue::splitIfOver(size_t i) {
    Listpack& n = node(i);
    if (!over(n)) return;
    // Split where the bytes are halved, leaving at least one entry on each side.
    const size_t count = n.size();
    const size_t half = n.usedBytes() / 2;
    size_t pos = n.begin();
    size_t idx = 0;
    while (idx < count - 1) {
        pos += entryBytes(n.at(pos).size());
        ++idx;
        if (pos >= half) break;
    }
    Listpack tail(n);
    track(n, [&] { n.erase(pos, count - idx); });
    tail.erase(tail.begin(), idx);
    const size_t tail_bytes = tail.allocatedBytes();
    insertNode(i + 1) = std::move(tail);
    node_bytes_ += tail_bytes;
    splitIfOver(i + 1);
    splitIfOver(i);
}

void ListValue::mergeNext(size_t i) {
    Listpack& a = node(i);
    const Listpack& b = node(i + 1);
    track(a, [&] {
        for (size_t pos = b.begin(), stop = b.end(); pos < stop;) {
            std::string_view v = b.at(pos);
            a.pushBack(v);
            pos += entryBytes(v.size());
        }
    });
    eraseNode(i + 1);
}

void ListValue::compactRange(size_t lo, size_t hi) {
    for (size_t i = lo; i < hi && i + 1 < nodes_;) {
        if (mergeable(i)) {
            mergeNext(i);
            --hi;
        } else {
            ++i;
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Operations

void ListValue::push(End end, std::string_view v) {
    const bool head = end == End::Head;
    if (nodes_ == 0 || !fits(head ? node(0) : node(nodes_ - 1), v.size())) {
        insertNode(head ? 0 : nodes_);
    }
    Listpack& n = head ? node(0) : node(nodes_ - 1);
    track(n, [&] { head ? n.pushFront(v) : n.pushBack(v); });
    ++length_;
}

std::string_view ListValue::at(size_t index) const {
    size_t offset = 0;
    const Listpack& n = node(locate(index, offset));
    return n.at(n.seek(static_cast<int64_t>(offset)));
}

void ListValue::set(size_t index, std::string_view v) {
    size_t offset = 0;
    const size_t i = locate(index, offset);
    Listpack& n = node(i);
    const size_t pos = n.seek(static_cast<int64_t>(offset));
    const size_t old = n.at(pos).size();
    track(n, [&] { n.replace(pos, v); });
    if (v.size() > old) {
        splitIfOver(i);
    } else if (v.size() < old) {
        compactRange(i > 0 ? i - 1 : 0, i + 1);
    }
}

bool ListValue::insert(std::string_view pivot, bool after, std::string_view v) {
    for (size_t i = 0; i < nodes_; ++i) {
        const Listpack& n = node(i);
        const size_t pos = n.find(pivot, n.begin());
        if (pos == n.end()) continue;
        insertAt(i, after ? pos + entryBytes(n.at(pos).size()) : pos, v);
        return true;
    }
    return false;
}

size_t ListValue::remove(std::string_view v, int64_t count) {
    // |count| without overflow for INT64_MIN; 0 means no limit.
    const uint64_t magnitude =
        count < 0 ? uint64_t{0} - static_cast<uint64_t>(count) : static_cast<uint64_t>(count);
    const uint64_t limit = count == 0 ? UINT64_MAX : magnitude;
    uint64_t removed = 0;
    if (count >= 0) {
        size_t i = 0;
        while (i < nodes_ && removed < limit) {
            Listpack& n = node(i);
            track(n, [&] {
                for (size_t pos = n.find(v, n.begin()); pos < n.end() && removed < limit;
                     pos = n.find(v, pos)) {
                    pos = n.erase(pos);
                    ++removed;
                }
            });
            if (n.empty()) {
                eraseNode(i);
            } else {
                ++i;
            }
        }
        if (removed > 0) compactRange(0, i + 1);
    } else {
        size_t i = nodes_;
        while (i > 0 && removed < limit) {
            --i;
            Listpack& n = node(i);
            track(n, [&] {
                for (size_t pos = n.end(); pos > n.begin() && removed < limit;) {
                    pos = n.prev(pos);
                    if (n.at(pos) == v) {
                        n.erase(pos);
                        ++removed;
                    }
                }
            });
            if (n.empty()) eraseNode(i);
        }
        if (removed > 0) compactRange(i > 0 ? i - 1 : 0, nodes_);
    }
    length_ -= removed;
    return removed;
}

void ListValue::erase(size_t start, size_t n) {
    if (start >= length_) return;
    n = std::min(n, length_ - start);
    if (n == 0) return;
    size_t offset = 0;
    size_t i = locate(start, offset);
    length_ -= n;
    while (n > 0) {
        Listpack& lp = node(i);
        const size_t size = lp.size();
        if (offset == 0 && n >= size) {
            eraseNode(i);
            n -= size;
            continue;
        }
        const size_t take = std::min(n, size - offset);
        track(lp, [&] { lp.erase(lp.seek(static_cast<int64_t>(offset)), take); });
        n -= take;
        offset = 0;
        ++i;
    }
    compactRange(i > 1 ? i - 2 : 0, i + 1);
}

bool ListValue::valid() const {
    if (nodes_ > cap_ || (cap_ & (cap_ - 1)) != 0) return false;
    size_t total = 0;
    size_t bytes = 0;
    for (size_t i = 0; i < nodes_; ++i) {
        const Listpack& n = node(i);
        if (n.empty() || over(n)) return false;
        total += n.size();
        bytes += n.allocatedBytes();
    }
    for (size_t k = 0; k < cap_; ++k) {
        // Slots not in use hold no block.
        const size_t rel = (k + cap_ - head_) & (cap_ - 1);
        if (rel >= nodes_ && slots()[k].allocatedBytes() != 0) return false;
    }
    return total == length_ && bytes == node_bytes_;
}

}  // namespace mini_redis
