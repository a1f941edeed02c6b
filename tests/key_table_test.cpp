// KeyTable: the packed per-shard hash table of typed values with an optional inline expiry,
// checked against a std::unordered_map model, with a Collection that counts its own lifetime.
#include "key_table.h"

#include <doctest/doctest.h>

#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <unordered_map>

using mini_redis::Collection;
using mini_redis::kNoExpiry;
using mini_redis::KeyTable;
using mini_redis::StringEncoding;
using mini_redis::ValueType;
using namespace std::string_literals;

namespace {

// A collection that records how many of its kind are alive, so a test sees exactly when the
// table deletes one.
class Counted : public Collection {
  public:
    explicit Counted(int tag = 0) : tag(tag) { ++alive; }
    ~Counted() override { --alive; }
    size_t memoryBytes() const override { return 100; }
    std::string_view encoding() const override { return "test"; }
    Collection* clone() const override { return new Counted(tag); }
    size_t length() const override { return 1; }
    int tag;
    static inline int alive = 0;
};

KeyTable::Entry* putS(KeyTable& t, std::string_view k, std::string_view v,
                      int64_t at = kNoExpiry, bool* created = nullptr) {
    return t.putString(k, t.hashOf(k), v, StringEncoding::Auto, at, created);
}
KeyTable::Entry* find(const KeyTable& t, std::string_view k) {
    return t.find(k, t.hashOf(k));
}
bool erase(KeyTable& t, std::string_view k) {
    return t.erase(k, t.hashOf(k));
}
std::string valueOf(const KeyTable& t, std::string_view k) {
    KeyTable::Entry* e = find(t, k);
    REQUIRE(e != nullptr);
    return std::string(KeyTable::value(e));
}
std::string named(std::string_view prefix, long n) {
    std::string out(prefix);
    out += std::to_string(n);
    return out;
}
// Slots whose expire bit is set, counted from the slot array alone.
size_t expireBits(const KeyTable& t) {
    size_t n = 0;
    for (size_t i = 0; i < t.slotCount(); ++i) {
        if (t.slotHasExpire(i)) {
            CHECK(t.slotEntry(i) != nullptr);
            ++n;
        }
    }
    return n;
}
// Every slot's expire bit agrees with its entry's header.
void checkExpireBits(const KeyTable& t) {
    size_t entries = 0;
    for (size_t i = 0; i < t.slotCount(); ++i) {
        const KeyTable::Entry* e = t.slotEntry(i);
        if (e == nullptr) {
            CHECK_FALSE(t.slotHasExpire(i));
            continue;
        }
        ++entries;
        CHECK(t.slotHasExpire(i) == KeyTable::hasExpire(e));
    }
    CHECK(entries == t.size());
    CHECK(expireBits(t) == t.expires());
}

}  // namespace

TEST_CASE("putString reports new keys, values and keys are binary-safe") {
    KeyTable t;
    bool created = false;
    putS(t, "a", "1", kNoExpiry, &created);
    CHECK(created);
    putS(t, "a", "a longer value than before, past any in-place room", kNoExpiry, &created);
    CHECK_FALSE(created);
    CHECK(valueOf(t, "a") == "a longer value than before, past any in-place room");
    putS(t, "bin\0key"s, "v\r\n\0x"s);
    CHECK(valueOf(t, "bin\0key"s) == "v\r\n\0x"s);
    CHECK(find(t, "bin") == nullptr);
    putS(t, "", "");  // the empty key is a key, the empty value a value
    CHECK(valueOf(t, "") == "");
    CHECK(t.size() == 3);
    KeyTable::Entry* e = find(t, "a");
    CHECK(KeyTable::key(e) == "a");
    CHECK(KeyTable::type(e) == ValueType::String);
    CHECK(KeyTable::collection(e) == nullptr);
    CHECK(KeyTable::expireAt(e) == kNoExpiry);
    CHECK(KeyTable::allocatedBytes(e) >= 9 + 1 + 50);
}

TEST_CASE("encodings are kept per write") {
    KeyTable t;
    t.putString("k", t.hashOf("k"), "12", StringEncoding::NoInt, kNoExpiry);
    CHECK(KeyTable::encoding(find(t, "k")) == StringEncoding::NoInt);
    t.putString("k", t.hashOf("k"), "13", StringEncoding::Auto, 5000);
    CHECK(KeyTable::encoding(find(t, "k")) == StringEncoding::Auto);
    CHECK(KeyTable::expireAt(find(t, "k")) == 5000);
}

TEST_CASE("an overwrite that fits reuses the entry; one much smaller or of another layout does not") {
    KeyTable t;
    KeyTable::Entry* first = putS(t, "k", "0123456789");
    // Same size, same layout (no TTL): the block is reused in place.
    CHECK(putS(t, "k", "abcdefghij") == first);
    CHECK(valueOf(t, "k") == "abcdefghij");
    CHECK(putS(t, "k", "abcdefgh") == first);  // a little smaller still fits
    CHECK(valueOf(t, "k") == "abcdefgh");
    // A TTL changes the layout: a new block.
    KeyTable::Entry* with_ttl = putS(t, "k", "abcdefgh", 1000);
    CHECK(KeyTable::expireAt(with_ttl) == 1000);
    CHECK(t.expires() == 1);
    // TTL to TTL of the same size: reused, the new time written.
    CHECK(putS(t, "k", "ABCDEFGH", 2000) == with_ttl);
    CHECK(KeyTable::expireAt(find(t, "k")) == 2000);
    CHECK(t.expires() == 1);
    // Back to no TTL: the plain overwrite drops it.
    putS(t, "k", "x");
    CHECK(KeyTable::expireAt(find(t, "k")) == kNoExpiry);
    CHECK(t.expires() == 0);
    // A big value overwritten by a small one gives its memory back.
    putS(t, "big", std::string(4096, 'b'));
    const size_t big_bytes = t.memoryBytes();
    putS(t, "big", "s");
    CHECK(t.memoryBytes() + 4000 < big_bytes);
    CHECK(t.size() == 2);
    checkExpireBits(t);
}

TEST_CASE("setExpire adds, changes and removes a TTL, keeping the value and the slot bit") {
    KeyTable t;
    putS(t, "k", "value");
    putS(t, "other", "o");
    CHECK(t.expires() == 0);
    CHECK(t.setExpire("missing", t.hashOf("missing"), 5) == nullptr);
    KeyTable::Entry* e = t.setExpire("k", t.hashOf("k"), 1234);
    REQUIRE(e != nullptr);
    CHECK(KeyTable::hasExpire(e));
    CHECK(KeyTable::expireAt(e) == 1234);
    CHECK(KeyTable::value(e) == "value");
    CHECK(KeyTable::key(e) == "k");
    CHECK(t.expires() == 1);
    checkExpireBits(t);
    // Changing the time keeps the block.
    CHECK(t.setExpire("k", t.hashOf("k"), 99) == e);
    CHECK(KeyTable::expireAt(find(t, "k")) == 99);
    CHECK(t.expires() == 1);
    // Removing it moves back to the short layout.
    e = t.setExpire("k", t.hashOf("k"), kNoExpiry);
    CHECK_FALSE(KeyTable::hasExpire(e));
    CHECK(KeyTable::value(e) == "value");
    CHECK(t.expires() == 0);
    checkExpireBits(t);
    CHECK(t.size() == 2);
}

TEST_CASE("resizeString grows zero-filled, shrinks, keeps the TTL and marks the value Raw") {
    KeyTable t;
    putS(t, "k", "ab", 777);
    KeyTable::Entry* e = t.resizeString("k", t.hashOf("k"), 5);
    REQUIRE(e != nullptr);
    CHECK(KeyTable::value(e) == "ab\0\0\0"s);
    CHECK(KeyTable::encoding(e) == StringEncoding::Raw);
    CHECK(KeyTable::expireAt(e) == 777);
    std::memcpy(KeyTable::mutableValue(e) + 2, "cde", 3);
    CHECK(valueOf(t, "k") == "abcde");
    // Many small growths (APPEND): amortised, the value intact.
    std::string model = "abcde";
    for (int i = 0; i < 2000; ++i) {
        e = t.resizeString("k", t.hashOf("k"), model.size() + 1);
        KeyTable::mutableValue(e)[model.size()] = static_cast<char>('a' + i % 26);
        model += static_cast<char>('a' + i % 26);
    }
    CHECK(valueOf(t, "k") == model);
    CHECK(KeyTable::expireAt(find(t, "k")) == 777);
    e = t.resizeString("k", t.hashOf("k"), 3);
    CHECK(KeyTable::value(e) == "abc");
    CHECK(t.resizeString("absent", t.hashOf("absent"), 3) == nullptr);
    CHECK(t.size() == 1);
    CHECK(t.expires() == 1);
    checkExpireBits(t);
}

TEST_CASE("erase with backward shift keeps every other key reachable") {
    KeyTable t;
    for (int i = 0; i < 5000; ++i) putS(t, named("k", i), std::to_string(i), i % 2 ? 100 + i : kNoExpiry);
    CHECK(t.expires() == 2500);
    for (int i = 0; i < 5000; i += 3) CHECK(erase(t, named("k", i)));
    for (int i = 0; i < 5000; ++i) {
        KeyTable::Entry* e = find(t, named("k", i));
        if (i % 3 == 0) {
            CHECK(e == nullptr);
        } else {
            REQUIRE(e != nullptr);
            CHECK(KeyTable::value(e) == std::to_string(i));
            CHECK(KeyTable::expireAt(e) == (i % 2 ? 100 + i : kNoExpiry));
        }
    }
    CHECK_FALSE(erase(t, "k0"));
    checkExpireBits(t);
    // Every entry is within its probe run: its home slot is behind it with no gap.
    KeyTable::ProbeStats ps = t.probeStats();
    CHECK(ps.total >= t.size());
    CHECK(ps.longest < 64);
}

TEST_CASE("collections: owned by the entry, deleted on overwrite, erase and clear") {
    Counted::alive = 0;
    {
        KeyTable t;
        t.putCollection("c", t.hashOf("c"), ValueType::List, new Counted(1), kNoExpiry);
        CHECK(Counted::alive == 1);
        KeyTable::Entry* e = find(t, "c");
        CHECK(KeyTable::type(e) == ValueType::List);
        REQUIRE(KeyTable::collection(e) != nullptr);
        CHECK(static_cast<Counted*>(KeyTable::collection(e))->tag == 1);
        // Overwritten by another collection: the old one goes.
        bool created = true;
        t.putCollection("c", t.hashOf("c"), ValueType::Set, new Counted(2), 500, &created);
        CHECK_FALSE(created);
        CHECK(Counted::alive == 1);
        CHECK(static_cast<Counted*>(KeyTable::collection(find(t, "c")))->tag == 2);
        CHECK(t.expires() == 1);
        // A TTL change moves the block, not the collection.
        t.setExpire("c", t.hashOf("c"), kNoExpiry);
        CHECK(Counted::alive == 1);
        CHECK(static_cast<Counted*>(KeyTable::collection(find(t, "c")))->tag == 2);
        // Overwritten by a string: deleted.
        putS(t, "c", "now a string");
        CHECK(Counted::alive == 0);
        CHECK(KeyTable::type(find(t, "c")) == ValueType::String);
        // Erase deletes.
        t.putCollection("d", t.hashOf("d"), ValueType::Hash, new Counted(3), kNoExpiry);
        CHECK(Counted::alive == 1);
        CHECK(erase(t, "d"));
        CHECK(Counted::alive == 0);
        // Clear deletes.
        for (int i = 0; i < 50; ++i) {
            std::string k = named("z", i);
            t.putCollection(k, t.hashOf(k), ValueType::ZSet, new Counted(i), kNoExpiry);
        }
        CHECK(Counted::alive == 50);
        t.clear();
        CHECK(Counted::alive == 0);
        CHECK(t.size() == 0);
        // The destructor deletes what is left.
        t.putCollection("e", t.hashOf("e"), ValueType::List, new Counted(4), kNoExpiry);
        CHECK(Counted::alive == 1);
    }
    CHECK(Counted::alive == 0);
}

TEST_CASE("detach + adopt moves a value between tables without copying or deleting it") {
    Counted::alive = 0;
    KeyTable a, b;
    a.putCollection("c", a.hashOf("c"), ValueType::Hash, new Counted(7), 4242);
    putS(a, "s", "string value", 99);
    putS(a, "keep", "k");
    const size_t a_before = a.memoryBytes();
    Collection* original = KeyTable::collection(find(a, "c"));

    KeyTable::Entry* d = a.detach("c", a.hashOf("c"));
    REQUIRE(d != nullptr);
    CHECK(a.detach("c", a.hashOf("c")) == nullptr);
    CHECK(find(a, "c") == nullptr);
    CHECK(a.size() == 2);
    CHECK(a.expires() == 1);
    CHECK(a.memoryBytes() < a_before);
    CHECK(Counted::alive == 1);  // detached, not deleted

    KeyTable::Entry* e = b.adopt("renamed", b.hashOf("renamed"), d);
    CHECK(Counted::alive == 1);
    CHECK(KeyTable::key(e) == "renamed");
    CHECK(KeyTable::type(e) == ValueType::Hash);
    CHECK(KeyTable::collection(e) == original);
    CHECK(KeyTable::expireAt(e) == 4242);
    CHECK(b.size() == 1);
    CHECK(b.expires() == 1);
    checkExpireBits(b);

    // A string moves with its bytes and TTL; within one table too (RENAME).
    d = a.detach("s", a.hashOf("s"));
    e = a.adopt("s2", a.hashOf("s2"), d);
    CHECK(KeyTable::value(e) == "string value");
    CHECK(KeyTable::expireAt(e) == 99);
    CHECK(a.size() == 2);
    CHECK(a.expires() == 1);
    checkExpireBits(a);

    // freeDetached deletes the collection.
    d = b.detach("renamed", b.hashOf("renamed"));
    CHECK(b.size() == 0);
    CHECK(b.memoryBytes() == 0);
    CHECK(Counted::alive == 1);
    b.freeDetached(d);
    CHECK(Counted::alive == 0);
}

TEST_CASE("memoryBytes: entries plus slots, and back to exactly zero when emptied") {
    KeyTable t;
    CHECK(t.memoryBytes() == 0);
    for (int i = 0; i < 1000; ++i) {
        putS(t, named("key:", i), std::string(16, 'v'), i % 4 == 0 ? 1000 + i : kNoExpiry);
    }
    // Each entry: 9 header bytes + key + value (+8 for a TTL); the slot array 8 bytes a slot.
    CHECK(t.memoryBytes() >= 1000 * (9 + 5 + 16) + 250 * 8 + t.slotCount() * 8);
    CHECK(t.memoryBytes() < 1000 * 100);
    size_t sum = t.slotCount() * sizeof(uintptr_t);
    t.forEach([&](const KeyTable::Entry* e) { sum += KeyTable::allocatedBytes(e); });
    CHECK(t.memoryBytes() == sum);

    // Every kind of change keeps the sum exact.
    for (int i = 0; i < 1000; i += 7) t.setExpire(named("key:", i), t.hashOf(named("key:", i)), 5);
    for (int i = 1; i < 1000; i += 11) {
        t.resizeString(named("key:", i), t.hashOf(named("key:", i)), 300);
    }
    for (int i = 2; i < 1000; i += 13) putS(t, named("key:", i), std::string(200, 'w'));
    sum = t.slotCount() * sizeof(uintptr_t);
    t.forEach([&](const KeyTable::Entry* e) { sum += KeyTable::allocatedBytes(e); });
    CHECK(t.memoryBytes() == sum);

    // Erasing every key returns to the empty table's zero (the slot array is released too).
    for (int i = 0; i < 1000; ++i) CHECK(erase(t, named("key:", i)));
    CHECK(t.size() == 0);
    CHECK(t.expires() == 0);
    CHECK(t.slotCount() == 0);
    CHECK(t.memoryBytes() == 0);
    // And clear() from a full table as well.
    for (int i = 0; i < 100; ++i) putS(t, named("k", i), "v", 10);
    t.clear();
    CHECK(t.memoryBytes() == 0);
    CHECK(t.expires() == 0);
    CHECK(find(t, "k1") == nullptr);
}

TEST_CASE("swap exchanges contents, counters and memory") {
    Counted::alive = 0;
    KeyTable a, b;
    for (int i = 0; i < 100; ++i) putS(a, named("a", i), "x", i < 10 ? 50 : kNoExpiry);
    b.putCollection("c", b.hashOf("c"), ValueType::List, new Counted, kNoExpiry);
    const size_t am = a.memoryBytes(), bm = b.memoryBytes();
    a.swap(b);
    CHECK(a.size() == 1);
    CHECK(b.size() == 100);
    CHECK(a.expires() == 0);
    CHECK(b.expires() == 10);
    CHECK(a.memoryBytes() == bm);
    CHECK(b.memoryBytes() == am);
    CHECK(find(a, "c") != nullptr);
    CHECK(find(b, "a5") != nullptr);
    CHECK(find(a, "a5") == nullptr);
    checkExpireBits(a);
    checkExpireBits(b);
    CHECK(Counted::alive == 1);
    a.clear();
    CHECK(Counted::alive == 0);
}

TEST_CASE("randomised operations agree with a model, expire bits included") {
    struct Model {
        std::string value;
        int64_t at;
    };
    std::mt19937_64 rng(7);
    KeyTable t;
    std::unordered_map<std::string, Model> model;
    for (int step = 0; step < 200000; ++step) {
        std::string k = named("key", static_cast<long>(rng() % 3000));
        uint64_t h = t.hashOf(k);
        auto it = model.find(k);
        switch (rng() % 6) {
            case 0: {
                std::string v(rng() % 48, static_cast<char>('a' + rng() % 26));
                int64_t at = rng() % 2 ? kNoExpiry : static_cast<int64_t>(rng() % 100000);
                bool created = false;
                t.putString(k, h, v, StringEncoding::Auto, at, &created);
                CHECK(created == (it == model.end()));
                model[k] = {v, at};
                break;
            }
            case 1:
                CHECK(t.erase(k, h) == (model.erase(k) == 1));
                break;
            case 2: {
                int64_t at = rng() % 3 == 0 ? kNoExpiry : static_cast<int64_t>(rng() % 100000);
                KeyTable::Entry* e = t.setExpire(k, h, at);
                CHECK((e != nullptr) == (it != model.end()));
                if (it != model.end()) it->second.at = at;
                break;
            }
            case 3: {
                KeyTable::Entry* e = t.resizeString(k, h, it == model.end() ? 0 : it->second.value.size() + 2);
                CHECK((e != nullptr) == (it != model.end()));
                if (e != nullptr) {
                    std::memcpy(KeyTable::mutableValue(e) + it->second.value.size(), "zz", 2);
                    it->second.value += "zz";
                }
                break;
            }
            default: {
                KeyTable::Entry* e = t.find(k, h);
                REQUIRE((e != nullptr) == (it != model.end()));
                if (e != nullptr) {
                    CHECK(KeyTable::value(e) == it->second.value);
                    CHECK(KeyTable::expireAt(e) == it->second.at);
                }
            }
        }
    }
    CHECK(t.size() == model.size());
    size_t seen = 0, with_ttl = 0;
    t.forEach([&](const KeyTable::Entry* e) {
        ++seen;
        const Model& m = model.at(std::string(KeyTable::key(e)));
        CHECK(KeyTable::value(e) == m.value);
        if (m.at != kNoExpiry) ++with_ttl;
    });
    CHECK(seen == model.size());
    CHECK(t.expires() == with_ttl);
    checkExpireBits(t);
}
