// ZSetValue (and the ScoreTree and MemberIndex under its large form) against a simple model:
// random operations, the whole set compared after each step, both forms and the moves
// between them; clone; ZSCAN's guarantee.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "zset_value.h"

using namespace mini_redis;

namespace {

// prefix + number (GCC 12 warns falsely on "literal" + std::string).
std::string named(const char* prefix, long long n) {
    std::string out(prefix);
    out += std::to_string(n);
    return out;
}

// (score, member) in zsetLess order, and member -> score.
struct Model {
    struct Less {
        bool operator()(const std::pair<double, std::string>& a,
                        const std::pair<double, std::string>& b) const {
            return zsetLess(a.first, a.second, b.first, b.second);
        }
    };
    std::set<std::pair<double, std::string>, Less> order;
    std::map<std::string, double> scores;

    void put(const std::string& m, double s) {
        auto it = scores.find(m);
        if (it != scores.end()) order.erase({it->second, m});
        scores[m] = s;
        order.insert({s, m});
    }
    void erase(const std::string& m) {
        auto it = scores.find(m);
        order.erase({it->second, m});
        scores.erase(it);
    }
    std::vector<std::pair<double, std::string>> items() const {
        return {order.begin(), order.end()};
    }
};

void checkSame(const ZSetValue& z, const Model& model) {
    REQUIRE(z.length() == model.order.size());
    z.verify();
    auto items = model.items();
    size_t r = 0;
    for (auto c = z.at(0); c.valid(); c.next(), ++r) {
        REQUIRE(r < items.size());
        CHECK(c.member() == items[r].second);
        CHECK(c.score() == items[r].first);
    }
    CHECK(r == items.size());
    // Backwards too.
    if (!items.empty()) {
        r = items.size();
        for (auto c = z.at(items.size() - 1); c.valid(); c.prev()) {
            --r;
            CHECK(c.member() == items[r].second);
        }
        CHECK(r == 0);
    }
}

std::string randomMember(std::mt19937_64& rng, size_t universe, bool long_ones) {
    std::string m = named("m", rng() % universe);
    if (long_ones && rng() % 50 == 0) m.append(20, 'x');
    if (rng() % 40 == 0) m.push_back('\0');
    return m;
}

double randomScore(std::mt19937_64& rng) {
    switch (rng() % 8) {
        case 0: return 0.0;
        case 1: return -0.0;
        case 2: return static_cast<double>(static_cast<int>(rng() % 21) - 10);
        case 3: return (rng() % 2) ? INFINITY : -INFINITY;
        case 4: return static_cast<double>(rng() % 100000000);  // beyond 7 digits: raw bytes
        case 5: return 1e300;
        default: return static_cast<double>(static_cast<int>(rng() % 2001) - 1000) / 8.0;
    }
}

// Checks every rank, score and bound query against the model.
void checkQueries(const ZSetValue& z, const Model& model, std::mt19937_64& rng, size_t universe,
                  bool equal_scores) {
    auto items = model.items();
    for (int q = 0; q < 8; ++q) {
        std::string m = randomMember(rng, universe, false);
        double s = 0;
        auto it = model.scores.find(m);
        CHECK(z.score(m, s) == (it != model.scores.end()));
        auto r = z.rank(m);
        CHECK(r.has_value() == (it != model.scores.end()));
        if (it != model.scores.end()) {
            CHECK(s == it->second);
            CHECK(std::signbit(s) == std::signbit(it->second));
            size_t expect = 0;
            while (items[expect].second != m) ++expect;
            CHECK(*r == expect);
        }
        double bound = randomScore(rng);
        for (bool strict : {false, true}) {
            size_t expect = 0;
            while (expect < items.size() &&
                   (strict ? items[expect].first <= bound : items[expect].first < bound)) {
                ++expect;
            }
            CHECK(z.scoreBound(bound, strict) == expect);
            if (equal_scores) {
                size_t lex_expect = 0;
                while (lex_expect < items.size() &&
                       (strict ? compareMembers(items[lex_expect].second, m) <= 0
                               : compareMembers(items[lex_expect].second, m) < 0)) {
                    ++lex_expect;
                }
                CHECK(z.lexBound(m, strict, 0) == lex_expect);
            }
        }
    }
}

// Random adds (all flag mixes), removals and rank removals, checked after each step.
void randomRun(uint64_t seed, int steps, size_t universe, ZSetValue::Limits limits,
               bool equal_scores) {
    std::mt19937_64 rng(seed);
    ZSetValue z;
    Model model;
    bool was_large = false;
    for (int step = 0; step < steps; ++step) {
        const int op = static_cast<int>(rng() % 10);
        const std::string m = randomMember(rng, universe, limits.max_value < 64);
        if (op < 6) {
            unsigned flags = 0;
            if (rng() % 4 == 0) flags |= ZSetValue::kAddIncr;
            if (rng() % 6 == 0) flags |= ZSetValue::kAddNx;
            else if (rng() % 6 == 0) flags |= ZSetValue::kAddXx;
            if (!(flags & ZSetValue::kAddNx) && rng() % 5 == 0)
                flags |= (rng() % 2) ? ZSetValue::kAddGt : ZSetValue::kAddLt;
            double s = equal_scores ? 0.0 : randomScore(rng);
            if (equal_scores) flags &= ~ZSetValue::kAddIncr;
            // Expected outcome, Redis's zsetAdd.
            auto it = model.scores.find(m);
            ZSetValue::AddResult expect;
            double next = s;
            if (it != model.scores.end()) {
                double cur = it->second;
                if (flags & ZSetValue::kAddIncr) next = s + cur;
                if (flags & ZSetValue::kAddNx) {
                    expect = ZSetValue::AddResult::Skipped;
                } else if (std::isnan(next)) {
                    expect = ZSetValue::AddResult::NotANumber;
                } else if (((flags & ZSetValue::kAddLt) && next >= cur) ||
                           ((flags & ZSetValue::kAddGt) && next <= cur)) {
                    expect = ZSetValue::AddResult::Skipped;
                } else if (next == cur) {
                    expect = ZSetValue::AddResult::Same;
                } else {
                    expect = ZSetValue::AddResult::Updated;
                }
            } else {
                expect = (flags & ZSetValue::kAddXx) ? ZSetValue::AddResult::Skipped
                                                     : ZSetValue::AddResult::Added;
            }
            const bool compact_before = z.compact();
            const size_t before = z.length();
            double result = NAN;
            CHECK(z.add(m, s, flags, limits, &result) == expect);
            if (expect == ZSetValue::AddResult::Added || expect == ZSetValue::AddResult::Updated) {
                CHECK(result == next);
                // A listpack keeps integral scores as integers: -0 becomes 0 there.
                const bool compact_now = z.compact();
                double stored = compact_now ? ZSetListpack::storedScore(next) : next;
                model.put(m, stored);
                if (compact_before && !compact_now) {
                    // Converted: only when a new member passed a limit.
                    CHECK(expect == ZSetValue::AddResult::Added);
                    CHECK((static_cast<int64_t>(before) + 1 > limits.max_entries ||
                           static_cast<int64_t>(m.size()) > limits.max_value));
                }
            }
        } else if (op < 8) {
            bool present = model.scores.count(m) != 0;
            CHECK(z.remove(m) == present);
            if (present) model.erase(m);
        } else if (op == 8 && !model.order.empty()) {
            size_t from = rng() % model.order.size();
            size_t n = 1 + rng() % std::min<size_t>(model.order.size() - from, 5);
            z.removeRanks(from, n);
            auto items = model.items();
            for (size_t i = from; i < from + n; ++i) model.erase(items[i].second);
        } else if (rng() % 4 == 0) {
            // A STORE destination's trip back to a listpack, when it fits.
            z.compactIfFits(limits);
            if (z.compact()) {
                Model normalized;
                for (auto& [s, name] : model.order) normalized.put(name, ZSetListpack::storedScore(s));
                model = normalized;
            }
        }
        if (!z.compact()) was_large = true;
        checkSame(z, model);
        checkQueries(z, model, rng, universe, equal_scores);
        if (step % 97 == 0) {
            ZSetValue copy(z);
            CHECK(copy.encoding() == z.encoding());
            checkSame(copy, model);
        }
    }
    CHECK(was_large);
}

}  // namespace

TEST_CASE("score encoding in the listpack: integers as Redis's double2ll, -0 becomes 0") {
    int64_t ll = 0;
    CHECK(ZSetListpack::scoreAsInteger(5.0, ll));
    CHECK(ll == 5);
    CHECK(ZSetListpack::scoreAsInteger(-0.0, ll));
    CHECK(ll == 0);
    CHECK_FALSE(ZSetListpack::scoreAsInteger(1.5, ll));
    CHECK_FALSE(ZSetListpack::scoreAsInteger(INFINITY, ll));
    CHECK(ZSetListpack::scoreAsInteger(4611686018427387904.0, ll));
    CHECK_FALSE(ZSetListpack::scoreAsInteger(9223372036854775808.0, ll));
    CHECK_FALSE(std::signbit(ZSetListpack::storedScore(-0.0)));
    ZSetValue z;
    ZSetValue::Limits limits;
    for (double s : std::initializer_list<double>{0.0, -0.0, 1.0, -999999.0, 9999999.0, 12345678.0, -1234567.0, 1e17, 0.5,
                     -INFINITY, INFINITY, 1e300, 4503599627370497.0}) {
        z.add(named("m", z.length()), s, 0, limits);
    }
    CHECK(z.compact());
    std::vector<double> got;
    for (auto c = z.at(0); c.valid(); c.next()) got.push_back(c.score());
    std::vector<double> want = {-INFINITY, -1234567.0, -999999.0, 0.0, 0.0, 0.5, 1.0, 9999999.0,
                                12345678.0, 4503599627370497.0, 1e17, 1e300, INFINITY};
    CHECK(got == want);
    for (double s : got) CHECK_FALSE((s == 0 && std::signbit(s)));
    // The large form keeps -0.
    ZSetValue big(false);
    big.add("a", -0.0, 0, limits);
    double s = 1;
    CHECK(big.score("a", s));
    CHECK(std::signbit(s));
}

TEST_CASE("score encoding in the listpack: every integer width and its edges round-trip") {
    // Integers take 1-7 bytes by magnitude (two's complement); 2^55 and beyond are doubles.
    const double p55 = 36028797018963968.0;  // 2^55
    std::vector<double> scores = {127.0, 128.0, -128.0, -129.0, 32767.0, 32768.0, -32769.0,
                                  8388608.0, -2147483649.0, 549755813888.0, 140737488355328.0,
                                  p55 - 1, -p55, p55, -p55 - 2, 4611686018427387904.0, -1.0};
    ZSetValue z;
    ZSetValue::Limits limits{256, 1000};
    for (size_t i = 0; i < scores.size(); ++i) z.add(named("m", i), scores[i], 0, limits);
    // Members of any length sit beside their score: empty, and longer than a stack buffer.
    z.add("", 3.25, 0, limits);
    z.add(std::string(300, 'x'), -7.0, 0, limits);
    REQUIRE(z.compact());
    for (size_t i = 0; i < scores.size(); ++i) {
        double s = 0;
        CHECK(z.score(named("m", i), s));
        CHECK(s == scores[i]);
    }
    double s = 0;
    CHECK(z.score("", s));
    CHECK(s == 3.25);
    CHECK(z.score(std::string(300, 'x'), s));
    CHECK(s == -7.0);
    CHECK(z.length() == scores.size() + 2);
    std::vector<double> got;
    for (auto c = z.at(0); c.valid(); c.next()) got.push_back(c.score());
    CHECK(std::is_sorted(got.begin(), got.end()));
}

TEST_CASE("order: score, then member bytes, a prefix first") {
    ZSetValue::Limits limits;
    for (bool compact : {true, false}) {
        ZSetValue z(compact);
        for (const char* m : {"b", "a", "ab", "", "\xff", "A"}) z.add(m, 1, 0, limits);
        z.add("z", 0, 0, limits);
        std::vector<std::string> got;
        for (auto c = z.at(0); c.valid(); c.next()) got.emplace_back(c.member());
        CHECK(got == std::vector<std::string>{"z", "", "A", "a", "ab", "b", "\xff"});
        CHECK(z.encoding() == (compact ? "listpack" : "skiplist"));
    }
}

TEST_CASE("conversion: entries and member length limits, never back on its own") {
    ZSetValue::Limits limits{4, 5};
    auto z = ZSetValue::forFirstMember("abc", limits);
    CHECK(z->compact());
    for (int i = 0; i < 4; ++i) z->add(named("m", i), i, 0, limits);
    CHECK(z->encoding() == "listpack");
    z->add("m4", 4, 0, limits);
    CHECK(z->encoding() == "skiplist");
    for (int i = 0; i < 4; ++i) z->remove(named("m", i));
    CHECK(z->encoding() == "skiplist");
    z->compactIfFits(limits);
    CHECK(z->encoding() == "listpack");
    z->add("toolong", 1, 0, limits);
    CHECK(z->encoding() == "skiplist");
    z->compactIfFits(limits);
    CHECK(z->encoding() == "skiplist");
    // XX on an absent member converts nothing.
    ZSetValue small;
    for (int i = 0; i < 4; ++i) small.add(named("m", i), i, 0, limits);
    small.add("new", 1, ZSetValue::kAddXx, limits);
    CHECK(small.compact());
    CHECK(ZSetValue::forFirstMember("toolong", limits)->encoding() == "skiplist");
    CHECK(ZSetValue::forFirstMember("a", ZSetValue::Limits{0, 64})->encoding() == "skiplist");
}

TEST_CASE("random operations against a model: compact and large forms, conversions") {
    for (uint64_t seed = 1; seed <= 4; ++seed) {
        randomRun(seed, 3000, 40, ZSetValue::Limits{16, 8}, false);
    }
}

TEST_CASE("random operations: equal scores, lex bounds") {
    randomRun(11, 3000, 60, ZSetValue::Limits{8, 64}, true);
}

TEST_CASE("random operations: a deep tree (thousands of members)") {
    randomRun(21, 6000, 5000, ZSetValue::Limits{128, 64}, false);
}

TEST_CASE("big tree: bulk inserts in order and reverse, deletes, ranks") {
    ZSetValue::Limits limits;
    for (int pattern = 0; pattern < 3; ++pattern) {
        ZSetValue z(false);
        const int n = 20000;
        for (int i = 0; i < n; ++i) {
            int k = pattern == 0 ? i : pattern == 1 ? n - 1 - i : (i * 7919) % n;
            z.add(named("member:", k), k, 0, limits);
        }
        z.verify();
        CHECK(z.length() == static_cast<size_t>(n));
        for (int k = 0; k < n; k += 997) {
            CHECK(*z.rank(named("member:", k)) == static_cast<size_t>(k));
            CHECK(z.at(static_cast<size_t>(k)).member() == named("member:", k));
        }
        CHECK(z.scoreBound(100.0, false) == 100);
        CHECK(z.scoreBound(100.0, true) == 101);
        // Delete most, from the front, then every other: merges and borrows.
        z.removeRanks(0, 5000);
        z.verify();
        for (int k = 5000; k < n; k += 2) CHECK(z.remove(named("member:", k)));
        z.verify();
        CHECK(z.length() == 7500);
        CHECK(*z.rank("member:5001") == 0);
        while (z.length() > 0) z.removeRanks(z.length() / 2, 1);
        z.verify();
        CHECK(z.memoryBytes() < 4096);
    }
}

TEST_CASE("random members: distinct and repeated") {
    std::mt19937_64 rng(5);
    ZSetValue::Limits limits;
    for (bool compact : {true, false}) {
        ZSetValue z(compact);
        for (int i = 0; i < 50; ++i) z.add(named("m", i), i, 0, limits);
        auto picks = z.randomMembers(30, true, rng);
        std::set<std::string> seen;
        for (auto& c : picks) seen.emplace(c.member());
        CHECK(seen.size() == 30);
        picks = z.randomMembers(200, false, rng);
        CHECK(picks.size() == 200);
        for (auto& c : picks) {
            double s = 0;
            CHECK(z.score(c.member(), s));
            CHECK(s == c.score());
        }
    }
}

TEST_CASE("ZSCAN: a pass returns every member present throughout, across grows and shrinks") {
    ZSetValue::Limits limits;
    ZSetValue z(false);
    for (int i = 0; i < 1000; ++i) z.add(named("k", i), i, 0, limits);
    std::set<std::string> seen;
    uint64_t cursor = 0;
    int calls = 0;
    do {
        cursor = z.scan(cursor, 10, [&](std::string_view m, double) { seen.emplace(m); });
        ++calls;
        // Churn: grow, then shrink the index during the pass; k0..k499 stay throughout.
        if (calls == 5) {
            for (int i = 1000; i < 5000; ++i) z.add(named("k", i), i, 0, limits);
        }
        if (calls == 30) {
            for (int i = 500; i < 5000; ++i) z.remove(named("k", i));
        }
    } while (cursor != 0);
    for (int i = 0; i < 500; ++i) CHECK(seen.count(named("k", i)) == 1);
    // A listpack answers at once.
    ZSetValue small;
    small.add("a", 1, 0, limits);
    size_t n = 0;
    CHECK(small.scan(123, 1, [&](std::string_view, double) { ++n; }) == 0);
    CHECK(n == 1);
}

TEST_CASE("memory: bytes are counted and shrink back") {
    ZSetValue::Limits limits;
    ZSetValue z(false);
    const size_t empty = z.memoryBytes();
    for (int i = 0; i < 100000; ++i) z.add(named("member:", i), i * 1.5, 0, limits);
    const size_t full = z.memoryBytes();
    // Index + tree + one 32-byte block per member: well under Redis's ~100 bytes a member.
    CHECK(full / 100000 < 80);
    MESSAGE("bytes per member (100k, in order): " << full / 100000);
    for (int i = 0; i < 100000; ++i) z.remove(named("member:", i));
    CHECK(z.memoryBytes() == empty);
}
