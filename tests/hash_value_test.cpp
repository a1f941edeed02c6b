// Unit tests for HashValue (and the FieldTable under it): random operations against a std::map
// model checked after every step, the listpack -> hashtable switch by count and by length,
// clone, random picks, memory per pair, and the scan cursor's guarantees across growth and
// shrinking.
#include "hash_value.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

using mini_redis::FieldTable;
using mini_redis::HashLimits;
using mini_redis::HashValue;

namespace {

// prefix + n, built with append (GCC 12 warns falsely on the "literal" + std::string form).
std::string named(std::string_view prefix, uint64_t n) {
    std::string s(prefix);
    s.append(std::to_string(n));
    return s;
}

// The model: the pairs, and (for the listpack form) their insertion order.
struct Model {
    std::map<std::string, std::string> pairs;
    std::vector<std::string> order;
    bool table = false;
};

// Everything the hash says agrees with the model: length, every value, absent fields, the
// walk (in insertion order while a listpack), the encoding.
void checkSame(const HashValue& h, const Model& m) {
    REQUIRE(h.length() == m.pairs.size());
    CHECK(h.encoding() == (m.table ? "hashtable" : "listpack"));
    for (const auto& [f, v] : m.pairs) {
        auto got = h.get(f);
        REQUIRE(got.has_value());
        CHECK(*got == v);
    }
    CHECK(!h.get("no such field").has_value());
    std::vector<std::string> walked;
    h.forEach([&](std::string_view f, std::string_view v) {
        walked.emplace_back(f);
        auto it = m.pairs.find(std::string(f));
        REQUIRE(it != m.pairs.end());
        CHECK(it->second == v);
    });
    if (!m.table) {
        CHECK(walked == m.order);
    } else {
        std::sort(walked.begin(), walked.end());
        CHECK(std::adjacent_find(walked.begin(), walked.end()) == walked.end());
        CHECK(walked.size() == m.pairs.size());
    }
}

std::string randomText(std::mt19937_64& rng, size_t max_len) {
    std::string s(rng() % (max_len + 1), '\0');
    for (auto& c : s) c = static_cast<char>('a' + rng() % 6);
    return s;
}

// Applies `ops` random sets and erases to a hash and the model with `limits`, checking after
// each step.
void randomRun(const HashLimits& limits, size_t ops, size_t field_space, size_t max_value,
               uint64_t seed) {
    std::mt19937_64 rng(seed);
    auto hash = std::make_unique<HashValue>();
    Model m;
    for (size_t step = 0; step < ops; ++step) {
        HashValue& h = *hash;
        const std::string f = named("f", rng() % field_space);
        if (rng() % 3 != 0) {
            std::string v = randomText(rng, max_value);
            const bool fresh = m.pairs.find(f) == m.pairs.end();
            if (static_cast<int64_t>(std::max(f.size(), v.size())) > limits.max_listpack_value)
                m.table = true;
            if (fresh) m.order.push_back(f);
            m.pairs[f] = v;
            if (static_cast<int64_t>(m.pairs.size()) > limits.max_listpack_entries) m.table = true;
            CHECK(h.set(f, v, limits) == fresh);
        } else {
            const bool there = m.pairs.erase(f) == 1;
            if (there) m.order.erase(std::find(m.order.begin(), m.order.end(), f));
            CHECK(h.erase(f) == there);
        }
        checkSame(h, m);
        if (h.length() == 0) {
            // An emptied hash is a deleted key in the server; a fresh one starts compact again.
            hash = std::make_unique<HashValue>();
            m = Model{};
        }
    }
}

}  // namespace

TEST_CASE("random operations match a map model, listpack and table") {
    randomRun({512, 64}, 3000, 40, 20, 1);  // stays a listpack mostly (values up to 20)
    randomRun({16, 64}, 4000, 60, 20, 2);   // switches by count
    randomRun({512, 8}, 3000, 40, 12, 3);   // switches by length
    randomRun({0, 64}, 4000, 1000, 30, 4);  // a table from the first field: growth
    randomRun({0, 64}, 6000, 50, 300, 5);   // a table with values of varied sizes
}

TEST_CASE("the switch by count: more than max_listpack_entries pairs") {
    const HashLimits limits{4, 64};
    HashValue h;
    for (int i = 0; i < 4; ++i) h.set(named("f", i), "v", limits);
    CHECK(h.encoding() == "listpack");
    h.set("f0", "updated", limits);  // an update adds no pair
    CHECK(h.encoding() == "listpack");
    h.set("f4", "v", limits);
    CHECK(h.encoding() == "hashtable");
    CHECK(h.length() == 5);
    CHECK(*h.get("f0") == "updated");
    // Never back, even down to one pair.
    for (int i = 0; i < 4; ++i) h.erase(named("f", i));
    CHECK(h.length() == 1);
    CHECK(h.encoding() == "hashtable");
}

TEST_CASE("an update converts a listpack hash over a lowered entry limit, as Redis does") {
    HashValue h;
    for (int i = 0; i < 3; ++i) h.set(named("f", i), "v", HashLimits{128, 64});
    CHECK(h.encoding() == "listpack");
    CHECK_FALSE(h.set("f0", "again", HashLimits{2, 64}));  // CONFIG SET lowered it meanwhile
    CHECK(h.encoding() == "hashtable");
    CHECK(h.length() == 3);
    CHECK(*h.get("f0") == "again");
}

TEST_CASE("the switch by length: a field or a value longer than max_listpack_value") {
    const HashLimits limits{512, 64};
    HashValue a;
    a.set("f", std::string(64, 'v'), limits);
    a.set(std::string(64, 'f'), "v", limits);
    CHECK(a.encoding() == "listpack");
    a.set("f", std::string(65, 'v'), limits);  // an update too
    CHECK(a.encoding() == "hashtable");
    CHECK(a.get("f")->size() == 65);
    CHECK(a.length() == 2);

    HashValue b;
    b.set("x", "1", limits);
    b.set(std::string(65, 'f'), "", limits);
    CHECK(b.encoding() == "hashtable");
    CHECK(*b.get("x") == "1");
    CHECK(*b.get(std::string(65, 'f')) == "");

    // A zero limit: any non-empty field converts; empty strings fit.
    HashValue c;
    c.set("", "", {512, 0});
    CHECK(c.encoding() == "listpack");
    c.set("a", "", {512, 0});
    CHECK(c.encoding() == "hashtable");
}

TEST_CASE("clone is deep, in both forms") {
    const HashLimits limits{8, 64};
    for (int n : {3, 100}) {
        HashValue h;
        for (int i = 0; i < n; ++i) h.set(named("f", i), std::to_string(i * 7), limits);
        std::unique_ptr<mini_redis::Collection> copy(h.clone());
        auto& c = static_cast<HashValue&>(*copy);
        CHECK(c.encoding() == h.encoding());
        CHECK(c.length() == h.length());
        CHECK(c.memoryBytes() == h.memoryBytes());
        h.set("f0", "changed", limits);
        h.erase("f1");
        CHECK(*c.get("f0") == "0");
        CHECK(*c.get("f1") == "7");
        for (int i = 2; i < n; ++i) CHECK(*c.get(named("f", i)) == std::to_string(i * 7));
        c.set("new", "x", limits);
        CHECK(!h.get("new").has_value());
    }
}

TEST_CASE("memoryBytes follows the pairs and stays under Redis's dict per pair") {
    const HashLimits limits{512, 64};
    HashValue h;
    const size_t empty = h.memoryBytes();
    h.set("field", "value", limits);
    CHECK(h.memoryBytes() > empty);
    constexpr size_t kPairs = 100000;
    for (size_t i = 0; i < kPairs; ++i) h.set(named("field:", i), "value-1234", limits);
    REQUIRE(h.encoding() == "hashtable");
    // Redis 7.0 with jemalloc, per pair of a 10-byte-ish field and value: a dictEntry (24 bytes,
    // a 32-byte class), two sds (3-byte header + text + NUL: 16 bytes each) and 8 to 16 bytes of
    // buckets: 72 to 80. Ours must not be more.
    const double per_pair = static_cast<double>(h.memoryBytes()) / kPairs;
    INFO("bytes per pair: " << per_pair);
    CHECK(per_pair <= 72.0);
    // Shrinks as pairs go.
    const size_t full = h.memoryBytes();
    for (size_t i = 0; i < kPairs - 10; ++i) h.erase(named("field:", i));
    CHECK(h.memoryBytes() < full / 100);
    CHECK(h.length() == 11);  // "field" and the last 10
}

TEST_CASE("a value rewritten bigger or smaller keeps its field and memory count right") {
    FieldTable t;
    t.set("f", "short");
    const size_t before = t.memoryBytes();
    t.set("f", std::string(1000, 'x'));
    CHECK(t.get("f")->size() == 1000);
    CHECK(t.memoryBytes() > before);
    t.set("f", "s");  // a new, small block: the big one is given back
    CHECK(*t.get("f") == "s");
    FieldTable fresh;
    fresh.set("f", "s");
    CHECK(t.memoryBytes() == fresh.memoryBytes());
    CHECK(t.memoryBytes() < before + 100);
    t.set("f", std::string(200, 'y'));  // a 2-byte length varint
    CHECK(*t.get("f") == std::string(200, 'y'));
    CHECK(t.erase("f"));
    CHECK(t.memoryBytes() == 0);
}

TEST_CASE("random picks: distinct, all, with repeats, and roughly uniform") {
    for (int64_t entries : {512, 0}) {  // listpack, then table
        const HashLimits limits{entries, 64};
        HashValue h;
        for (int i = 0; i < 20; ++i) h.set(named("f", i), named("v", i), limits);
        HashValue::Random rng(7);
        auto collect = [&](size_t count, bool distinct) {
            std::vector<std::string> out;
            h.randomPairs(count, distinct, rng, [&](std::string_view f, std::string_view v) {
                CHECK(v == named("v", std::stoull(std::string(f.substr(1)))));
                out.emplace_back(f);
            });
            return out;
        };
        for (size_t count : {1, 5, 7, 19}) {
            auto got = collect(count, true);
            CHECK(got.size() == count);
            CHECK(std::set<std::string>(got.begin(), got.end()).size() == count);
        }
        CHECK(collect(20, true).size() == 20);
        CHECK(collect(1000, true).size() == 20);  // all of them
        CHECK(collect(0, true).empty());
        std::map<std::string, int> hits;
        for (const auto& f : collect(20000, false)) ++hits[f];
        CHECK(hits.size() == 20);
        for (const auto& [f, n] : hits) CHECK((n > 700 && n < 1300));
        hits.clear();
        for (int i = 0; i < 20000; ++i) ++hits[std::string(h.randomPair(rng).first)];
        for (const auto& [f, n] : hits) CHECK((n > 700 && n < 1300));
        // Distinct picks are uniform too (each field in about count/n of the draws).
        hits.clear();
        for (int i = 0; i < 4000; ++i) {
            for (const auto& f : collect(5, true)) ++hits[f];
        }
        for (const auto& [f, n] : hits) CHECK((n > 700 && n < 1300));
    }
}

TEST_CASE("a listpack scan returns everything at once with cursor 0") {
    HashValue h;
    for (int i = 0; i < 10; ++i) h.set(named("f", i), "v", {512, 64});
    size_t seen = 0;
    CHECK(h.scan(12345, 1, [&](std::string_view, std::string_view) { ++seen; }) == 0);
    CHECK(seen == 10);
}

TEST_CASE("a table scan visits every pair exactly once when nothing changes") {
    HashValue h;
    const HashLimits limits{0, 64};
    for (int i = 0; i < 5000; ++i) h.set(named("f", i), "v", limits);
    std::map<std::string, int> seen;
    uint64_t cursor = 0;
    int calls = 0;
    do {
        cursor = h.scan(cursor, 10,
                        [&](std::string_view f, std::string_view) { ++seen[std::string(f)]; });
        ++calls;
    } while (cursor != 0);
    CHECK(seen.size() == 5000);
    for (const auto& [f, n] : seen) CHECK(n == 1);
    CHECK(calls > 100);  // about COUNT elements per call, not everything at once
}

TEST_CASE("a scan misses no pair present for the whole pass, across growth and shrinking") {
    const HashLimits limits{0, 64};
    for (uint64_t seed = 1; seed <= 6; ++seed) {
        std::mt19937_64 rng(seed);
        HashValue h;
        for (int i = 0; i < 300; ++i) h.set(named("stay", i), "v", limits);
        std::set<std::string> stayers;
        for (int i = 0; i < 300; ++i) stayers.insert(named("stay", i));
        std::set<std::string> seen;
        uint64_t cursor = 0;
        int extra = 0;
        int step = 0;
        do {
            cursor = h.scan(cursor, 1 + rng() % 20,
                            [&](std::string_view f, std::string_view) { seen.emplace(f); });
            // Between calls: grow a lot (several doublings) in the first half of the pass,
            // then shrink a lot (several halvings) by deleting the extras.
            if (++step < 15) {
                for (int i = 0; i < 400; ++i) h.set(named("extra", extra++), "v", limits);
            } else {
                for (int i = 0; i < 600 && extra > 0; ++i) h.erase(named("extra", --extra));
            }
        } while (cursor != 0);
        for (const auto& f : stayers) {
            INFO("seed " << seed << " field " << f);
            CHECK(seen.count(f) == 1);
        }
    }
}
