// Unit tests for the lazy-free path: big collections leave the table at once and are freed on
// the reclaimer's thread; the table counts collection memory as it changes.
#include "reclaimer.h"

#include <doctest/doctest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "key_table.h"

using namespace mini_redis;

namespace {

std::atomic<int> live{0};
std::atomic<int> freed_off_thread{0};
std::thread::id main_thread;

// A collection of `n` integers that records where it was destroyed.
class Numbers : public Collection {
  public:
    explicit Numbers(size_t n) : items_(n, 7) { ++live; }
    ~Numbers() override {
        --live;
        if (std::this_thread::get_id() != main_thread) ++freed_off_thread;
    }
    size_t memoryBytes() const override { return sizeof *this + items_.capacity() * 8; }
    std::string_view encoding() const override { return "test"; }
    Collection* clone() const override { return new Numbers(items_.size()); }
    size_t length() const override { return items_.size(); }
    void grow(size_t n) { items_.resize(items_.size() + n, 7); }

  private:
    std::vector<int64_t> items_;
};

}  // namespace

TEST_CASE("the reclaimer frees what it is given, off the caller's thread") {
    main_thread = std::this_thread::get_id();
    live = 0;
    freed_off_thread = 0;
    {
        Reclaimer r;
        for (int i = 0; i < 100; ++i) r.give(new Numbers(10));
        r.drain();
        CHECK(r.pending() == 0);
        CHECK(r.freed() == 100);
        CHECK(live == 0);
        CHECK(freed_off_thread == 100);
        for (int i = 0; i < 50; ++i) r.give(new Numbers(1000));
    }  // the destructor frees what is still queued
    CHECK(live == 0);
}

TEST_CASE("a key table sends big collections to the reclaimer and frees small ones inline") {
    main_thread = std::this_thread::get_id();
    live = 0;
    freed_off_thread = 0;
    Reclaimer r;
    KeyTable t(KeyHash::process(), &r);
    auto put = [&](std::string_view k, size_t n) {
        t.putCollection(k, t.hashOf(k), ValueType::List, new Numbers(n), kNoExpiry);
    };
    put("small", kLazyFreeThreshold);
    put("big", kLazyFreeThreshold + 1);
    put("huge", 100000);
    CHECK(t.erase("small", t.hashOf("small")));
    CHECK(freed_off_thread == 0);
    CHECK(live == 2);
    CHECK(t.erase("big", t.hashOf("big")));
    put("huge", 3);  // an overwrite frees the old value the same way
    t.clear();
    r.drain();
    CHECK(live == 0);
    CHECK(freed_off_thread == 2);
    CHECK(r.freed() == 2);
}

TEST_CASE("collection memory is counted when stored, changed in place, moved and removed") {
    KeyTable t;
    const size_t empty = t.memoryBytes();
    auto* n = new Numbers(100);
    t.putCollection("k", t.hashOf("k"), ValueType::List, n, kNoExpiry);
    const size_t with = t.memoryBytes();
    CHECK(with >= empty + n->memoryBytes());
    n->grow(1000);
    t.recount(t.find("k", t.hashOf("k")));
    CHECK(t.memoryBytes() == with + 1000 * 8 + (n->memoryBytes() - sizeof *n - 1100 * 8));

    KeyTable other;
    KeyTable::Entry* d = t.detach("k", t.hashOf("k"));
    CHECK(t.memoryBytes() < n->memoryBytes());
    other.adopt("k2", other.hashOf("k2"), d);
    CHECK(other.memoryBytes() >= n->memoryBytes());
    CHECK(other.erase("k2", other.hashOf("k2")));
    CHECK(other.memoryBytes() < 100);
}
