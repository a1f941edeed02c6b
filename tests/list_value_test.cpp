// Unit tests for ListValue: random operations against a std::deque model, compared after each
// step, with node bounds small enough that nodes are made, split, merged and dropped all the
// time; clone and memoryBytes.
#include "list_value.h"

#include <doctest/doctest.h>

#include <deque>
#include <memory>
#include <random>
#include <string>
#include <vector>

using mini_redis::ListValue;
using End = ListValue::End;
using Model = std::deque<std::string>;

namespace {

std::vector<std::string> contents(const ListValue& l) {
    std::vector<std::string> out;
    l.forRange(0, l.length(), [&](std::string_view v) { out.emplace_back(v); });
    return out;
}

void checkSame(const ListValue& l, const Model& model) {
    REQUIRE(l.valid());
    REQUIRE(l.length() == model.size());
    const std::vector<std::string> forward(model.begin(), model.end());
    REQUIRE(contents(l) == forward);
    std::vector<std::string> backward;
    l.walk(End::Tail, [&](std::string_view v) {
        backward.emplace_back(v);
        return true;
    });
    REQUIRE(std::vector<std::string>(backward.rbegin(), backward.rend()) == forward);
    for (size_t i = 0; i < model.size(); i += 1 + model.size() / 7) CHECK(l.at(i) == model[i]);
}

// A few distinct short values (so LREM/LINSERT find matches), sometimes a long one.
std::string randomValue(std::mt19937& rng, bool big_ones) {
    const unsigned kind = rng() % 20;
    if (kind < 16) {
        std::string v(1, static_cast<char>('a' + rng() % 6));
        v.append(std::to_string(rng() % 3));
        return v;
    }
    if (kind < 19 || !big_ones) {
        return std::string(100 + rng() % 200, static_cast<char>('A' + rng() % 3));
    }
    return std::string(3000 + rng() % 3000, 'Z');  // past a -1 node's 4 KiB alone
}

size_t pick(std::mt19937& rng, size_t n) {
    return n == 0 ? 0 : rng() % n;
}

void randomRun(int64_t fill, uint32_t seed, int steps) {
    std::mt19937 rng(seed);
    ListValue l(fill);
    Model m;
    const bool big = fill < 0;
    size_t max_len = 0, max_nodes = 0;
    for (int step = 0; step < steps; ++step) {
        CAPTURE(step);
        const unsigned op = rng() % 100;
        // Phases of growth (bursts of pushes) and of shrinking (pops of many), so lists reach
        // many nodes and shrink back through merges.
        const bool growing = (step / 400) % 2 == 0;
        if (op < 30) {
            const size_t burst = growing ? 1 + rng() % 12 : 1;
            for (size_t k = 0; k < burst; ++k) {
                const std::string v = randomValue(rng, big);
                const End end = rng() % 2 ? End::Head : End::Tail;
                l.push(end, v);
                end == End::Head ? m.push_front(v) : m.push_back(v);
            }
        } else if (op < 42) {
            const End end = rng() % 2 ? End::Head : End::Tail;
            const size_t n = rng() % 4 == 0 || !growing ? rng() % 40 : 1;
            std::vector<std::string> got;
            const size_t done = l.pop(end, n, [&](std::string_view v) { got.emplace_back(v); });
            std::vector<std::string> want;
            for (size_t k = 0; k < n && !m.empty(); ++k) {
                if (end == End::Head) {
                    want.push_back(m.front());
                    m.pop_front();
                } else {
                    want.push_back(m.back());
                    m.pop_back();
                }
            }
            CHECK(done == want.size());
            CHECK(got == want);
        } else if (op < 52) {
            if (m.empty()) continue;
            const size_t i = pick(rng, m.size());
            const std::string v = randomValue(rng, big);
            l.set(i, v);
            m[i] = v;
        } else if (op < 64) {
            const std::string pivot = randomValue(rng, false);
            const std::string v = randomValue(rng, big);
            const bool after = rng() % 2;
            auto it = std::find(m.begin(), m.end(), pivot);
            const bool found = it != m.end();
            CHECK(l.insert(pivot, after, v) == found);
            if (found) m.insert(after ? it + 1 : it, v);
        } else if (op < 74) {
            const std::string v = randomValue(rng, false);
            const int64_t count = static_cast<int64_t>(rng() % 7) - 3;
            size_t want = 0;
            if (count >= 0) {
                for (auto it = m.begin(); it != m.end();) {
                    if (*it == v && (count == 0 || want < static_cast<size_t>(count))) {
                        it = m.erase(it);
                        ++want;
                    } else {
                        ++it;
                    }
                }
            } else {
                for (size_t k = m.size(); k-- > 0;) {
                    if (m[k] == v && want < static_cast<size_t>(-count)) {
                        m.erase(m.begin() + static_cast<ptrdiff_t>(k));
                        ++want;
                    }
                }
            }
            CHECK(l.remove(v, count) == want);
        } else if (op < 80) {
            const size_t start = pick(rng, m.size() + 2);
            const size_t n = rng() % 30;
            l.erase(start, n);
            if (start < m.size()) {
                const size_t stop = std::min(m.size(), start + n);
                m.erase(m.begin() + static_cast<ptrdiff_t>(start),
                        m.begin() + static_cast<ptrdiff_t>(stop));
            }
        } else if (op < 90) {
            if (m.empty()) continue;
            const size_t start = pick(rng, m.size());
            const size_t n = 1 + pick(rng, m.size() - start);
            std::vector<std::string> got;
            l.forRange(start, n, [&](std::string_view v) { got.emplace_back(v); });
            CHECK(got == std::vector<std::string>(m.begin() + static_cast<ptrdiff_t>(start),
                                                  m.begin() + static_cast<ptrdiff_t>(start + n)));
        } else if (op < 93) {
            std::unique_ptr<mini_redis::Collection> copy(l.clone());
            auto& c = static_cast<ListValue&>(*copy);
            checkSame(c, m);
            CHECK(c.memoryBytes() <= l.memoryBytes() + 64);
            c.push(End::Tail, "only-in-the-copy");
            CHECK(c.length() == m.size() + 1);
        } else {
            if (m.empty()) continue;
            const size_t i = pick(rng, m.size());
            CHECK(l.at(i) == m[i]);
        }
        checkSame(l, m);
        if (l.length() == 0) CHECK(l.memoryBytes() == sizeof(ListValue));
        max_len = std::max(max_len, l.length());
        max_nodes = std::max(max_nodes, l.nodeCount());
    }
    MESSAGE("fill " << fill << ": up to " << max_len << " elements in " << max_nodes << " nodes");
    CHECK(max_nodes > 10);
}

}  // namespace

TEST_CASE("random operations match a deque, count-bounded nodes") {
    for (int64_t fill : {1, 2, 3, 5, 16}) {
        CAPTURE(fill);
        randomRun(fill, 1000 + static_cast<uint32_t>(fill), 3000);
    }
}

TEST_CASE("random operations match a deque, byte-bounded nodes with big elements") {
    for (int64_t fill : {-1, -2}) {
        CAPTURE(fill);
        randomRun(fill, 77 + static_cast<uint32_t>(-fill), 3000);
    }
}

TEST_CASE("fill is clamped as Redis clamps it; 0 means one element per node") {
    ListValue zero(0);
    for (int i = 0; i < 5; ++i) zero.push(End::Tail, "x");
    CHECK(zero.nodeCount() == 5);
    CHECK(ListValue(-9).fill() == -5);
    CHECK(ListValue(1 << 20).fill() == 32767);
}

TEST_CASE("pushes fill a node up to its bound, then start a new one") {
    ListValue l(4);
    for (int i = 0; i < 8; ++i) l.push(End::Tail, std::to_string(i));
    CHECK(l.nodeCount() == 2);
    for (int i = 0; i < 4; ++i) l.push(End::Head, std::to_string(i));
    CHECK(l.nodeCount() == 3);
    CHECK(l.valid());

    ListValue bytes(-1);  // 4 KiB nodes
    for (int i = 0; i < 1000; ++i) bytes.push(End::Tail, std::string(40, 'v'));
    // 42 bytes an entry, about 97 per node.
    CHECK(bytes.nodeCount() == 11);
    CHECK(bytes.valid());
}

TEST_CASE("inserts into a full node split it; removals merge neighbours back") {
    ListValue l(4);
    for (int i = 0; i < 8; ++i) l.push(End::Tail, std::to_string(i));
    REQUIRE(l.nodeCount() == 2);
    CHECK(l.insert("1", true, "x"));  // the middle of the first, full node
    CHECK(l.nodeCount() == 3);
    CHECK(l.valid());
    CHECK(contents(l) == std::vector<std::string>{"0", "1", "x", "2", "3", "4", "5", "6", "7"});
    CHECK(l.remove("x", 0) == 1);
    CHECK(l.remove("2", 1) == 1);
    CHECK(l.valid());
    CHECK(l.nodeCount() == 2);
    // An insert at a full node's end goes to the next node or a new one, not a split.
    ListValue e(2);
    for (int i = 0; i < 4; ++i) e.push(End::Tail, std::to_string(i));
    CHECK(e.insert("1", true, "y"));
    CHECK(e.nodeCount() == 3);
    CHECK(contents(e) == std::vector<std::string>{"0", "1", "y", "2", "3"});
}

TEST_CASE("a big element gets a node of its own") {
    ListValue l(-1);
    for (int i = 0; i < 50; ++i) l.push(End::Tail, std::string(30, 's'));
    REQUIRE(l.nodeCount() == 1);
    l.set(25, std::string(10000, 'B'));
    CHECK(l.valid());
    CHECK(l.nodeCount() == 3);
    CHECK(l.at(25) == std::string(10000, 'B'));
    l.set(25, "small");
    CHECK(l.valid());
    CHECK(l.nodeCount() == 1);
}

TEST_CASE("memoryBytes: a small list is the object and one block") {
    ListValue l(-2);
    CHECK(l.memoryBytes() == sizeof(ListValue));
    CHECK(sizeof(ListValue) <= 64);
    for (int i = 0; i < 100; ++i) l.push(End::Tail, "item:" + std::to_string(i));
    CHECK(l.nodeCount() == 1);
    // 100 entries of 6-7 bytes, 2 bytes of lengths each, an 8-byte header: under 1 KiB, and
    // the allocator rounds the block up by at most a quarter.
    CHECK(l.memoryBytes() <= sizeof(ListValue) + 1100 * 5 / 4);
    CHECK(l.memoryBytes() >= sizeof(ListValue) + 898);  // 10 entries of 8 bytes, 90 of 9, header
    const size_t before = l.memoryBytes();
    l.pop(End::Head, 50, [](std::string_view) {});
    CHECK(l.memoryBytes() < before);
    l.pop(End::Tail, 50, [](std::string_view) {});
    CHECK(l.length() == 0);
    CHECK(l.memoryBytes() == sizeof(ListValue));

    // A long list: the nodes' blocks, full to about their bound, and the ring.
    ListValue big(-2);
    for (int i = 0; i < 100000; ++i) big.push(End::Tail, "value-" + std::to_string(i));
    CHECK(big.valid());
    const size_t payload = 100000 * 14;  // about 12 bytes of value + 2 of lengths
    CHECK(big.memoryBytes() < payload * 5 / 4);
    CHECK(big.nodeCount() < payload / 8192 + 20);
}

TEST_CASE("erase trims whole nodes and the edges, then merges") {
    ListValue l(3);
    Model m;
    for (int i = 0; i < 30; ++i) {
        l.push(End::Tail, std::to_string(i));
        m.push_back(std::to_string(i));
    }
    l.erase(0, 4);
    m.erase(m.begin(), m.begin() + 4);
    checkSame(l, m);
    l.erase(m.size() - 5, 100);
    m.erase(m.end() - 5, m.end());
    checkSame(l, m);
    l.erase(2, 10);
    m.erase(m.begin() + 2, m.begin() + 12);
    checkSame(l, m);
    l.erase(0, 1000);
    CHECK(l.length() == 0);
    CHECK(l.nodeCount() == 0);
    CHECK(l.valid());
}

TEST_CASE("remove with INT64_MIN counts from the tail without overflow") {
    ListValue l(2);
    for (const char* v : {"a", "b", "a", "a"}) l.push(End::Tail, v);
    CHECK(l.remove("a", INT64_MIN) == 3);
    CHECK(contents(l) == std::vector<std::string>{"b"});
}
